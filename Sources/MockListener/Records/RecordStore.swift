public import JSON
import JSONSchema
import Platform
import Synchronization
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which records a query, a wait or a stats call looks at.
public struct RecordFilter: Sendable, Equatable {
    public var kind: EventRecord.Kind?
    public var domain: String?
    public var valid: Bool?
    /// Only records with a greater sequence number.
    public var since: Int?
    /// The route's API version (`v1`, `v5`, `v7`).
    public var apiVersion: String?
    /// The event's `sourceName`.
    public var source: String?
    /// The event's `stndDefinedNamespace`.
    public var namespace: String?

    public init(
        kind: EventRecord.Kind? = nil,
        domain: String? = nil,
        valid: Bool? = nil,
        since: Int? = nil,
        apiVersion: String? = nil,
        source: String? = nil,
        namespace: String? = nil
    ) {
        self.kind = kind
        self.domain = domain
        self.valid = valid
        self.since = since
        self.apiVersion = apiVersion
        self.source = source
        self.namespace = namespace
    }

    func matches(_ entry: RecordStore.Entry) -> Bool {
        if let kind, entry.kind != kind { return false }
        if let domain, entry.domain != domain { return false }
        if let valid, entry.valid != valid { return false }
        if let since, entry.seq <= since { return false }
        if let apiVersion, entry.apiVersion != apiVersion { return false }
        if let source, entry.sourceName != source { return false }
        if let namespace, entry.namespace != namespace { return false }
        return true
    }
}

/// What the listener received over its lifetime, for the shutdown line and `--strict`.
public struct ListenerSummary: Sendable, Equatable, CustomStringConvertible {
    /// Events validated plus requests rejected before validation (an agent sending garbage fails conformance).
    public var events: Int
    public var valid: Int
    public var invalid: Int
    /// Of `invalid`, requests that never reached validation (bad JSON, auth, path...).
    public var rejected: Int

    public init(events: Int, valid: Int, invalid: Int, rejected: Int) {
        self.events = events
        self.valid = valid
        self.invalid = invalid
        self.rejected = rejected
    }

    public var description: String { "\(events) events, \(valid) valid, \(invalid) invalid" }
}

/// Every record, in memory and in the `--record` file: appended under one lock so sequence numbers, file order
/// and memory order agree, and written to the file before the caller answers the request.
public final class RecordStore: Sendable {
    struct Entry: Sendable {
        var seq: Int
        var kind: EventRecord.Kind
        var domain: String?
        var apiVersion: String?
        var sourceName: String?
        var namespace: String?
        var valid: Bool
        var status: Int
        var line: [UInt8]
    }

    /// One testcase of the JUnit report: kept for the listener's lifetime, also past a DELETE of the events.
    struct Case: Sendable {
        var seq: Int
        var kind: EventRecord.Kind
        var apiVersion: String?
        var domain: String?
        var eventId: String?
        var sourceName: String?
        var path: String
        var status: Int
        var valid: Bool
        var errors: [Violation]
        var warnings: [Violation]
        var receivedAt: String
    }

    private struct Waiter {
        var filter: RecordFilter
        var wanted: Int
        var seen: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State: ~Copyable {
        var nextSeq = 1
        var entries: [Entry] = []
        var cases: [Case] = []
        var summary = ListenerSummary(events: 0, valid: 0, invalid: 0, rejected: 0)
        var semantic = SemanticChecker()
        var waiters: [Int: Waiter] = [:]
        var cancelledWaiters: Set<Int> = []
        var nextWaiter = 0
        var closed = false
        var fileDescriptor: Int32 = -1
    }

    private let state: Mutex<State>
    public let recordPath: String?

    /// Opens (and truncates) the record file when a path is given.
    public init(recordPath: String?) throws(ListenerError) {
        var initial = State()
        if let recordPath {
            let descriptor = open(recordPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ListenerError(
                    code: .record,
                    message: "cannot open record file '\(recordPath)': \(String(cString: strerror(errno)))"
                )
            }
            initial.fileDescriptor = descriptor
        }
        self.recordPath = recordPath
        self.state = Mutex(initial)
    }

