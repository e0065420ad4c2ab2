import Platform
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The send queue's copy on disk, written ahead: each queued event is appended (one JSON line) before it can be
/// sent, and a small counter file says how many lines from the front have left the queue (sent, refused or
/// dropped). An agent that is killed, or crashes, loses nothing it journaled: the next start sends what the counter
/// has not passed. Every step is ordered so that a crash at any point costs duplicates, never losses (at worst the
/// lines a compaction or a drained queue had already passed are sent again).
///
/// - A rewrite (start, compaction, graceful stop) writes and syncs a new file, sets and syncs the counter to 0, and
///   only then renames the new file over the old one and syncs the directory.
/// - A failed write or sync marks the journal dirty: nothing more is appended to that file, and the whole queue is
///   rewritten at the next chance, so a partial line is never followed by another.
/// - The file is compacted when more than half of it has left the queue, so it (and what a start reads back)
///   stays bounded during a long outage.
/// - Files are opened without following symbolic links and created with mode 0600.
struct SpoolJournal {
    let path: String
    private let directory: String
    private let counterPath: String
    private var descriptor: Int32 = -1
    private var counterDescriptor: Int32 = -1
    /// Lines in the journal, and how many of them have left the queue.
    private(set) var lines = 0
    private(set) var done = 0
    /// Lines past the counter whose events have left the queue (delivered from the middle of the queue, behind an
    /// event still held): the counter only counts from the front, so a crash sends these again, duplicates.
    private(set) var passed = 0
    /// A write or sync failed: the file may hold a partial line or miss events; the next change rewrites it.
    private(set) var isDirty = false
    /// Test seams: the errno the next write, or the next sync, fails with.
    var injectedWriteFailure: Int32? = nil
    var injectedSyncFailure: Int32? = nil

    /// Lines that have left the queue before a compaction is considered; below it rewriting costs more than the
    /// space it frees.
    static let compactionMinimum = 256
    /// A longer line is not an event this agent wrote: it is skipped at recovery instead of held in memory.
    static let maximumLineBytes = 16 * 1024 * 1024

    /// The journal's file in a spool directory.
    static func path(in directory: String) -> String { directory + "/ves-agent.spool.jsonl" }

    static func counterPath(of path: String) -> String { path + ".sent" }

