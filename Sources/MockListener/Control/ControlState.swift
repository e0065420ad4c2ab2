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
///
/// Both queues are bounded, so a client of /testControl cannot make the listener hold memory without end: at most
/// ``maxQueued`` entries each, and at most ``maxCommandListBytes`` of command lists (each POST may be 1 MiB).
public final class ControlState: Sendable {
    /// Most command lists, and most faults, queued at once; far more than a test queues before its events come.
    public static let maxQueued = 1_000
    /// Most bytes of command lists (as JSON) queued at once.
    public static let maxCommandListBytes = 16 * 1024 * 1024

    private struct State {
        var commandLists: [JSONValue] = []
        /// The JSON size of each queued command list, in the same order.
        var commandListSizes: [Int] = []
        var commandListBytes = 0
        var faults: [InjectedFault] = []
        /// What the test-control API asked for that the listener could not do (oldest dropped past 100).
        var errors: [String] = []

        var pendingFaultCount: Int { faults.reduce(0) { $0 + $1.count } }

        mutating func note(_ message: String) {
            if errors.count == 100 { errors.removeFirst() }
            errors.append(message)
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Queues a command list; each 202 answer takes the oldest one. A full queue (``maxQueued`` lists or
    /// ``maxCommandListBytes``) keeps what it has: the list is not queued, the refusal is noted in ``errors`` and
    /// false is returned.
    @discardableResult
    public func enqueue(commandList: JSONValue) -> Bool {
        let size = commandList.jsonBytes().count
        return state.withLock { state in
            guard state.commandLists.count < Self.maxQueued,
                state.commandListBytes + size <= Self.maxCommandListBytes
            else {
                state.note(Self.fullMessage(of: "commandList"))
                return false
            }
            state.commandLists.append(commandList)
            state.commandListSizes.append(size)
            state.commandListBytes += size
            return true
        }
    }

    func takeCommandList() -> JSONValue? {
        state.withLock { state in
            guard !state.commandLists.isEmpty else { return nil }
            state.commandListBytes -= state.commandListSizes.removeFirst()
            return state.commandLists.removeFirst()
        }
    }

    /// Puts a taken commandList back at the front of the queue: the answer that was to carry it was never given
    /// (the record could not be written), so the next 202 carries it. Room is not checked: it was taken from there.
    func putBack(commandList: JSONValue) {
        let size = commandList.jsonBytes().count
        state.withLock { state in
            state.commandLists.insert(commandList, at: 0)
            state.commandListSizes.insert(size, at: 0)
            state.commandListBytes += size
        }
    }

    /// Why a POST to `endpoint` (`commandList` or `faults`) cannot be queued now, or nil when there is room.
    func fullReason(for endpoint: String) -> String? {
        let full = state.withLock { state in
            switch endpoint {
            case "commandList":
                state.commandLists.count >= Self.maxQueued || state.commandListBytes >= Self.maxCommandListBytes
            case "faults": state.faults.count >= Self.maxQueued
            default: false
            }
        }
        return full ? Self.fullMessage(of: endpoint) : nil
    }

    private static func fullMessage(of endpoint: String) -> String {
        let bytes = endpoint == "commandList" ? " or \(maxCommandListBytes / (1024 * 1024)) MiB" : ""
        return "the \(endpoint) queue is full (\(maxQueued) entries\(bytes)); event POSTs take them one by one, "
            + "or DELETE /testControl/v1/\(endpoint) empties it"
    }

    /// Notes something queued that could not be done, such as a commandList on a version without command lists.
    func noteError(_ message: String) {
        state.withLock { $0.note(message) }
    }

    /// Whether a commandList waits for a 202 (without taking it).
    var hasCommandList: Bool { state.withLock { !$0.commandLists.isEmpty } }

    /// commandLists queued for the next 202s (for `/metrics`).
    var queuedCommandListCount: Int { state.withLock { $0.commandLists.count } }

    /// The test-control errors noted so far, oldest first.
    public var errors: [String] { state.withLock { $0.errors } }

    /// Queues a fault for the next event POSTs. A full queue (``maxQueued`` faults) keeps what it has: the fault
    /// is not queued, the refusal is noted in ``errors`` and false is returned.
    @discardableResult
    public func enqueue(fault: InjectedFault) -> Bool {
        state.withLock { state in
            guard state.faults.count < Self.maxQueued else {
                state.note(Self.fullMessage(of: "faults"))
                return false
            }
            state.faults.append(fault)
            return true
        }
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
            defer {
                state.commandLists.removeAll()
                state.commandListSizes.removeAll()
                state.commandListBytes = 0
            }
            return state.commandLists.count
        }
    }
}
