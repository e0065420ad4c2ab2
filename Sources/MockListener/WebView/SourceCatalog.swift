import JSON
import Synchronization

/// The senders memory holds records of, and the measurement values read from their events, for the page's lists
/// and charts. Kept up by reading only the records that arrived since the last look, and values are read from
/// an event once, so a page asking every second costs little however many records memory holds.
final class SourceCatalog: Sendable {
    /// Distinct senders listed at most; more are left out, so made-up names cannot grow the catalog.
    static let maxSources = 1000
    /// Events whose values are kept at most; past it the cache starts again.
    static let maxCachedPoints = 50_000

    /// One measurement event's values, as a chart point.
    struct Point: Sendable {
        var seq: Int
        /// The event's own time, milliseconds since the epoch.
        var time: Double?
        var receivedAt: String
        var values: [(name: String, value: Double)]
    }

    private struct Seen: Sendable {
        var scanned = 0
        /// Each sender's newest seq, and that of its newest measurement.
        var sources: [String: Int] = [:]
        var measured: [String: Int] = [:]
    }

    private let store: RecordStore
    private let seen = Mutex(Seen())
    private let points = Mutex([Int: Point]())

    init(store: RecordStore) {
        self.store = store
    }

    /// The senders memory holds records of, and those of them that sent measurements, sorted.
    func sources() -> (all: [String], measured: [String]) {
        var scanned = seen.withLock { $0.scanned }
        var found: [(source: String, seq: Int, measurement: Bool)] = []
        while true {
            let chunk = store.sources(after: scanned)
            found += chunk
            guard let last = chunk.last else { break }
            scanned = last.seq
        }
        let oldest = store.webTick.oldestSeq ?? .max
        return seen.withLock { seen in
            for item in found where !item.source.isEmpty {
                if seen.sources[item.source] != nil || seen.sources.count < Self.maxSources {
                    seen.sources[item.source] = max(seen.sources[item.source] ?? 0, item.seq)
                    if item.measurement { seen.measured[item.source] = max(seen.measured[item.source] ?? 0, item.seq) }
                }
            }
            seen.scanned = max(seen.scanned, scanned)
            // senders whose records memory no longer holds (forgotten or deleted)
            seen.sources = seen.sources.filter { $0.value >= oldest }
            seen.measured = seen.measured.filter { $0.value >= oldest }
            return (seen.sources.keys.sorted(), seen.measured.keys.sorted())
        }
    }

    /// The newest `limit` measurement events of `source` memory holds, oldest first, with their values.
    func series(source: String, limit: Int) -> [Point] {
        var entries: [RecordStore.Entry] = []
        var cursor: Int? = .max
        while let before = cursor, entries.count < limit {
            let (found, resume) = store.newestEntries(before: before, maxTaken: limit - entries.count) { entry in
                entry.kind == .event && entry.sourceName == source
                    && MeasurementValues.domains.contains(entry.domain ?? "")
            }
            entries += found
            cursor = resume
        }
        let cached = points.withLock { points in entries.map { points[$0.seq] } }
        var read: [Point] = []
        var result: [Point] = []
        for (entry, known) in zip(entries, cached).reversed() {
            if let known {
                result.append(known)
                continue
            }
            let event = (try? JSONParser(maxDepth: ListenerResponder.maxDepth).parse(entry.line))?["event"]
            let point = Point(
                seq: entry.seq,
                time: event.flatMap(MeasurementValues.time(of:)),
                receivedAt: entry.receivedAt,
                values: event.map(MeasurementValues.of) ?? []
            )
            read.append(point)
            result.append(point)
        }
        if !read.isEmpty {
            points.withLock { points in
                if points.count + read.count > Self.maxCachedPoints { points.removeAll(keepingCapacity: true) }
                for point in read { points[point.seq] = point }
            }
        }
        return result
    }
}
