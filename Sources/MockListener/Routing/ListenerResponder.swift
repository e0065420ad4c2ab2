import Hummingbird
import JSON
import JSONSchema
import Logging
import MetricsExport
import NIOCore
import Platform
import Synchronization
import VESModel

/// Answers every request: the VES event routes, the test-control API, the health check and the metrics.
struct ListenerResponder: HTTPResponder {
    typealias Context = ListenerRequestContext

    let configuration: ListenerConfiguration
    let store: RecordStore
    let control: ControlState
    let logger: Logger
    let metrics: ListenerMetrics
    /// The web view's live stream and catalog.
    let webView: WebViewHub
    /// Closes the connections of bodies sent too slowly.
    let bodyGuard: SlowBodyGuard

    /// Nesting deeper than this is refused; VES events nest about six levels.
    static let maxDepth = 64
    /// How much of a non-JSON body the record keeps.
    static let rawLimit = 4096

    /// Answers the request, counted by route and status with its latency for `/metrics`.
    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let match = EventRoute.match(path: request.uri.string, prefix: configuration.pathPrefix)
        let route = ListenerMetrics.route(of: match)
        do {
            let response = try await respond(to: request, context: context, match: match)
            metrics.requestFinished(route, status: Int(response.status.code), after: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestFinished(route, status: Int(status), after: .now - start)
            throw error
        }
    }

