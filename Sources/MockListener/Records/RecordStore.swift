import JSON
import JSONSchema
public import Logging
import Synchronization
import VESModel

/// Every record: each line written to the `--record` file before the caller answers, the newest
/// `maxRecordsInMemory` kept in memory (for `/testControl` and the JUnit report), and counts of them all.
///
/// Two locks: `intake` puts records in order (sequence numbers, semantic checks, the file write), and `state`
/// holds what queries read. A query never waits for a file write or for a big batch being numbered; intake holds
/// `state` only to add finished entries. Lock order: `intake`, then `state`.
public final class RecordStore: Sendable {
    /// A record as memory keeps it: its line, what filters match on, and what the JUnit report shows.
    struct Entry: Sendable {
        var seq: Int
        var kind: EventRecord.Kind
        var domain: String?
        var apiVersion: String?
        var sourceName: String?
        var namespace: String?
        var eventId: String?
        var path: String
        var valid: Bool
        var status: Int
        var errors: [Violation]
        var warnings: [Violation]
        var receivedAt: String
        var line: [UInt8]
    }

    struct IntakeState: Sendable {
        var nextSeq = 1
        var semantic = SemanticChecker()
        var file: RecordFile?
    }

    struct State: ~Copyable {
        var memory: RecordRing<Entry>
        /// Since the start or the last clear.
        var counts = RecordCounts()
        /// Records counted in `counts` that memory no longer holds.
        var forgotten = 0
        var summary = ListenerSummary(events: 0, valid: 0, invalid: 0, rejected: 0)
        var nonEventRequests = 0
        var nonEventByStatus: [Int: Int] = [:]
        var lastSeq = 0
        var waits = WaitSlots()
        /// Over the lifetime: a clear does not reset it.
        var eventTally = EventTally()
    }

    let intake: Mutex<IntakeState>
    let state: Mutex<State>
    /// What the last request's record lines shared (a cache: it only saves rendering).
    private let lineParts = Mutex(RecordLineParts())
    let logger: Logger
    public let recordPath: String?
    /// Records kept in memory at most.
    public let maxRecordsInMemory: Int
    /// What is logged about refused requests and invalid events, at most a line each and a summary under load.
    public let requestLog: RequestLog

    /// Opens (and truncates) the record file when a path is given.
    public init(
        recordPath: String?,
        maxRecordsInMemory: Int = 100_000,
        fsyncRecords: Bool = false,
        logger: Logger = Logger(label: "ves-listener")
    ) throws(ListenerError) {
        var intake = IntakeState()
        if let recordPath {
            intake.file = try RecordFile(path: recordPath, fsyncEachWrite: fsyncRecords)
        }
        self.intake = Mutex(intake)
        self.state = Mutex(State(memory: RecordRing(capacity: maxRecordsInMemory)))
        self.recordPath = recordPath
        self.maxRecordsInMemory = max(1, maxRecordsInMemory)
        self.logger = logger
        self.requestLog = RequestLog(logger: logger)
    }

    /// The store a configuration asks for: its record file, memory size and fsync.
    public convenience init(configuration: ListenerConfiguration, logger: Logger) throws(ListenerError) {
        try self.init(
            recordPath: configuration.recordPath,
            maxRecordsInMemory: configuration.maxRecordsInMemory,
            fsyncRecords: configuration.fsyncRecords,
            logger: logger
        )
    }

    /// Numbers, checks and writes the records; returns them as stored. Throws when the record file cannot be
    /// written: then nothing of them is kept (no sequence number used, no semantic state changed, no torn line),
    /// so the caller answers 503 and the sender's retry is taken as new. Records answered other than 2xx are checked
    /// against the semantic state (their warnings say what was wrong) but leave it as it was.
    @discardableResult
    public func append(_ drafts: [EventRecord]) throws(ListenerError) -> [EventRecord] {
        guard !drafts.isEmpty else { return [] }
        // the costly rendering happens before the intake lock; the rendered heads and messages are kept for the next
        // request, which most often has the same
        var parts = lineParts.withLock { $0 }
        let lines = drafts.map { RecordLine($0, parts: &parts) }
        lineParts.withLock { $0 = parts }
        var batchCounts = RecordCounts()
        var batchSummary = ListenerSummary(events: 0, valid: 0, invalid: 0, rejected: 0)
        var batchTally = EventTally()
        for draft in drafts {
            let domain = draft.domain
            batchCounts.add(
                kind: draft.kind,
                status: draft.status,
                valid: draft.valid,
                domain: domain,
                apiVersion: draft.apiVersion,
                namespace: draft.namespace
            )
            batchTally.add(kind: draft.kind, valid: draft.valid, apiVersion: draft.apiVersion, domain: domain)
            batchSummary.add(kind: draft.kind, valid: draft.valid)
        }
        let receivedAt = RFC3339.now(precision: .milliseconds)
        let quotedTime = RecordLine.quoted(receivedAt)
        // only the newest `maxRecordsInMemory` of a batch can stay in memory: the others are not built as entries
        let firstKept = max(0, drafts.count - maxRecordsInMemory)
        var resumed: [CheckedContinuation<Bool, Never>] = []
        let stored = try intake.withLock { (intake: inout IntakeState) throws(ListenerError) -> [EventRecord] in
            var stored = drafts
            var fileBytes: [UInt8] = []
            fileBytes.reserveCapacity(lines.reduce(0) { $0 + $1.estimatedSize + quotedTime.count })
            var entries: [Entry] = []
            entries.reserveCapacity(drafts.count - firstKept)
            intake.semantic.begin()
            for index in stored.indices {
                stored[index].seq = intake.nextSeq + index
                stored[index].receivedAt = receivedAt
                var semantic: [Violation] = []
                if stored[index].kind == .event, let event = stored[index].event {
                    semantic = intake.semantic.check(event, pointer: "", apiVersion: stored[index].apiVersion)
                    stored[index].warnings += semantic
                }
                let seq = stored[index].seq
                if index >= firstKept {
                    var line: [UInt8] = []
                    lines[index].write(into: &line, seq: seq, receivedAt: quotedTime, moreWarnings: semantic)
                    fileBytes += line
                    entries.append(Entry(stored[index], line: line))
                } else {
                    lines[index].write(into: &fileBytes, seq: seq, receivedAt: quotedTime, moreWarnings: semantic)
                }
                fileBytes.append(0x0A)
            }
            do throws(ListenerError) {
                try intake.file?.append(fileBytes, logger: logger)
            } catch {
                intake.semantic.rollback()
                throw error
            }
            // a refused request was not taken: its eventIds and sequences must not count against the retry
            if drafts.allSatisfy({ (200..<300).contains($0.status) }) {
                intake.semantic.commit()
            } else {
                intake.semantic.rollback()
            }
            intake.nextSeq += drafts.count
            resumed = state.withLock { state in
                state.counts.merge(batchCounts)
                state.eventTally.merge(batchTally)
                state.summary = state.summary + batchSummary
                state.lastSeq = intake.nextSeq - 1
                state.forgotten += firstKept
                for entry in entries {
                    if state.memory.append(entry) { state.forgotten += 1 }
                }
                return state.waits.arrived(stored)
            }
            return stored
        }
        for continuation in resumed { continuation.resume(returning: true) }
        return stored
    }