    /// Opens the journal holding exactly `queued` (what is in the queue now), replacing what was there.
    init(directory: String, queued: some Collection<BuiltEvent>) throws(AgentError) {
        self.directory = directory
        path = Self.path(in: directory)
        counterPath = Self.counterPath(of: path)
        counterDescriptor = open(counterPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard counterDescriptor >= 0 else {
            throw AgentError(code: .spool, message: "cannot open \(counterPath): \(Self.reason(errno))")
        }
        _ = fchmod(counterDescriptor, 0o600)
        try rewrite(queued)
    }

    /// Appends the events just queued, on disk before they can be sent; `queue` is the whole queue, them included,
    /// which is written instead when the journal is dirty.
    mutating func append(_ events: [BuiltEvent], queue: some Collection<BuiltEvent>) throws(AgentError) {
        guard !events.isEmpty else { return }
        if isDirty { return try rewrite(queue) }
        let bytes = Self.lines(of: events)
        if SpoolFaultHook.isDue(.appendPartial) {
            _ = FileBytes.writeAll(Array(bytes.prefix(max(1, bytes.count / 2))), to: descriptor)
            SpoolFaultHook.die()
        }
        try write(bytes, to: descriptor, file: path)
        SpoolFaultHook.reach(.appendWritten)
        try sync(descriptor, file: path, dataOnly: true)
        SpoolFaultHook.reach(.appendSynced)
        lines += events.count
    }

    /// Counts `count` events from the front as gone from the queue; `queue` is what is left. An empty queue empties
    /// the journal; a journal more than half passed is compacted to `queue`.
    mutating func advance(_ count: Int, queue: some Collection<BuiltEvent>) throws(AgentError) {
        guard count > 0 else { return }
        done = min(lines, done + count)
        if isDirty || lines - done - passed != queue.count {
            // a failed write before, or a journal that does not match the queue: write what is queued
            return try rewrite(queue)
        }
        if queue.isEmpty {
            // the counter first: a crash between the two sends the passed lines again instead of skipping new ones
            try writeCounter(0, sync: true)
            SpoolFaultHook.reach(.drainCounter)
            try truncate()
            SpoolFaultHook.reach(.drainTruncated)
            lines = 0
            done = 0
            passed = 0
        } else if isDueForCompaction {
            try rewrite(queue)
        } else {
            try writeCounter(done, sync: false)
            SpoolFaultHook.reach(.advanceCounter)
        }
    }

    /// Counts `count` events from the middle of the queue as gone; `queue` is what is left. The counter stays, so
    /// nothing is written unless the journal is due for compaction.
    mutating func passOver(_ count: Int, queue: some Collection<BuiltEvent>) throws(AgentError) {
        guard count > 0 else { return }
        passed = min(lines - done, passed + count)
        if isDirty || lines - done - passed != queue.count || isDueForCompaction { try rewrite(queue) }
    }

    /// More than half of the file has left the queue (and enough to be worth a rewrite).
    private var isDueForCompaction: Bool {
        done + passed >= Self.compactionMinimum && (done + passed) * 2 > lines
    }

    /// Replaces the journal with `events`, atomically: a crash at any step leaves either the old journal (with its
    /// counter, or with the counter at 0: duplicates) or the new one.
    mutating func rewrite(_ events: some Collection<BuiltEvent>) throws(AgentError) {
        isDirty = true
        let temporary = path + ".tmp"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw AgentError(code: .spool, message: "cannot write \(temporary): \(Self.reason(errno))")
        }
        _ = fchmod(file, 0o600)
        do throws(AgentError) {
            try write(Self.lines(of: events), to: file, file: temporary)
            try sync(file, file: temporary, dataOnly: false)
        } catch {
            _ = close(file)
            _ = unlink(temporary)
            throw error
        }
        guard close(file) == 0 else {
            _ = unlink(temporary)
            throw AgentError(code: .spool, message: "cannot write \(temporary): \(Self.reason(errno))")
        }
        SpoolFaultHook.reach(.rewriteTemporary)
        try writeCounter(0, sync: true)
        SpoolFaultHook.reach(.rewriteCounter)
        guard rename(temporary, path) == 0 else {
            throw AgentError(code: .spool, message: "cannot replace \(path): \(Self.reason(errno))")
        }
        SpoolFaultHook.reach(.rewriteRenamed)
        try syncDirectory()
        SpoolFaultHook.reach(.rewriteDone)
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AgentError(code: .spool, message: "cannot open \(path): \(Self.reason(errno))")
        }
        lines = events.count
        done = 0
        passed = 0
        isDirty = false
    }

    func closeFiles() {
        if descriptor >= 0 { _ = close(descriptor) }
        if counterDescriptor >= 0 { _ = close(counterDescriptor) }
    }

    // MARK: Writing

    private static func lines(of events: some Collection<BuiltEvent>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.reduce(0) { $0 + $1.eventJSON.utf8.count + 1 })
        for event in events {
            bytes.append(contentsOf: event.eventJSON.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// The counter as 20 digits and a newline, always the same length, so one write replaces it whole.
    private mutating func writeCounter(_ value: Int, sync: Bool) throws(AgentError) {
        let digits = String(max(0, value))
        let text = Array((String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "\n").utf8)
        let written =
            takeInjectedWriteFailure().map { -Int($0) }
            ?? text.withUnsafeBytes {
                pwrite(counterDescriptor, $0.baseAddress, $0.count, 0)
            }
        guard written == text.count else {
            isDirty = true
            let reason = written < 0 ? Self.reason(errno) : "short write"
            throw AgentError(code: .spool, message: "cannot write \(counterPath): \(reason)")
        }
        _ = ftruncate(counterDescriptor, off_t(text.count))
        if sync { try self.sync(counterDescriptor, file: counterPath, dataOnly: false) }
    }

    private mutating func truncate() throws(AgentError) {
        guard takeInjectedWriteFailure() == nil, ftruncate(descriptor, 0) == 0 else {
            isDirty = true
            throw AgentError(code: .spool, message: "cannot empty \(path): \(Self.reason(errno))")
        }
    }

    private mutating func write(_ bytes: [UInt8], to file: Int32, file name: String) throws(AgentError) {
        if let failure = takeInjectedWriteFailure() {
            isDirty = true
            throw AgentError(code: .spool, message: "cannot write \(name): \(Self.reason(failure))")
        }
        if let reason = FileBytes.writeAll(bytes, to: file) {
            isDirty = true
            throw AgentError(code: .spool, message: "cannot write \(name): \(reason)")
        }
    }

    private mutating func sync(_ file: Int32, file name: String, dataOnly: Bool) throws(AgentError) {
        let failure = injectedSyncFailure
        injectedSyncFailure = nil
        let result = failure == nil ? (dataOnly ? Self.dataSync(file) : fsync(file)) : -1
        guard result == 0 else {
            isDirty = true
            throw AgentError(code: .spool, message: "cannot sync \(name): \(Self.reason(failure ?? errno))")
        }
    }

    private static func dataSync(_ file: Int32) -> Int32 {
        #if canImport(Darwin)
            fsync(file)
        #else
            fdatasync(file)
        #endif
    }

    /// Makes the rename durable.
    private mutating func syncDirectory() throws(AgentError) {
        let file = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard file >= 0 else {
            throw AgentError(code: .spool, message: "cannot open \(directory): \(Self.reason(errno))")
        }
        defer { _ = close(file) }
        try sync(file, file: directory, dataOnly: false)
    }

    private mutating func takeInjectedWriteFailure() -> Int32? {
        defer { injectedWriteFailure = nil }
        return injectedWriteFailure
    }

    static func reason(_ number: Int32) -> String { String(cString: strerror(number)) }
}
