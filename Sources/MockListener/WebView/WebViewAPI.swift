import HTTPTypes
import Hummingbird
import JSON
import NIOCore
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `/testControl/v1/ui/...`: what the page reads. Behind the same ``ControlGate`` as the rest of `/testControl`,
/// read-only, and never cached by the browser.
struct WebViewAPI {
    let store: RecordStore
    let hub: WebViewHub

    /// Rows one page answers at most.
    static let maxPageSize = 500
    static let defaultPageSize = 100
    /// Chart points one series answers at most.
    static let maxPoints = 2000
    /// Seconds the rate chart covers.
    static let rateSeconds = 60

    /// `endpoint` is what follows `ui/`.
    func respond(endpoint: String, request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            var response = ListenerResponder.json(
                .methodNotAllowed,
                RequestError.serviceError("\(request.method) is not allowed on ui/\(endpoint); use GET", status: 405)
                    .json
            )
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        let query = request.uri.queryParameters
        do throws(ControlError) {
            var response: Response
            switch endpoint {
            case "events":
                response = try events(query)
            case _ where endpoint.hasPrefix("events/"):
                response = try detail(String(endpoint.dropFirst("events/".count)))
            case "summary":
                response = ListenerResponder.json(.ok, summary())
            case "series":
                response = try series(query)
            case "stream":
                return request.method == .head
                    ? Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"])
                    : stream()
            case "record":
                response = download(
                    store.lines(matching: RecordFilter()).flatMap { $0 + [0x0A] },
                    type: "application/x-ndjson",
                    name: "ves-record.jsonl"
                )
            case "junit":
                response = download(Array(store.junitOfMemory().utf8), type: "application/xml", name: "ves-junit.xml")
            default:
                response = ListenerResponder.json(
                    .notFound,
                    RequestError.serviceError(
                        "unknown page endpoint 'ui/\(endpoint)'; known: ui/events, ui/events/SEQ, ui/summary, "
                            + "ui/series, ui/stream, ui/record, ui/junit",
                        status: 404
                    ).json
                )
            }
            response.headers[.cacheControl] = "no-store"
            return response
        } catch {
            // a query the routes cannot read: which parameter, and what it takes
            return ListenerResponder.json(.badRequest, RequestError.serviceError(error.message).json)
        }
    }

    /// One page of rows, newest first: `{"rows": [...], "more": bool, "next_before": seq}`.
    private func events(_ query: Parameters) throws(ControlError) -> Response {
        var filter = RecordFilter()
        if let version = text(query, "version") { filter.apiVersion = version }
        if let domain = text(query, "domain") { filter.domain = domain }
        if let source = text(query, "source") { filter.source = source }
        if let kind = text(query, "kind") {
            guard let parsed = EventRecord.Kind(rawValue: kind) else {
                throw ControlError("kind must be event, rejected, fault or throttlingState, not '\(kind)'")
            }
            filter.kind = parsed
        }
        switch text(query, "valid") {
        case nil: break
        case "true": filter.valid = true
        case "false": filter.valid = false
        case let other?: throw ControlError("valid must be true or false, not '\(other)'")
        }
        let before = try number(query, "before", in: 1...Int.max)
        let limit = try number(query, "limit", in: 1...Self.maxPageSize) ?? Self.defaultPageSize
        let search = text(query, "q").flatMap { TextSearch($0) }
        let (rows, more) = store.webPage(matching: filter, before: before, limit: limit, search: search)
        var members: [(String, JSONValue)] = [
            ("rows", .array(rows.map(WebRow.json))),
            ("more", .bool(more)),
        ]
        if more, let last = rows.last { members.append(("next_before", .integer(Int64(last.seq)))) }
        return ListenerResponder.json(.ok, .object(JSONObject(members)))
    }

