public import JSON
import Synchronization
import VESModel

/// An answer the test-control API asked the listener to give instead of accepting events.
public struct InjectedFault: Sendable, Equatable {
    /// HTTP status to answer with; a 2xx status only delays and then handles the request normally.
    public var status: Int
    /// How many event POSTs get this fault.
    public var count: Int
    public var delayMilliseconds: Int
    /// Close the connection without answering.
    public var dropConnection: Bool

    public init(status: Int = 503, count: Int = 1, delayMilliseconds: Int = 0, dropConnection: Bool = false) {
        self.status = status
        self.count = count
        self.delayMilliseconds = delayMilliseconds
        self.dropConnection = dropConnection
    }

    /// Reads `{"status": 503, "count": 3, "delay_ms": 0, "drop_connection": false}`; every member is optional.
    public init(json: JSONValue) throws(ListenerError) {
        guard case .object(let object) = json else {
            throw ListenerError(
                code: .fault,
                message: "a fault is a JSON object such as {\"status\": 503, \"count\": 3}"
            )
        }
        let known: Set<String> = ["status", "count", "delay_ms", "drop_connection"]
        if let unknown = object.members.first(where: { !known.contains($0.key) }) {
            throw ListenerError(code: .fault, message: "unknown member '\(unknown.key)'; known are \(known.sorted())")
        }
        func integer(_ key: String, default value: Int, range: ClosedRange<Int>) throws(ListenerError) -> Int {
            guard let member = object[key] else { return value }
            guard let number = member.intValue, range.contains(Int(number)) else {
                throw ListenerError(code: .fault, message: "'\(key)' must be an integer in \(range)")
            }
            return Int(number)
        }
        self.status = try integer("status", default: 503, range: 200...599)
        self.count = try integer("count", default: 1, range: 1...1_000_000)
        self.delayMilliseconds = try integer("delay_ms", default: 0, range: 0...600_000)
        switch object["drop_connection"] {
        case nil: self.dropConnection = false
        case .bool(let flag)?: self.dropConnection = flag
        default: throw ListenerError(code: .fault, message: "'drop_connection' must be true or false")
        }
    }

    var json: JSONValue {
        .object(
            JSONObject([
                ("status", .integer(Int64(status))),
                ("count", .integer(Int64(count))),
                ("delay_ms", .integer(Int64(delayMilliseconds))),
                ("drop_connection", .bool(dropConnection)),
            ])
        )
    }
}

/// What the test-control API queued: command lists for the next 202s and faults for the next event POSTs.
public final class ControlState: Sendable {
    private struct State {
        var commandLists: [JSONValue] = []
        var faults: [InjectedFault] = []
        /// What the test-control API asked for that the listener could not do (oldest dropped past 100).
        var errors: [String] = []

        var pendingFaultCount: Int { faults.reduce(0) { $0 + $1.count } }
    }

    private let state = Mutex(State())

    public init() {}

    /// Queues a command list; each 202 answer takes the oldest one.
    public func enqueue(commandList: JSONValue) {
        state.withLock { $0.commandLists.append(commandList) }
    }

    func takeCommandList() -> JSONValue? {
        state.withLock { state in state.commandLists.isEmpty ? nil : state.commandLists.removeFirst() }
    }

    /// Notes something queued that could not be done, such as a commandList on a version without command lists.
    func noteError(_ message: String) {
        state.withLock { state in
            if state.errors.count == 100 { state.errors.removeFirst() }
            state.errors.append(message)
        }
    }

    /// Whether a commandList waits for a 202 (without taking it).
    var hasCommandList: Bool { state.withLock { !$0.commandLists.isEmpty } }

    /// The test-control errors noted so far, oldest first.
    public var errors: [String] { state.withLock { $0.errors } }

    public func enqueue(fault: InjectedFault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// The fault the next event POST gets, counting it down.
    func takeFault() -> InjectedFault? {
        state.withLock { state in
            guard var first = state.faults.first else { return nil }
            first.count -= 1
            if first.count == 0 {
                state.faults.removeFirst()
            } else {
                state.faults[0] = first
            }
            first.count = 1
            return first
        }
    }

    /// Event POSTs still to be answered with a fault.
    public var pendingFaultCount: Int { state.withLock { $0.pendingFaultCount } }

    var pending: JSONValue {
        state.withLock { state in
            .object(
                JSONObject([
                    ("commandLists", .array(state.commandLists)),
                    ("faults", .array(state.faults.map(\.json))),
                    ("errors", .array(state.errors.map(JSONValue.string))),
                ])
            )
        }
    }

    func clearFaults() -> Int {
        state.withLock { state in
            defer { state.faults.removeAll() }
            return state.pendingFaultCount
        }
    }

    func clearCommandLists() -> Int {
        state.withLock { state in
            defer { state.commandLists.removeAll() }
            return state.commandLists.count
        }
    }
}