    /// Counts a request that was not an event (an unknown path, a wrong method, an unserved version) by its
    /// status: it is neither recorded nor an invalid event.
    public func countNonEvent(status: Int) {
        state.withLock { state in
            state.nonEventRequests += 1
            state.nonEventByStatus[status, default: 0] += 1
        }
    }

    /// What `/metrics` reads at a scrape: events by version, domain and verdict, the record file's size and the
    /// waits open.
    var metricsReadings: (tally: EventTally, recordFileBytes: Int64, waiters: Int) {
        let recordFileBytes = intake.withLock { $0.file?.size ?? 0 }
        let (tally, waiters) = state.withLock { ($0.eventTally, $0.waits.slots.count) }
        return (tally, recordFileBytes, waiters)
    }

    /// Requests that were not events, over the listener's lifetime.
    public var nonEventRequests: Int { state.withLock { $0.nonEventRequests } }

    /// Ends every pending wait (at shutdown, so a long poll does not hold the server open).
    public func releaseWaiters() {
        let continuations = state.withLock { $0.waits.close() }
        for continuation in continuations { continuation.resume(returning: false) }
    }

    /// Flushes and closes the record file, writes the JUnit report (atomically: a reader sees the old report or
    /// the whole new one), and returns the lifetime summary.
    public func finish(junitPath: String?, suiteName: String = "ves-listener") throws(ListenerError) -> ListenerSummary
    {
        releaseWaiters()
        requestLog.flush()
        intake.withLock { intake in intake.file?.close() }
        let (summary, cases) = state.withLock { state in
            var cases: [Entry] = []
            state.memory.visit { entry in
                if entry.kind == .event || entry.kind == .rejected { cases.append(entry) }
                return true
            }
            return (state.summary, cases)
        }
        if let junitPath {
            let report = JUnitReport(suiteName: suiteName, cases: cases, lifetime: summary)
            try ReportFile.write(junitPath, contents: Array(report.xml.utf8))
        }
        return summary
    }

    /// One line per invalid event or rejected request, oldest first, for the report a person reads at shutdown;
    /// what came from the network has its control characters escaped, so it cannot move the terminal's cursor or
    /// forge lines.
    public func failureLines(limit: Int = 20) -> [String] {
        let (failures, invalid) = state.withLock { state in
            var failures: [Entry] = []
            state.memory.visit { entry in
                if !entry.valid && (entry.kind == .event || entry.kind == .rejected) { failures.append(entry) }
                return failures.count < limit
            }
            return (failures, state.summary.invalid)
        }
        var lines = failures.map { item in
            let what =
                item.kind == .rejected
                ? "rejected \(item.path) (HTTP \(item.status))"
                : "\(item.domain ?? "event")" + (item.eventId.map { " eventId \($0)" } ?? "")
                    + (item.sourceName.map { " from \($0)" } ?? "")
            let reasons = item.errors.map { ($0.pointer.isEmpty ? "" : "\($0.pointer): ") + $0.message }
            return ControlCharacters.escaped("#\(item.seq) \(what): " + reasons.joined(separator: "; "))
        }
        if invalid > failures.count { lines.append("... and \(invalid - failures.count) more (see the record)") }
        return lines
    }

    /// The lifetime summary so far.
    public var summary: ListenerSummary { state.withLock { $0.summary } }
}

extension RecordStore.Entry {
    init(_ record: EventRecord, line: [UInt8]) {
        self.init(
            seq: record.seq,
            kind: record.kind,
            domain: record.domain,
            apiVersion: record.apiVersion,
            sourceName: record.sourceName,
            namespace: record.namespace,
            eventId: record.eventId,
            path: record.path,
            valid: record.valid,
            status: record.status,
            errors: record.errors,
            warnings: record.warnings,
            receivedAt: record.receivedAt,
            line: line
        )
    }
}
