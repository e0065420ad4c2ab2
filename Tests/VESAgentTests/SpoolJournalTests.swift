import Foundation
import Testing

@testable import VESAgent

#if canImport(Glibc)
    import Glibc
#endif

/// The spool journal's promises when the disk misbehaves or the files were tampered with (review M3 b, c, d, e).
@Suite("Spool journal")
struct SpoolJournalTests {
    /// A fresh spool directory, removed after `body`.
    static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    static func events(_ numbers: ClosedRange<Int>) -> [BuiltEvent] {
        numbers.map { number in
            BuiltEvent(
                domain: "fault",
                eventId: String(number),
                reportingEntityName: "compute-0",
                eventJSON:
                    "{\"commonEventHeader\": {\"domain\": \"fault\", \"eventId\": \"\(number)\", \"reportingEntityName\": \"compute-0\"}}"
            )
        }
    }

    static func recoveredIds(_ directory: String, capacity: Int = 10_000) throws -> [String] {
        try SpoolRecovery.load(directory: directory, capacity: capacity).events.map(\.eventId)
    }

    @Test("a failed append rewrites the whole queue at the next change instead of losing journaled events")
    func aFailedAppendRewritesTheWholeQueue() throws {
        try Self.withDirectory { directory in
            var queue = Self.events(1...3)
            var journal = try SpoolJournal(directory: directory, queued: [])
            try journal.append(queue, queue: queue)
            // the disk is full for the next append: the events stay queued in memory only
            let more = Self.events(4...4)
            queue += more
            journal.injectedWriteFailure = ENOSPC
            #expect(throws: AgentError.self) { try journal.append(more, queue: queue) }
            #expect(journal.isDirty)
            // three events delivered: the old code reached done == lines here, emptied the file and lost event 4
            queue.removeFirst(3)
            try journal.advance(3, queue: queue)
            #expect(!journal.isDirty)
            #expect(try Self.recoveredIds(directory) == ["4"])
            journal.closeFiles()
        }
    }

    @Test("a failed sync is an error and marks the journal dirty") func aFailedSyncIsAnError() throws {
        try Self.withDirectory { directory in
            var journal = try SpoolJournal(directory: directory, queued: [])
            let queue = Self.events(1...2)
            journal.injectedSyncFailure = EIO
            #expect(throws: AgentError.self) { try journal.append(queue, queue: queue) }
            #expect(journal.isDirty)
            // the next change writes the queue whole
            let all = queue + Self.events(3...3)
            try journal.append(Array(all.suffix(1)), queue: all)
            #expect(try Self.recoveredIds(directory) == ["1", "2", "3"])
            journal.closeFiles()
        }
    }

    @Test("a partial last line is left out and never merged with the next")
    func aPartialLastLineIsLeftOut() throws {
        try Self.withDirectory { directory in
            let whole = Self.events(1...2).map { $0.eventJSON + "\n" }.joined()
            let cut = String(Self.events(3...3)[0].eventJSON.prefix(30))
            try (whole + cut).write(toFile: SpoolJournal.path(in: directory), atomically: false, encoding: .utf8)
            let recovery = try SpoolRecovery.load(directory: directory, capacity: 100)
            #expect(recovery.events.map(\.eventId) == ["1", "2"])
            #expect(recovery.partialLines == 1)
            // the next run starts a new file: an append after recovery is a line of its own
            var journal = try SpoolJournal(directory: directory, queued: recovery.events)
            let queue = recovery.events + Self.events(4...4)
            try journal.append(Array(queue.suffix(1)), queue: queue)
            #expect(try Self.recoveredIds(directory) == ["1", "2", "4"])
            journal.closeFiles()
        }
    }

    @Test(
        "a negative, garbage or huge counter never traps and sends everything again",
        arguments: ["-1\n", "-9223372036854775808", "abc", "99999999999999999999999999\n", "", "\u{0}\u{0}"]
    )
    func aBadCounterNeverTraps(counter: String) throws {
        try Self.withDirectory { directory in
            let path = SpoolJournal.path(in: directory)
            try Self.events(1...3).map { $0.eventJSON + "\n" }.joined().write(
                toFile: path,
                atomically: false,
                encoding: .utf8
            )
            try counter.write(toFile: SpoolJournal.counterPath(of: path), atomically: false, encoding: .utf8)
            #expect(try Self.recoveredIds(directory) == ["1", "2", "3"])
        }
    }