    /// Numbers, checks and writes the records; returns them as stored. Throws when the record file cannot be
    /// written, so the caller does not accept what it could not keep.
    @discardableResult
    public func append(_ drafts: [EventRecord]) throws(ListenerError) -> [EventRecord] {
        let receivedAt = RFC3339.now(precision: .milliseconds)
        var resumed: [CheckedContinuation<Bool, Never>] = []
        let result = try state.withLock { (state: inout State) throws(ListenerError) -> [EventRecord] in
            var stored: [EventRecord] = []
            var fileBytes: [UInt8] = []
            var newEntries: [Entry] = []
            for var record in drafts {
                record.seq = state.nextSeq
                state.nextSeq += 1
                record.receivedAt = receivedAt
                if record.kind == .event, let event = record.event {
                    record.warnings += state.semantic.check(event, pointer: "", apiVersion: record.apiVersion)
                }
                let line = record.lineBytes
                fileBytes += line
                fileBytes.append(0x0A)
                newEntries.append(
                    Entry(
                        seq: record.seq,
                        kind: record.kind,
                        domain: record.domain,
                        apiVersion: record.apiVersion,
                        sourceName: record.sourceName,
                        namespace: record.namespace,
                        valid: record.valid,
                        status: record.status,
                        line: line
                    )
                )
                stored.append(record)
            }
            if state.fileDescriptor >= 0 {
                try Self.writeAll(fileBytes, to: state.fileDescriptor, path: recordPath)
            }
            for record in stored {
                state.cases.append(
                    Case(
                        seq: record.seq,
                        kind: record.kind,
                        apiVersion: record.apiVersion,
                        domain: record.domain,
                        eventId: record.eventId,
                        sourceName: record.sourceName,
                        path: record.path,
                        status: record.status,
                        valid: record.valid,
                        errors: record.errors,
                        warnings: record.warnings,
                        receivedAt: record.receivedAt
                    )
                )
                switch record.kind {
                case .event:
                    state.summary.events += 1
                    if record.valid { state.summary.valid += 1 } else { state.summary.invalid += 1 }
                case .rejected:
                    state.summary.events += 1
                    state.summary.invalid += 1
                    state.summary.rejected += 1
                case .fault, .throttlingState:
                    break
                }
            }
            state.entries += newEntries
            for (id, var waiter) in state.waiters {
                waiter.seen += newEntries.count { waiter.filter.matches($0) }
                if waiter.seen >= waiter.wanted {
                    state.waiters[id] = nil
                    resumed.append(waiter.continuation)
                } else {
                    state.waiters[id] = waiter
                }
            }
            return stored
        }
        for continuation in resumed { continuation.resume(returning: true) }
        return result
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String?) throws(ListenerError) {
        if let reason = FileBytes.writeAll(bytes, to: descriptor) {
            throw ListenerError(code: .record, message: "cannot write record file '\(path ?? "")': \(reason)")
        }
    }

    /// The record lines matching `filter`, oldest first, at most `limit`.
    public func lines(matching filter: RecordFilter, limit: Int = .max) -> [[UInt8]] {
        state.withLock { state in
            var result: [[UInt8]] = []
            for entry in state.entries where filter.matches(entry) {
                result.append(entry.line)
                if result.count >= limit { break }
            }
            return result
        }
    }

    /// Number of records matching `filter` in memory.
    public func count(matching filter: RecordFilter) -> Int {
        state.withLock { state in state.entries.count { filter.matches($0) } }
    }

    /// Forgets the records in memory and the semantic history (the record file and the lifetime summary stay).
    public func clear() -> Int {
        state.withLock { state in
            let removed = state.entries.count
            state.entries.removeAll()
            state.semantic = SemanticChecker()
            for id in Array(state.waiters.keys) { state.waiters[id]?.seen = 0 }
            return removed
        }
    }

    private static func count(
        _ entry: Entry,
        under key: String,
        in counts: inout [String: (total: Int, valid: Int, invalid: Int)]
    ) {
        var current = counts[key, default: (0, 0, 0)]
        current.total += 1
        if entry.valid { current.valid += 1 } else { current.invalid += 1 }
        counts[key] = current
    }

    private static func countsJSON(_ counts: [String: (total: Int, valid: Int, invalid: Int)]) -> JSONValue {
        .object(
            JSONObject(
                counts.sorted { $0.key < $1.key }.map { key, counts in
                    (
                        key,
                        JSONValue.object(
                            JSONObject([
                                ("total", .integer(Int64(counts.total))),
                                ("valid", .integer(Int64(counts.valid))),
                                ("invalid", .integer(Int64(counts.invalid))),
                            ])
                        )
                    )
                }
            )
        )
    }