    private func respond(to request: Request, context: Context, match: RouteMatch) async throws -> Response {
        let path = request.uri.path
        switch match {
        case .health:
            guard request.method == .get || request.method == .head else { return methodNotAllowed(allow: "GET") }
            return Self.json(.ok, .object(JSONObject([("status", .string("ok"))])))
        case .metrics:
            guard request.method == .get || request.method == .head else { return methodNotAllowed(allow: "GET") }
            // the credentials or token that protect /testControl, when set; no Host check (see the README)
            let gate = ControlGate(configuration: configuration, control: control)
            guard gate.isAuthorized(request) else { return gate.unauthorized("/metrics") }
            return Response(
                status: .ok,
                headers: [.contentType: MetricsRegistry.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        case .page(let name):
            guard request.method == .get || request.method == .head, let asset = WebPage.asset(name) else {
                return methodNotAllowed(allow: "GET")
            }
            return WebPage.response(asset, headOnly: request.method == .head)
        case .testControl(let endpoint):
            let gate = ControlGate(configuration: configuration, control: control)
            let localAddress = context.channel.localAddress
            if let refusal = gate.refusal(for: request, endpoint: endpoint, localAddress: localAddress) {
                return refusal
            }
            if let refusal = ServedRoutes.refusal(controlEndpoint: endpoint, method: request.method) {
                return refusal
            }
            if endpoint.hasPrefix("ui/") {
                return await WebViewAPI(store: store, hub: webView)
                    .respond(endpoint: String(endpoint.dropFirst("ui/".count)), request: request)
            }
            return await TestControlAPI(
                store: store,
                control: control,
                logger: logger,
                maxWaiters: configuration.maxWaiters,
                maxWaitSeconds: configuration.maxWaitSeconds
            )
            .respond(endpoint: endpoint, request: request)
        case .openAPIDocument:
            guard request.method == .get || request.method == .head else { return methodNotAllowed(allow: "GET") }
            let document = OpenAPIDocument.served(prefix: configuration.pathPrefix)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: document))
            )
        case .notFound:
            let error = RequestError.serviceError(
                "no route for \(request.method) \(path); events go to "
                    + "\(prefixText)/eventListener/vN[/TOPIC|/eventBatch|/clientThrottlingState]",
                status: 404
            )
            return refuseNonEvent(.notFound, error)
        case .event(let route):
            if let onap = configuration.onap {
                return try await respondAsCollector(request, context: context, route: route, settings: onap)
            }
            guard let served = configuration.servedVersion(route.apiVersion) else {
                let error = RequestError.serviceError(
                    "API version \(route.apiVersion) is not supported; this listener serves "
                        + configuration.servedSegments.map { segment in
                            configuration.servedVersion(segment).map { "\(segment) (\($0.label))" } ?? segment
                        }.joined(separator: ", ")
                )
                return refuseNonEvent(.badRequest, error)
            }
            var response: Response
            if let reason = VersionHeaders.unservedMinorVersion(in: request, version: served.version) {
                let error = RequestError.badParameters(["X-MinorVersion"])
                response = reject(.badRequest, error, path: path, route: route, raw: nil, reason: reason)
            } else if !served.hasResource(route.kind) {
                let error = RequestError.serviceError(
                    "\(served.label) has no \(route.kind.rawValue) resource; its resources are "
                        + "\(prefixText)/eventListener/\(served.segment) and .../eventBatch",
                    status: 404
                )
                response = refuseNonEvent(.notFound, error)
            } else {
                do {
                    response = try await respondToEvent(request, context: context, route: route, served: served)
                } catch is StoreFailure {
                    response = Self.json(.serviceUnavailable, StoreFailure.requestError.json)
                }
            }
            VersionHeaders.stamp(&response, version: served.version)
            return response
        }
    }

    private var prefixText: String { configuration.pathPrefix.map { "/" + $0 }.joined() }

    private func respondToEvent(
        _ request: Request,
        context: Context,
        route: EventRoute,
        served: ServedVersion
    ) async throws -> Response {
        let path = request.uri.path
        guard request.method == .post else {
            let error = RequestError.serviceError("\(request.method) is not allowed here; use POST", status: 405)
            var response = refuseNonEvent(.methodNotAllowed, error)
            response.headers[.allow] = "POST"
            return response
        }
        if let credentials = configuration.credentials {
            guard let header = request.headers[.authorization] else {
                // 400 as every spec version says, with the challenge a client may wait for before it sends them
                let error = RequestError.serviceError("the Authorization header is missing; send Basic credentials")
                var response = reject(.badRequest, error, path: path, route: route, raw: nil)
                response.headers[.wwwAuthenticate] = BasicAuthorization.challenge
                return response
            }
            guard let given = BasicAuthorization.parse(header), BasicAuthorization.matches(given, credentials) else {
                var response = reject(.unauthorized, .policyError, path: path, route: route, raw: nil)
                response.headers[.wwwAuthenticate] = BasicAuthorization.challenge
                return response
            }
        }
        if let answer = try await injectedFaultAnswer(request, context: context, route: route) {
            return answer
        }

        let contentType = request.headers[.contentType]
        var routeNotes = route.notes.map { Violation.note($0) }
        if contentType == nil {
            routeNotes.append(.note("no Content-Type header; read the body as JSON"))
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
        if let contentType, !Self.isJSON(contentType: contentType) {
            let error = RequestError.serviceError(
                "Content-Type '\(contentType)' is not JSON; send 'application/json'"
            )
            return reject(.badRequest, error, path: path, route: route, raw: Self.rawText(body))
        }

        let document: JSONValue
        do {
            document = try parse(body)
        } catch {
            return reject(
                .badRequest,
                .serviceError("the body is not valid JSON: \(error.message)"),
                path: path,
                route: route,
                raw: Self.rawText(body)
            )
        }

        return try accept(
            document,
            body: body,
            intake: Intake(path: path, route: route, served: served, notes: routeNotes)
        )
    }

    /// Validates, records and answers a body that parsed, by the route's kind.
    func accept(_ document: JSONValue, body: [UInt8], intake: Intake) throws -> Response {
        switch intake.route.kind {
        case .event:
            try accept(single: document, body: body, intake: intake)
        case .batch:
            try accept(batch: document, body: body, intake: intake)
        case .throttlingState:
            try accept(throttlingState: document, intake: intake)
        }
    }

    enum BodyRead {
        case bytes([UInt8])
        /// Over `--max-body`; what was read, cut for the record.
        case tooLarge(raw: String)
        /// Arrived slower than ``SlowBodyGuard/minimumRate`` after the grace: the connection was closed.
        case timedOut
    }

    /// The body, read up to the configured limit, watched by ``SlowBodyGuard`` (which closes the connection of a
    /// body that keeps arriving too slowly once `--idle-timeout` has passed).
    func readBody(_ request: Request, context: Context) async throws -> BodyRead {
        let (id, reading) = bodyGuard.begin(channel: context.channel)
        var body: [UInt8] = []
        var tooLarge = false
        do {
            for try await chunk in request.body {
                reading.arrived(chunk.readableBytes)
                if body.count + chunk.readableBytes > configuration.maxBodyBytes {
                    body += chunk.readableBytesView.prefix(max(0, Self.rawLimit - body.count))
                    tooLarge = true
                    break
                }
                if body.isEmpty { body.reserveCapacity(Self.expectedBodySize(request, chunk.readableBytes)) }
                body += chunk.readableBytesView
            }
        } catch {
            if bodyGuard.end(id, reading) { return .timedOut }
            throw error
        }
        if bodyGuard.end(id, reading) { return .timedOut }
        if tooLarge { return .tooLarge(raw: String(decoding: body.prefix(Self.rawLimit), as: UTF8.self)) }
        return .bytes(body)
    }

    /// The Content-Length when it is given and within the limit, else what came first: one allocation for the
    /// body in the common case.
    private static func expectedBodySize(_ request: Request, _ first: Int) -> Int {
        guard let text = request.headers[.contentLength], let length = Int(text), length > first else { return first }
        return min(length, 1024 * 1024)
    }

    /// The answer to a body that missed its deadline: its connection is already closed (and the request counted
    /// by the guard), so no one reads it.
    func bodyTimedOut() -> Response {
        Response(status: .requestTimeout, headers: [.connection: "close"])
    }

    func parse(_ body: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONParser(maxDepth: Self.maxDepth, maxBytes: configuration.maxBodyBytes, internTable: KnownNames.table)
            .parse(body)
    }

    func reject(
        _ status: HTTPResponse.Status,
        _ error: RequestError,
        path: String,
        route: EventRoute?,
        raw: String?,
        reason: String? = nil,
        answer: Response? = nil
    ) -> Response {
        let record = EventRecord(
            kind: .rejected,
            path: path,
            route: route,
            status: Int(status.code),
            errors: [
                Violation(
                    pointer: "",
                    message: reason.map { error.renderedText + ": " + $0 } ?? error.renderedText,
                    keyword: error.messageId
                )
            ],
            warnings: route?.notes.map { Violation.note($0) } ?? [],
            event: nil,
            raw: raw
        )
        do {
            try store.append([record])
        } catch {
            // the record file logs its own failures; the sender gets 503 and sends again
            return Self.json(.serviceUnavailable, StoreFailure.requestError.json)
        }
        store.requestLog.rejected(path: path, status: Int(status.code), reason: record.errors[0].message)
        return answer ?? Self.json(status, error.json)
    }

    /// Answers a request that is not an event (an unknown path, a wrong method, an unserved version or
    /// resource): counted by status, not recorded, not logged, and no invalid event (so a browser's favicon does
    /// not fail `--strict`).
    func refuseNonEvent(_ status: HTTPResponse.Status, _ error: RequestError, answer: Response? = nil) -> Response {
        store.countNonEvent(status: Int(status.code))
        return answer ?? Self.json(status, error.json)
    }

    private func methodNotAllowed(allow: String) -> Response {
        var response = Self.json(.methodNotAllowed, RequestError.serviceError("use \(allow)", status: 405).json)
        response.headers[.allow] = allow
        return response
    }

    /// SVC0002 naming the pointers, and the violations beside it: at most `maxViolationsPerAnswer` of each (the
    /// record keeps them all), with how many were left out, so one answer stays small whatever was posted.
    func invalidResponse(_ errors: [Violation]) -> Response {
        let limit = configuration.maxViolationsPerAnswer
        var seen = Set<String>()
        var pointers: [String] = []
        for error in errors {
            guard pointers.count < limit else { break }
            let pointer = error.pointer.isEmpty ? "/" : error.pointer
            if seen.insert(pointer).inserted { pointers.append(pointer) }
        }
        var body = RequestError.badParameters(pointers).json
        if case .object(var object) = body {
            // beside requestError, so agents reading only the spec's shape are not disturbed
            let listed = errors.prefix(limit)
            object["violations"] = .array(listed.map(\.json))
            if errors.count > listed.count {
                object["violationsNotListed"] = .integer(Int64(errors.count - listed.count))
            }
            body = .object(object)
        }
        return Self.json(.badRequest, body)
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes()))
        )
    }

    static func isJSON(contentType: String) -> Bool {
        // what every agent sends, without splitting or lowercasing
        if contentType == "application/json" { return true }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    static func rawText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(rawLimit), as: UTF8.self)
    }
}

/// The record file could not be written: answered with a 503 so nothing is taken as accepted.
struct StoreFailure: Error {
    static let requestError = RequestError(
        kind: .serviceException,
        messageId: "SVC1000",
        text: "No server resources available to process the request"
    )
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
