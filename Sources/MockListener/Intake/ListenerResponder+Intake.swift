import Hummingbird
import JSON
import JSONSchema
import Logging
import VESModel

/// Where a readable body came in: its path and route, the version served there and the notes on the route.
struct Intake {
    let path: String
    let route: EventRoute
    let served: ServedVersion
    let notes: [Violation]
}

/// What the listener does with a body it could read: validates each event, records it, and answers.
extension ListenerResponder {
    func accept(single document: JSONValue, body: [UInt8], intake: Intake) throws -> Response {
        var warnings = intake.notes
        if document["event"] == nil, document["eventList"] != nil {
            warnings.append(.note("this body is a batch; batches go to .../eventBatch"))
        }
        var errors = intake.served.schema.validateSingle(document)
        let event = document["event"] ?? document
        if document["event"] != nil {
            let stndDefined = stndDefinedCheck(event, pointer: "/event", served: intake.served)
            errors += stndDefined.errors
            warnings += stndDefined.warnings
        }
        if document["event"] != nil, errors.isEmpty, let onap = configuration.onap {
            let routing = collectorRouting(event, pointer: "/event", segment: intake.route.apiVersion, settings: onap)
            errors += routing.violation.map { [$0] } ?? []
            warnings += routing.note.map { [$0] } ?? []
        }
        var record = EventRecord(
            kind: .event,
            path: intake.path,
            route: intake.route,
            status: 0,
            errors: errors,
            warnings: warnings,
            event: event,
            raw: nil
        )
        if document["event"] != nil,
            let range = RawJSONSpans.member("event", in: body, onlyMember: document.objectValue?.count == 1)
        {
            record.rawEvent = body[range]
        }
        return try answer([record], errors: errors, intake: intake)
    }

    func accept(batch document: JSONValue, body: [UInt8], intake: Intake) throws -> Response {
        guard case .array(let items)? = document["eventList"], !items.isEmpty else {
            let violation =
                document["eventList"]?.arrayValue == nil
                ? Violation(
                    pointer: "/eventList",
                    message: "a batch is {\"eventList\": [event, ...]}; 'eventList' is missing or not an array",
                    keyword: "required"
                )
                : Violation(pointer: "/eventList", message: "the batch holds no events", keyword: "minItems")
            let record = EventRecord(
                kind: .rejected,
                path: intake.path,
                route: intake.route,
                status: 0,
                errors: [violation],
                warnings: intake.notes,
                event: nil,
                raw: Self.rawText(document.jsonBytes())
            )
            return try answer([record], errors: [violation], intake: intake)
        }
        // a batch's cost grows with its items: past the limit none of them is validated
        guard items.count <= configuration.maxBatchItems else {
            return reject(
                .badRequest,
                .messageTooLarge,
                path: intake.path,
                route: intake.route,
                raw: Self.rawText(body),
                reason: "the batch holds \(items.count) events; at most \(configuration.maxBatchItems) are "
                    + "accepted in one (--max-batch)"
            )
        }
        let schema = intake.served.schema
        var verdicts: [(errors: [Violation], warnings: [Violation])] = items.enumerated().map { index, item in
            let pointer = JSONPointer.appending(index, to: "/eventList")
            let stndDefined = stndDefinedCheck(item, pointer: pointer, served: intake.served)
            return (schema.validateBatchItem(item, index: index) + stndDefined.errors, stndDefined.warnings)
        }
        if intake.served.batchHoldsOneDomain || configuration.onap != nil,
            let (index, violation) = BatchRules.firstMismatch(in: items)
        {
            verdicts[index].errors.append(violation)
        }
        if verdicts.allSatisfy(\.errors.isEmpty), let onap = configuration.onap, let first = items.first {
            let routing = collectorRouting(
                first,
                pointer: "/eventList/0",
                segment: intake.route.apiVersion,
                settings: onap
            )
            verdicts[0].errors += routing.violation.map { [$0] } ?? []
            verdicts[0].warnings += routing.note.map { [$0] } ?? []
        }
        let allErrors = verdicts.flatMap(\.errors)
        let itemRanges = RawJSONSpans.member("eventList", in: body).flatMap { RawJSONSpans.items(of: $0, in: body) }
        var records = zip(items, verdicts).map { item, verdict in
            EventRecord(
                kind: .event,
                path: intake.path,
                route: intake.route,
                status: 0,
                errors: verdict.errors,
                warnings: intake.notes + verdict.warnings,
                event: item,
                raw: nil
            )
        }
        if let itemRanges, itemRanges.count == records.count {
            for index in records.indices { records[index].rawEvent = body[itemRanges[index]] }
        }
        return try answer(records, errors: allErrors, intake: intake)
    }