    /// The record line of one seq as `/testControl/v1/events` has it: errors and warnings with their pointers,
    /// and the event, or the raw body when it was not JSON.
    private func detail(_ seqText: String) throws(ControlError) -> Response {
        guard let seq = Int(seqText), seq > 0 else {
            throw ControlError("ui/events/SEQ takes a seq from 1, not '\(seqText)'")
        }
        guard let entry = store.entry(seq: seq) else {
            return ListenerResponder.json(
                .notFound,
                RequestError.serviceError(
                    "record \(seq) is not in memory (never received, deleted, or older than --max-records)",
                    status: 404
                ).json
            )
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: entry.line))
        )
    }

    /// `/testControl/v1/stats` with what the summary strip adds: the records per second of the last minute, the
    /// senders, and what `--strict` would say of the run so far.
    func summary() -> JSONValue {
        guard case .object(var object) = store.stats() else { return store.stats() }
        let lifetime = store.summary
        let exitStatus = lifetime.invalid > 0 ? 1 : 0
        let text: String
        if lifetime.invalid > 0 {
            text =
                "--strict would exit 1: \(lifetime.invalid) of \(lifetime.events) events were invalid"
                + (lifetime.rejected > 0 ? " (\(lifetime.rejected) rejected before validation)" : "")
        } else if lifetime.events == 0 {
            text = "--strict would exit 0: no events yet"
        } else {
            text = "--strict would exit 0: all \(lifetime.events) events were valid"
        }
        object["verdict"] = .object(
            JSONObject([
                ("strictExitStatus", .integer(Int64(exitStatus))),
                ("conformant", .bool(exitStatus == 0)),
                ("text", .string(text)),
            ])
        )
        let now = Int64(time(nil))
        let since = RFC3339.format(seconds: now - Int64(Self.rateSeconds - 1), precision: .seconds)
        object["rate"] = .object(
            JSONObject([
                ("now", .string(RFC3339.format(seconds: now, precision: .seconds))),
                ("seconds", .integer(Int64(Self.rateSeconds))),
                (
                    "perSecond",
                    .array(
                        store.receiptsPerSecond(since: since).map { second, count in
                            .object(JSONObject([("second", .string(second + "Z")), ("count", .integer(Int64(count)))]))
                        }
                    )
                ),
            ])
        )
        let sources = hub.catalog.sources()
        object["sources"] = .array(sources.all.map(JSONValue.string))
        object["measurementSources"] = .array(sources.measured.map(JSONValue.string))
        object["maxInMemory"] = .integer(Int64(store.maxRecordsInMemory))
        return .object(object)
    }

    /// Chart points of one sender's measurement events, oldest first, and every value name they hold.
    private func series(_ query: Parameters) throws(ControlError) -> Response {
        let measured = hub.catalog.sources().measured
        let limit = try number(query, "limit", in: 1...Self.maxPoints) ?? 500
        let source = text(query, "source") ?? measured.first
        let points = source.map { hub.catalog.series(source: $0, limit: limit) } ?? []
        var names = Set<String>()
        for point in points { names.formUnion(point.values.map(\.name)) }
        let standard = MeasurementValues.standardNames.filter(names.contains)
        let additional = names.subtracting(standard).sorted()
        let body = JSONValue.object(
            JSONObject([
                ("sources", .array(measured.map(JSONValue.string))),
                ("source", source.map(JSONValue.string) ?? .null),
                ("fields", .array((standard + additional).map(JSONValue.string))),
                (
                    "points",
                    .array(
                        points.map { point in
                            .object(
                                JSONObject([
                                    ("seq", .integer(Int64(point.seq))),
                                    ("time", point.time.map(JSONValue.number) ?? .null),
                                    ("receivedAt", .string(point.receivedAt)),
                                    (
                                        "values",
                                        .object(JSONObject(point.values.map { ($0.name, JSONValue.number($0.value)) }))
                                    ),
                                ])
                            )
                        }
                    )
                ),
            ])
        )
        return ListenerResponder.json(.ok, body)
    }

    /// Server-sent events: `hello` then an `update` whenever records arrive or are deleted.
    private func stream() -> Response {
        guard let stream = hub.subscribe() else {
            var response = ListenerResponder.json(
                .serviceUnavailable,
                RequestError.serviceError(
                    "\(WebViewHub.maxSubscribers) pages follow the stream already, or the listener is stopping",
                    status: 503
                ).json
            )
            response.headers[.retryAfter] = "5"
            return response
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                for await message in stream { try await writer.write(message) }
                try await writer.finish(nil)
            }
        )
    }

    private func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        var response = Response(
            status: .ok,
            headers: [.contentType: type],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
        response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return response
    }

    private func text(_ query: Parameters, _ name: String) -> String? {
        guard let value = query[Substring(name)], !value.isEmpty else { return nil }
        return String(value)
    }

    private func number(_ query: Parameters, _ name: String, in range: ClosedRange<Int>) throws(ControlError) -> Int? {
        guard let value = text(query, name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw ControlError(
                "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(value)'"
            )
        }
        return number
    }
}