    /// Counts by kind, domain, API version, stndDefined namespace, validity and status of the records in memory.
    public func stats() -> JSONValue {
        state.withLock { state in
            var byKind: [String: Int] = [:]
            var byStatus: [Int: Int] = [:]
            var byDomain: [String: (total: Int, valid: Int, invalid: Int)] = [:]
            var byVersion: [String: (total: Int, valid: Int, invalid: Int)] = [:]
            var byNamespace: [String: (total: Int, valid: Int, invalid: Int)] = [:]
            var events = 0
            var valid = 0
            for entry in state.entries {
                byKind[entry.kind.rawValue, default: 0] += 1
                byStatus[entry.status, default: 0] += 1
                guard entry.kind == .event else { continue }
                events += 1
                if entry.valid { valid += 1 }
                Self.count(entry, under: entry.domain ?? "(none)", in: &byDomain)
                Self.count(entry, under: entry.apiVersion ?? "(none)", in: &byVersion)
                if let namespace = entry.namespace { Self.count(entry, under: namespace, in: &byNamespace) }
            }
            return .object(
                JSONObject([
                    ("events", .integer(Int64(events))),
                    ("valid", .integer(Int64(valid))),
                    ("invalid", .integer(Int64(events - valid))),
                    ("rejected", .integer(Int64(byKind[EventRecord.Kind.rejected.rawValue] ?? 0))),
                    ("faults", .integer(Int64(byKind[EventRecord.Kind.fault.rawValue] ?? 0))),
                    ("throttlingStates", .integer(Int64(byKind[EventRecord.Kind.throttlingState.rawValue] ?? 0))),
                    ("byDomain", Self.countsJSON(byDomain)),
                    ("byVersion", Self.countsJSON(byVersion)),
                    ("byNamespace", Self.countsJSON(byNamespace)),
                    (
                        "byStatus",
                        .object(
                            JSONObject(
                                byStatus.sorted { $0.key < $1.key }.map { (String($0.key), .integer(Int64($0.value))) }
                            )
                        )
                    ),
                    ("lastSeq", .integer(Int64(state.nextSeq - 1))),
                    ("lifetime", state.summary.json),
                ])
            )
        }
    }

    /// Waits until `count` records matching `filter` are in memory; false at the timeout or at shutdown.
    public func wait(for count: Int, matching filter: RecordFilter, timeout: Duration) async -> Bool {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilSatisfied(id: id, count: count, filter: filter) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func waitUntilSatisfied(id: Int, count: Int, filter: RecordFilter) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.cancelledWaiters.remove(id) != nil || state.closed { return false }
                    let seen = state.entries.count { filter.matches($0) }
                    if seen >= count { return true }
                    state.waiters[id] = Waiter(filter: filter, wanted: count, seen: seen, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelledWaiters.insert(id)
                    return CheckedContinuation<Bool, Never>?.none
                }
                return waiter.continuation
            }
            continuation?.resume(returning: false)
        }
    }

    /// Number of `wait` calls blocked right now.
    public var pendingWaitCount: Int { state.withLock { $0.waiters.count } }

    /// Ends every pending wait (at shutdown, so a long poll does not hold the server open).
    public func releaseWaiters() {
        let continuations = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in continuations { continuation.resume(returning: false) }
    }

    /// Flushes and closes the record file, writes the JUnit report, and returns the lifetime summary.
    public func finish(junitPath: String?, suiteName: String = "ves-listener") throws(ListenerError) -> ListenerSummary
    {
        releaseWaiters()
        let (summary, cases) = state.withLock { state in
            if state.fileDescriptor >= 0 {
                fsync(state.fileDescriptor)
                close(state.fileDescriptor)
                state.fileDescriptor = -1
            }
            return (state.summary, state.cases)
        }
        if let junitPath {
            let xml = JUnitReport(
                suiteName: suiteName,
                cases: cases.filter { $0.kind == .event || $0.kind == .rejected }
            )
            .xml
            try Self.writeFile(junitPath, contents: Array(xml.utf8))
        }
        return summary
    }

    /// One line per invalid event or rejected request, oldest first, for the report a person reads at shutdown.
    public func failureLines(limit: Int = 20) -> [String] {
        let cases = state.withLock { state in
            state.cases.filter { !$0.valid && ($0.kind == .event || $0.kind == .rejected) }
        }
        var lines = cases.prefix(limit).map { item in
            let what =
                item.kind == .rejected
                ? "rejected \(item.path) (HTTP \(item.status))"
                : "\(item.domain ?? "event")" + (item.eventId.map { " eventId \($0)" } ?? "")
                    + (item.sourceName.map { " from \($0)" } ?? "")
            let reasons = item.errors.map { ($0.pointer.isEmpty ? "" : "\($0.pointer): ") + $0.message }
            return "#\(item.seq) \(what): " + reasons.joined(separator: "; ")
        }
        if cases.count > limit { lines.append("... and \(cases.count - limit) more (see the record)") }
        return lines
    }

    /// The lifetime summary so far.
    public var summary: ListenerSummary { state.withLock { $0.summary } }

    static func writeFile(_ path: String, contents: [UInt8]) throws(ListenerError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ListenerError(code: .report, message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        try writeAll(contents, to: descriptor, path: path)
    }
}

extension ListenerSummary {
    var json: JSONValue {
        .object(
            JSONObject([
                ("events", .integer(Int64(events))),
                ("valid", .integer(Int64(valid))),
                ("invalid", .integer(Int64(invalid))),
                ("rejected", .integer(Int64(rejected))),
            ])
        )
    }
}