    func accept(throttlingState document: JSONValue, intake: Intake) throws -> Response {
        var errors: [Violation] = []
        let validator = intake.served.schema.validator
        if let state = document["eventThrottlingState"] {
            if validator.hasDefinition("eventThrottlingState") {
                errors = validator.validate(state, definition: "eventThrottlingState", pointer: "/eventThrottlingState")
            }
        } else {
            errors = [
                Violation(
                    pointer: "/eventThrottlingState",
                    message: "'eventThrottlingState' is a required property",
                    keyword: "required"
                )
            ]
        }
        let accepted = errors.isEmpty || configuration.acceptInvalid
        let record = EventRecord(
            kind: .throttlingState,
            path: intake.path,
            route: intake.route,
            status: accepted ? 204 : 400,
            errors: errors,
            warnings: intake.notes,
            event: document,
            raw: nil
        )
        try keep([record])
        return accepted ? Response(status: .noContent) : invalidResponse(errors)
    }

    /// Keeps the records, then answers: the error body for what was found (unless told to accept invalid
    /// events), else 202 (with a commandList when one is queued and the version has them). Each record carries the
    /// status of the answer.
    private func answer(_ records: [EventRecord], errors: [Violation], intake: Intake) throws -> Response {
        var records = records
        var response: Response?
        if !errors.isEmpty, !configuration.acceptInvalid {
            if let onap = configuration.onap {
                response = collectorErrorResponse(errors, settings: onap)
            } else {
                response = errorResponse(errors)
            }
        }
        var commandList: JSONValue?
        if response == nil {
            if control.hasCommandList {
                if intake.served.hasCommandList, configuration.onap == nil {
                    commandList = control.takeCommandList()
                } else {
                    let who = configuration.onap == nil ? intake.served.label : "the ONAP collector"
                    let message =
                        "a commandList is queued, but \(who) has no command lists: not sent on "
                        + intake.path + "; it stays queued for a version that has them"
                    control.noteError(message)
                    for index in records.indices { records[index].warnings.append(.note(message)) }
                    logger.warning("commandList not sent", metadata: ["path": "\(intake.path)"])
                }
            }
            if let onap = configuration.onap {
                response = ONAPAnswers.success(accepted: onap.answersAccepted)
            } else if let commandList {
                response = Self.json(.accepted, .object(JSONObject([("commandList", commandList)])))
            } else {
                response = Response(status: .accepted)
            }
        }
        let answer = response ?? Response(status: .accepted)
        for index in records.indices { records[index].status = Int(answer.status.code) }
        do {
            try keep(records)
        } catch {
            // the 202 that was to carry it becomes a 503: the commandList waits for the next 202
            if let commandList { control.putBack(commandList: commandList) }
            throw error
        }
        return answer
    }

    /// The spec's answer for what was found: its own exception for a stndDefinedNamespace problem alone, else
    /// SVC0002 naming every pointer.
    private func errorResponse(_ errors: [Violation]) -> Response {
        if let first = errors.first, errors.allSatisfy({ StndDefinedRules.isNamespaceKeyword($0.keyword) }),
            let error = StndDefinedRules.requestError(keyword: first.keyword)
        {
            return Self.json(.badRequest, error.json)
        }
        return invalidResponse(errors)
    }

    /// Writes the records; when that fails the request is not accepted (503), so the agent keeps the events.
    /// The invalid events of the request are logged as one line (see `RequestLog`); a failing record file logs
    /// itself.
    func keep(_ records: [EventRecord]) throws {
        do {
            let stored = try store.append(records)
            store.requestLog.invalidEvents(in: stored, path: records.first?.path ?? "")
        } catch {
            throw StoreFailure()
        }
    }
}
