import Hummingbird
import JSON
import JSONSchema
import VESModel

/// `--profile onap`: the ONAP VES collector's order of checks and its answers. Every request is still recorded
/// with every violation found, so the report is as full as under the spec profile.
extension ListenerResponder {
    func respondAsCollector(
        _ request: Request,
        context: Context,
        route: EventRoute,
        settings: ONAPCollectorSettings
    ) async throws -> Response {
        let path = request.uri.path
        // The collector has only /eventListener/{v} and /eventListener/{v}/eventBatch; its framework answers the
        // rest before any of its own code runs.
        if (route.topic != nil && route.versionSegment == route.apiVersion) || route.kind == .throttlingState {
            let error = RequestError.serviceError("the ONAP collector has no route \(path)", status: 404)
            return refuseNonEvent(.notFound, error, answer: ONAPAnswers.frameworkError(.notFound, path: path))
        }
        guard request.method == .post else {
            let error = RequestError.serviceError("\(request.method) is not allowed here; use POST", status: 405)
            var answer = ONAPAnswers.frameworkError(.methodNotAllowed, path: path)
            answer.headers[.allow] = "POST"
            return refuseNonEvent(.methodNotAllowed, error, answer: answer)
        }
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType: contentType) else {
            let error = RequestError.serviceError("the ONAP collector consumes only application/json", status: 415)
            let answer = ONAPAnswers.frameworkError(.unsupportedMediaType, path: path)
            return reject(.unsupportedMediaType, error, path: path, route: route, raw: nil, answer: answer)
        }
        if let credentials = configuration.credentials, settings.authMethod == "certBasicAuth" {
            let given = request.headers[.authorization].flatMap(BasicAuthorization.parse)
            guard let given, BasicAuthorization.matches(given, credentials) else {
                let answer = ONAPAnswers.response(.unauthorized, ONAPAnswers.unauthorized)
                return reject(
                    .unauthorized,
                    ONAPAnswers.unauthorized,
                    path: path,
                    route: route,
                    raw: nil,
                    answer: answer
                )
            }
        }
        // A topic glued to the version is, for the collector, a version it does not know.
        let segment = route.versionSegment.isEmpty ? route.apiVersion : route.versionSegment
        guard segment == route.apiVersion, let served = configuration.servedVersion(route.apiVersion) else {
            let error = RequestError.serviceError("API version \(segment) is not supported")
            let answer = ONAPAnswers.unsupportedVersion(segment)
            return refuseNonEvent(.badRequest, error, answer: answer)
        }
        if let minor = request.headers[VersionHeaders.minorVersion], !minor.isEmpty,
            !settings.serves(minorVersion: minor, major: String(route.apiVersion.dropFirst()))
        {
            let error = RequestError.badParameters(["X-MinorVersion"])
            let answer = ONAPAnswers.text(.badRequest, ONAPAnswers.invalidCustomHeader, labelledJSON: false)
            let reason =
                "the collector's API version description lists " + settings.describedVersions.joined(separator: ", ")
            return reject(.badRequest, error, path: path, route: route, raw: nil, reason: reason, answer: answer)
        }
        if let answer = try await injectedFaultAnswer(request, context: context, route: route) {
            return answer
        }
        let body: [UInt8]
        switch try await readBody(request, context: context) {
        case .bytes(let bytes):
            body = bytes
        case .tooLarge(let raw):
            return reject(.badRequest, .messageTooLarge, path: path, route: route, raw: raw)
        case .timedOut:
            return bodyTimedOut()
        }
        let document: JSONValue
        do {
            document = try parse(body)
        } catch {
            // The collector parses before it validates and catches nothing there: its framework answers 500.
            let reason = RequestError.serviceError("the body is not valid JSON: \(error.message)", status: 500)
            let answer = ONAPAnswers.frameworkError(.internalServerError, path: path)
            return reject(
                .internalServerError,
                reason,
                path: path,
                route: route,
                raw: Self.rawText(body),
                answer: answer
            )
        }
        do {
            let notes = route.notes.map { Violation.note($0) }
            return try accept(
                document,
                body: body,
                intake: Intake(path: path, route: route, served: served, notes: notes)
            )
        } catch is StoreFailure {
            return ONAPAnswers.response(.serviceUnavailable, ONAPAnswers.noServerResources)
        }
    }

    /// The collector's answer for what was found, from the first of its stages that failed: envelope, schema,
    /// stndDefined namespace, stndDefined data, batch, routing. Stages its settings turn off do not answer.
    func collectorErrorResponse(_ errors: [Violation], settings: ONAPCollectorSettings) -> Response? {
        func has(_ stage: CollectorStage) -> Violation? {
            errors.first { CollectorStage(of: $0) == stage }
        }
        if settings.checksSchema {
            if has(.envelope) != nil { return ONAPAnswers.response(.badRequest, ONAPAnswers.invalidJSONInput) }
            if has(.schema) != nil { return ONAPAnswers.response(.badRequest, ONAPAnswers.schemaFailed) }
        }
        if let namespace = has(.namespace) {
            let error =
                namespace.keyword == StndDefinedRules.missingNamespace
                ? ONAPAnswers.missingNamespace : ONAPAnswers.emptyNamespace
            return ONAPAnswers.response(.badRequest, error)
        }
        if settings.checksStndDefinedData, let data = has(.stndDefinedData) {
            let error =
                switch data.keyword {
                case StndDefinedKeyword.unknownReference: ONAPAnswers.noLocalSchemaReference
                case StndDefinedKeyword.badFragment: ONAPAnswers.incorrectFileReference
                default: ONAPAnswers.stndDefinedDataFailed
                }
            return ONAPAnswers.response(.badRequest, error)
        }
        if let batch = has(.batch) {
            let error =
                batch.pointer.hasSuffix("/stndDefinedNamespace")
                ? ONAPAnswers.differentNamespaces : ONAPAnswers.differentDomains
            return ONAPAnswers.response(.badRequest, error)
        }
        if has(.routing) != nil {
            return ONAPAnswers.response(.badRequest, ONAPAnswers.noStream)
        }
        return nil
    }

    /// The routing stage: the stream the collector would publish the (first) event to, as a note naming it and
    /// its topic, or a violation when it has none.
    func collectorRouting(_ event: JSONValue, pointer: String, segment: String, settings: ONAPCollectorSettings)
        -> (violation: Violation?, note: Violation?)
    {
        let header = event["commonEventHeader"]
        let domain = header?["domain"]?.stringValue
        let namespace = header?["stndDefinedNamespace"]?.stringValue
        if let stream = settings.stream(domain: domain, namespace: namespace, segment: segment) {
            let topic = settings.publishers?[stream].map { " (\($0))" } ?? ""
            return (nil, .note("the ONAP collector would publish this to stream '\(stream)'\(topic)", at: pointer))
        }
        let isStndDefined = domain == "stndDefined"
        let field = isStndDefined ? "stndDefinedNamespace" : "domain"
        let value = (isStndDefined ? namespace : domain) ?? ""
        let violation = Violation(
            pointer: pointer + "/commonEventHeader/" + field,
            message: "\(field) '\(value)' has no stream in the collector's collector.dmaap.streamid; "
                + "the collector answers 400 and publishes nothing",
            keyword: CollectorStage.routingKeyword
        )
        return (violation, nil)
    }
}

/// Which of the collector's stages a violation belongs to.
enum CollectorStage: Equatable {
    case envelope, schema, namespace, stndDefinedData, batch, routing

    static let routingKeyword = "routing"

    init(of violation: Violation) {
        switch violation.keyword {
        case StndDefinedRules.missingNamespace, StndDefinedRules.emptyNamespace: self = .namespace
        case StndDefinedKeyword.unknownReference, StndDefinedKeyword.badFragment:
            self = .stndDefinedData
        case let keyword where keyword.hasPrefix(StndDefinedKeyword.data + ":"):
            self = .stndDefinedData
        case BatchRules.keyword: self = .batch
        case Self.routingKeyword: self = .routing
        case "required" where violation.pointer == "/event" || violation.pointer == "/eventList",
            "minItems" where violation.pointer == "/eventList":
            self = .envelope
        default: self = .schema
        }
    }
}