    @Test("files are 0600 and a planted link is refused, not followed") func filesArePrivateAndLinksRefused() throws {
        try Self.withDirectory { directory in
            let journal = try SpoolJournal(directory: directory, queued: Self.events(1...1))
            journal.closeFiles()
            for path in [
                SpoolJournal.path(in: directory), SpoolJournal.counterPath(of: SpoolJournal.path(in: directory)),
            ] {
                let mode = try #require(
                    try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                )
                #expect(mode == 0o600, "\(path)")
            }
            // someone links the counter to another file: the journal refuses it and the other file stays as it was
            let victim = directory + "/victim"
            try "keep me".write(toFile: victim, atomically: false, encoding: .utf8)
            let counter = SpoolJournal.counterPath(of: SpoolJournal.path(in: directory))
            try FileManager.default.removeItem(atPath: counter)
            try FileManager.default.createSymbolicLink(atPath: counter, withDestinationPath: victim)
            #expect(throws: AgentError.self) { _ = try SpoolJournal(directory: directory, queued: Self.events(1...2)) }
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
            // and a linked journal is not read through
            try FileManager.default.removeItem(atPath: SpoolJournal.path(in: directory))
            try FileManager.default.createSymbolicLink(
                atPath: SpoolJournal.path(in: directory),
                withDestinationPath: victim
            )
            #expect(throws: AgentError.self) { _ = try SpoolRecovery.load(directory: directory, capacity: 10) }
        }
    }

    @Test("a long outage keeps the file bounded: compacted when more than half has left the queue")
    func aLongOutageKeepsTheFileBounded() throws {
        try Self.withDirectory { directory in
            let capacity = 500
            var journal = try SpoolJournal(directory: directory, queued: [])
            var queue: [BuiltEvent] = []
            var largest = 0
            // events keep coming while nothing is delivered: the queue drops its oldest, as a full queue does
            for start in stride(from: 1, through: 10_000, by: 10) {
                let batch = Self.events(start...(start + 9))
                queue += batch
                try journal.append(batch, queue: queue)
                let excess = max(0, queue.count - capacity)
                queue.removeFirst(excess)
                try journal.advance(excess, queue: queue)
                largest = max(largest, journal.lines)
            }
            #expect(largest <= 2 * capacity + SpoolJournal.compactionMinimum, "lines in the file at most: \(largest)")
            #expect(try Self.recoveredIds(directory) == queue.map(\.eventId))
            // and a start reads back at most the queue's capacity, however long the file
            #expect(try Self.recoveredIds(directory, capacity: 100) == queue.suffix(100).map(\.eventId))
            journal.closeFiles()
        }
    }

    @Test("events delivered from the middle of the queue keep the file bounded; a crash resends them, loses nothing")
    func deliveriesFromTheMiddleKeepTheFileBounded() throws {
        try Self.withDirectory { directory in
            var journal = try SpoolJournal(directory: directory, queued: [])
            var queue: [BuiltEvent] = []
            var largest = 0
            var rewrites = 0
            // a backlog of 400 drained two at a time: the event behind the front first (several connections
            // passing over one source), then the front, while ten more come in each round
            for start in stride(from: 1, through: 5_000, by: 10) {
                let batch = Self.events(start...(start + 9))
                queue += batch
                try journal.append(batch, queue: queue)
                for _ in 0..<5 where queue.count > 400 {
                    queue.remove(at: 1)
                    let before = journal.lines
                    try journal.passOver(1, queue: queue)
                    queue.removeFirst()
                    try journal.advance(1, queue: queue)
                    if journal.lines < before { rewrites += 1 }
                }
                largest = max(largest, journal.lines)
            }
            #expect(rewrites > 0 && rewrites < 50, "compacted now and then, not at every step: \(rewrites)")
            #expect(largest <= 2 * queue.count + 2 * SpoolJournal.compactionMinimum, "lines at most: \(largest)")
            // one more from the middle, then a crash: every queued event comes back, in order, after duplicates only
            let middle = queue.remove(at: 1)
            try journal.passOver(1, queue: queue)
            let recovered = try Self.recoveredIds(directory)
            let queued = queue.map(\.eventId)
            #expect(Array(recovered.filter(Set(queued).contains)) == queued)
            #expect(recovered.contains(middle.eventId), "the passed-over event is resent, a duplicate")
            journal.closeFiles()
        }
    }

    @Test("a drained queue leaves an empty journal and a zero counter") func aDrainedQueueLeavesAnEmptyJournal() throws
    {
        try Self.withDirectory { directory in
            var queue = Self.events(1...5)
            var journal = try SpoolJournal(directory: directory, queued: queue)
            queue.removeFirst(2)
            try journal.advance(2, queue: queue)
            #expect(try Self.recoveredIds(directory) == ["3", "4", "5"])
            queue.removeAll()
            try journal.advance(3, queue: queue)
            #expect(try Self.recoveredIds(directory).isEmpty)
            #expect(SpoolRecovery.counter(at: SpoolJournal.counterPath(of: journal.path)).skip == 0)
            journal.closeFiles()
        }
    }
}
