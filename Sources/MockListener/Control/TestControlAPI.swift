import Hummingbird
import JSON
import Logging
import NIOCore
import VESModel

/// `/testControl/v1/...`: what CI scripts and tests use to read, wait for and steer what the listener does.
struct TestControlAPI {
    let store: RecordStore
    let control: ControlState
    let logger: Logger
    /// `wait` long polls open at once at most; more are answered 503.
    let maxWaiters: Int
    /// The longest a `wait` blocks; a longer timeout is cut to it.
    let maxWaitSeconds: Int

    /// Records one `GET events` answers without a `limit`; `next_since` asks for the next page.
    static let defaultPageSize = 10_000

    func respond(endpoint: String, request: Request) async -> Response {
        let query = request.uri.queryParameters
        do {
            switch (endpoint, request.method) {
            case ("events", .get):
                let filter = try filter(from: query)
                let limit = try integer(query["limit"].map(String.init), name: "limit") ?? Self.defaultPageSize
                let (lines, more) = store.page(matching: filter, limit: limit)
                var bytes = Array(#"{"count":"#.utf8) + Array(String(lines.count).utf8) + Array(#","events":["#.utf8)
                for (index, line) in lines.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes += line
                }
                bytes += Array("]".utf8)
                if more, let last = lines.last, let seq = Self.seq(of: last) {
                    // more records match: the same query with since=next_since reads on
                    bytes += Array(#","more":true,"next_since":"#.utf8) + Array(String(seq).utf8)
                }
                bytes += Array("}".utf8)
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
                )
            case ("events", .delete):
                let removed = store.clear()
                return ListenerResponder.json(.ok, .object(JSONObject([("deleted", .integer(Int64(removed)))])))
            case ("stats", .get):
                var stats = store.stats()
                if case .object(var object) = stats {
                    object["controlErrors"] = .array(control.errors.map(JSONValue.string))
                    stats = .object(object)
                }
                return ListenerResponder.json(.ok, stats)
            case ("wait", .get):
                var filter = try filter(from: query)
                if filter.kind == nil { filter.kind = .event }
                let count = try integer(query["count"].map(String.init), name: "count") ?? 1
                let timeout = min(try seconds(query["timeout"].map(String.init)) ?? 30, Double(maxWaitSeconds))
                let result = await store.wait(
                    for: count,
                    matching: filter,
                    timeout: .milliseconds(Int64(timeout * 1000)),
                    maxWaits: maxWaiters
                )
                if result == .tooManyWaits {
                    var response = ListenerResponder.json(
                        .serviceUnavailable,
                        RequestError.serviceError(
                            "\(maxWaiters) waits are open already (--max-waiters); try again when one ended",
                            status: 503
                        ).json
                    )
                    response.headers[.retryAfter] = "1"
                    return response
                }
                let arrived = result == .arrived
                let matched = store.count(matching: filter)
                let body = JSONValue.object(
                    JSONObject([
                        ("arrived", .bool(arrived)),
                        ("count", .integer(Int64(matched))),
                        ("wanted", .integer(Int64(count))),
                    ])
                )
                return ListenerResponder.json(arrived ? .ok : .requestTimeout, body)
            case ("commandList", .post):
                let document = try await readJSON(request)
                let commandList: JSONValue
                switch document {
                case .array: commandList = document
                case .object where document["commandList"]?.arrayValue != nil: commandList = document["commandList"]!
                default:
                    throw ControlError("send {\"commandList\": [...]} or a JSON array of commands")
                }
                control.enqueue(commandList: commandList)
                logger.info("command list queued for the next 202")
                return ListenerResponder.json(.ok, control.pending)
            case ("commandList", .delete):
                let removed = control.clearCommandLists()
                return ListenerResponder.json(.ok, .object(JSONObject([("deleted", .integer(Int64(removed)))])))
            case ("faults", .post):
                let fault: InjectedFault
                do {
                    fault = try InjectedFault(json: try await readJSON(request))
                } catch let error as ListenerError {
                    throw ControlError(error.message)
                }
                control.enqueue(fault: fault)
                logger.info("fault queued", metadata: ["status": "\(fault.status)", "count": "\(fault.count)"])
                return ListenerResponder.json(.ok, control.pending)
            case ("faults", .delete):
                let removed = control.clearFaults()
                return ListenerResponder.json(.ok, .object(JSONObject([("deleted", .integer(Int64(removed)))])))
            case ("commandList", .get), ("faults", .get):
                return ListenerResponder.json(.ok, control.pending)
            case ("events", _), ("stats", _), ("wait", _), ("commandList", _), ("faults", _):
                var response = ListenerResponder.json(
                    .methodNotAllowed,
                    RequestError.serviceError("\(request.method) is not allowed on \(endpoint)", status: 405).json
                )
                response.headers[.allow] = ServedRoutes.controlRoute(endpoint)?.methods.joined(separator: ", ")
                return response
            default:
                return ListenerResponder.json(
                    .notFound,
                    RequestError.serviceError(
                        "unknown test-control endpoint '\(endpoint)'; known: events, stats, wait, commandList, faults",
                        status: 404
                    ).json
                )
            }
        } catch let error as ControlError {
            return ListenerResponder.json(.badRequest, RequestError.serviceError(error.message).json)
        } catch {
            return ListenerResponder.json(.badRequest, RequestError.serviceError("\(error)").json)
        }
    }

    private func filter(from query: Parameters) throws -> RecordFilter {
        var filter = RecordFilter()
        if let domain = query["domain"], !domain.isEmpty { filter.domain = String(domain) }
        if let version = query["api_version"], !version.isEmpty { filter.apiVersion = String(version) }
        if let source = query["source"], !source.isEmpty { filter.source = String(source) }
        if let namespace = query["namespace"], !namespace.isEmpty { filter.namespace = String(namespace) }
        if let kind = query["kind"], !kind.isEmpty {
            guard let parsed = EventRecord.Kind(rawValue: String(kind)) else {
                throw ControlError("kind must be event, rejected, fault or throttlingState, not '\(kind)'")
            }
            filter.kind = parsed
        }
        switch query["valid"].map(String.init) {
        case nil, "": break
        case "true": filter.valid = true
        case "false": filter.valid = false
        case let other?: throw ControlError("valid must be true or false, not '\(other)'")
        }
        filter.since = try integer(query["since"].map(String.init), name: "since")
        return filter
    }

    private func integer(_ text: String?, name: String) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ControlError("\(name) must be a whole number, not '\(text)'")
        }
        return value
    }

    /// Seconds from 0 up; more than `maxWaitSeconds` is cut to it by the caller.
    private func seconds(_ text: String?) throws -> Double? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw ControlError("timeout must be seconds from 0 (at most \(maxWaitSeconds) are used), not '\(text)'")
        }
        return value
    }

    /// The `seq` of a record line, which starts `{"seq":N,`.
    static func seq(of line: [UInt8]) -> Int? {
        let prefix = Array(#"{"seq":"#.utf8)
        guard line.starts(with: prefix) else { return nil }
        let digits = line.dropFirst(prefix.count).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    private func readJSON(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: 1024 * 1024)
        do {
            return try JSONParser(maxDepth: ListenerResponder.maxDepth).parse(Array(buffer.readableBytesView))
        } catch {
            throw ControlError("the body is not valid JSON: \(error.message)")
        }
    }
}

struct ControlError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
