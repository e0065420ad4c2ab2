import Hummingbird
import JSON
import JSONSchema
import Logging
import VESModel

/// What the listener does with a body it could read: validates each event, records it, and answers.
extension ListenerResponder {
    func accept(
        single document: JSONValue,
        body: [UInt8],
        path: String,
        route: EventRoute,
        notes: [Violation]
    ) throws -> Response {
        var warnings = notes
        if document["event"] == nil, document["eventList"] != nil {
            warnings.append(.note("this body is a batch; batches go to .../eventBatch"))
        }
        let errors = schema(for: route).validateSingle(document)
        let event = document["event"] ?? document
        let status: HTTPResponse.Status = errors.isEmpty ? .accepted : .badRequest
        var record = EventRecord(
            kind: .event,
            path: path,
            route: route,
            status: Int(status.code),
            errors: errors,
            warnings: warnings,
            event: event,
            raw: nil
        )
        if document["event"] != nil, let range = RawJSONSpans.member("event", in: body) {
            record.rawEvent = body[range]
        }
        try keep([record])
        return errors.isEmpty ? acceptedResponse() : invalidResponse(errors)
    }

    func accept(
        batch document: JSONValue,
        body: [UInt8],
        path: String,
        route: EventRoute,
        notes: [Violation]
    ) throws -> Response {
        guard case .array(let items)? = document["eventList"] else {
            let violation = Violation(
                pointer: "/eventList",
                message: "a batch is {\"eventList\": [event, ...]}; 'eventList' is missing or not an array",
                keyword: "required"
            )
            let record = EventRecord(
                kind: .rejected,
                path: path,
                route: route,
                status: 400,
                errors: [violation],
                warnings: notes,
                event: nil,
                raw: Self.rawText(document.jsonBytes())
            )
            try keep([record])
            return invalidResponse([violation])
        }
        let schema = schema(for: route)
        let verdicts = items.enumerated().map { index, item in schema.validateBatchItem(item, index: index) }
        let allErrors = verdicts.flatMap { $0 }
        let status = allErrors.isEmpty ? 202 : 400
        let itemRanges = RawJSONSpans.member("eventList", in: body).flatMap { RawJSONSpans.items(of: $0, in: body) }
        var records = zip(items, verdicts).map { item, errors in
            EventRecord(
                kind: .event,
                path: path,
                route: route,
                status: status,
                errors: errors,
                warnings: notes,
                event: item,
                raw: nil
            )
        }
        if let itemRanges, itemRanges.count == records.count {
            for index in records.indices { records[index].rawEvent = body[itemRanges[index]] }
        }
        if records.isEmpty {
            let violation = Violation(pointer: "/eventList", message: "the batch holds no events", keyword: "minItems")
            var record = EventRecord(
                kind: .rejected,
                path: path,
                route: route,
                status: 400,
                errors: [violation],
                warnings: notes,
                event: nil,
                raw: nil
            )
            record.raw = Self.rawText(document.jsonBytes())
            try keep([record])
            return invalidResponse([violation])
        }
        try keep(records)
        return allErrors.isEmpty ? acceptedResponse() : invalidResponse(allErrors)
    }

    func accept(throttlingState document: JSONValue, path: String, route: EventRoute, notes: [Violation])
        throws -> Response
    {
        var errors: [Violation] = []
        let validator = schema(for: route).validator
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
        let record = EventRecord(
            kind: .throttlingState,
            path: path,
            route: route,
            status: errors.isEmpty ? 204 : 400,
            errors: errors,
            warnings: notes,
            event: document,
            raw: nil
        )
        try keep([record])
        return errors.isEmpty ? Response(status: .noContent) : invalidResponse(errors)
    }

    func schema(for route: EventRoute) -> EventSchema {
        configuration.schemasByVersion[route.apiVersion] ?? configuration.defaultSchema
    }

    /// Writes the records; when that fails the request is not accepted (503), so the agent keeps the events.
    func keep(_ records: [EventRecord]) throws {
        do {
            let stored = try store.append(records)
            for record in stored where !record.valid && record.kind == .event {
                logger.info(
                    "invalid event",
                    metadata: [
                        "seq": "\(record.seq)",
                        "domain": "\(record.domain ?? "-")",
                        "errors": "\(record.errors.map { "\($0.pointer): \($0.message)" }.joined(separator: "; "))",
                    ]
                )
            }
        } catch {
            logger.error("cannot keep the record: \(error.message)")
            throw StoreFailure()
        }
    }
}
