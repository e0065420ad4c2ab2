import JSON
import JSONSchema
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the web view reads from memory: table pages newest first, one record by its seq, the receipt rate and
/// the senders seen. Memory holds records in seq order, so every lookup starts with a binary search, and the lock
/// is held for a bounded number of records at a time: intake never waits long for a page.
extension RecordStore {
    /// Records one lock visits at most; a query that must look further takes the lock again.
    static let webChunk = 20_000

    /// Position in memory of the first record whose seq is `seq` or more (memory's count when none is).
    private static func position(ofSeq seq: Int, in memory: borrowing RecordRing<Entry>) -> Int {
        var low = 0
        var high = memory.count
        while low < high {
            let middle = (low + high) / 2
            if memory[position: middle].seq < seq { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Records before seq `before`, newest first, for which `wanted` holds: at most `maxTaken` of them, looking at
    /// at most `webChunk` records; `resume` is the seq of the last record looked at (to go on before), nil once
    /// the oldest was looked at.
    func newestEntries(
        before: Int,
        maxTaken: Int,
        where wanted: (Entry) -> Bool
    ) -> (entries: [Entry], resume: Int?) {
        state.withLock { state in
            var position = Self.position(ofSeq: before, in: state.memory) - 1
            var taken: [Entry] = []
            var visited = 0
            while position >= 0, taken.count < maxTaken, visited < Self.webChunk {
                let entry = state.memory[position: position]
                if wanted(entry) { taken.append(entry) }
                visited += 1
                position -= 1
            }
            return (taken, position >= 0 ? state.memory[position: position + 1].seq : nil)
        }
    }

    /// One page of the table: records before seq `before` (all when nil), newest first, matching `filter` and,
    /// when given, holding `search` in their record line; `more` when older ones match too. The text search runs
    /// outside the lock.
    func webPage(
        matching filter: RecordFilter,
        before: Int?,
        limit: Int,
        search: TextSearch?
    ) -> (rows: [Entry], more: Bool) {
        var rows: [Entry] = []
        var cursor: Int? = before ?? .max
        while let current = cursor, rows.count <= limit {
            let wanted = search == nil ? limit + 1 - rows.count : 2048
            let (entries, resume) = newestEntries(before: current, maxTaken: wanted) { filter.matches($0) }
            for entry in entries where search?.isFound(in: entry.line) ?? true {
                rows.append(entry)
                if rows.count > limit { break }
            }
            cursor = resume
        }
        let more = rows.count > limit
        return (Array(rows.prefix(limit)), more)
    }

    /// The record with seq `seq`, while memory holds it.
    func entry(seq: Int) -> Entry? {
        state.withLock { state in
            let position = Self.position(ofSeq: seq, in: state.memory)
            guard position < state.memory.count else { return nil }
            let entry = state.memory[position: position]
            return entry.seq == seq ? entry : nil
        }
    }

    /// Records received in each second from `since` (RFC 3339, whole seconds) on, newest second first, as memory
    /// holds them: one binary search per second that had records.
    func receiptsPerSecond(since: String) -> [(second: String, count: Int)] {
        state.withLock { state in
            var result: [(second: String, count: Int)] = []
            var end = state.memory.count
            while end > 0, result.count < 3600 {
                let second = state.memory[position: end - 1].receivedAt.prefix(19)
                guard second >= since.prefix(19) else { break }
                var low = 0
                var high = end - 1
                while low < high {
                    let middle = (low + high) / 2
                    if state.memory[position: middle].receivedAt.prefix(19) < second {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                result.append((String(second), end - low))
                end = low
            }
            return result
        }
    }

    /// What the live stream compares between ticks, read under one short lock.
    struct WebTick: Sendable, Equatable {
        var lastSeq: Int
        var inMemory: Int
        var oldestSeq: Int?
        var events: Int
        var valid: Int
        var lifetimeInvalid: Int
    }

    var webTick: WebTick {
        state.withLock { state in
            WebTick(
                lastSeq: state.lastSeq,
                inMemory: state.memory.count,
                oldestSeq: state.memory.isEmpty ? nil : state.memory[position: 0].seq,
                events: state.counts.events,
                valid: state.counts.valid,
                lifetimeInvalid: state.summary.invalid
            )
        }
    }

    /// The senders of the records after seq `after`: each record's source, seq and whether it is a measurement;
    /// at most `webChunk` records, the newest `seq` looked at last.
    func sources(after: Int) -> [(source: String, seq: Int, measurement: Bool)] {
        state.withLock { state in
            var position = Self.position(ofSeq: after + 1, in: state.memory)
            var found: [(source: String, seq: Int, measurement: Bool)] = []
            let end = min(state.memory.count, position + Self.webChunk)
            while position < end {
                let entry = state.memory[position: position]
                if let source = entry.sourceName {
                    let measurement = entry.kind == .event && MeasurementValues.domains.contains(entry.domain ?? "")
                    found.append((source, entry.seq, measurement))
                } else {
                    found.append(("", entry.seq, false))
                }
                position += 1
            }
            return found
        }
    }

    /// The JUnit report of the records memory holds now, as the listener would write it at shutdown.
    func junitOfMemory(suiteName: String = "ves-listener") -> String {
        let (cases, lifetime) = state.withLock { state in
            (state.memory.elements.filter { $0.kind == .event || $0.kind == .rejected }, state.summary)
        }
        return JUnitReport(suiteName: suiteName, cases: cases, lifetime: lifetime).xml
    }
}

/// A text to find in record lines, ignoring ASCII case.
struct TextSearch: Sendable {
    let needle: [UInt8]

    /// Nil for an empty text.
    init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        needle = text.utf8.map(Self.lowered)
    }

    static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Whether the text occurs in `haystack`: the C library's `memchr` (vectorised) finds each place the first
    /// byte occurs, in either case, and only those are compared, so a search over 100,000 records stays short.
    func isFound(in haystack: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        let variants = first >= 0x61 && first <= 0x7A ? [first, first & 0xDF] : [first]
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                guard let base = hay.baseAddress else { return false }
                let last = hay.count - pin.count
                for variant in variants {
                    var start = 0
                    while start <= last,
                        let found = memchr(base + start, Int32(variant), last - start + 1)
                    {
                        let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                        var offset = 1
                        while offset < pin.count, Self.lowered(hay[index + offset]) == pin[offset] { offset += 1 }
                        if offset == pin.count { return true }
                        start = index + 1
                    }
                }
                return false
            }
        }
    }
}
