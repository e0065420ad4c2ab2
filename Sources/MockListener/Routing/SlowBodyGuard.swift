import NIOCore
import Synchronization

/// Closes the connections whose request bodies arrive too slowly. The idle timer alone restarts with every byte, so
/// a client sending a byte every few seconds would hold its connection (and a task) for ever; once `grace` has
/// passed since a body's first read it must have come at ``minimumRate`` bytes a second on average.
///
/// One sweep a second checks every body being read, so a request costs a lock and a table entry, not a timer or a
/// task of its own (which cost more than the rest of the HTTP handling of a small event).
final class SlowBodyGuard: Sendable {
    /// The slowest a request body may arrive, in bytes a second on average, once the grace has passed: the rate
    /// below which a body is closed, as servers that defend against slow bodies do.
    static let minimumRate = 64.0
    /// How often the bodies being read are checked.
    static let sweepInterval: Duration = .milliseconds(500)

    /// One body being read.
    final class Reading: Sendable {
        let channel: any Channel
        let start: ContinuousClock.Instant
        let bytes = Atomic<Int>(0)
        /// Set by the sweep before it closes the connection, so the reader knows why its body ended.
        let timedOut = Atomic<Bool>(false)

        init(channel: any Channel, start: ContinuousClock.Instant) {
            self.channel = channel
            self.start = start
        }

        /// Counts bytes that arrived.
        func arrived(_ count: Int) { bytes.add(count, ordering: .relaxed) }
    }

    private struct Table: ~Copyable {
        var nextID = 0
        var open: [Int: Reading] = [:]
    }

    let grace: Duration
    private let table = Mutex(Table())
    /// Called for each body cut off, before its connection is closed (so a client that sees the close also sees it
    /// counted).
    private let onTimeout: @Sendable () -> Void

    /// `graceSeconds` is the listener's idle timeout, 1 s to a day.
    init(graceSeconds: Int, onTimeout: @escaping @Sendable () -> Void = {}) {
        grace = .seconds(min(max(graceSeconds, 1), 86_400))
        self.onTimeout = onTimeout
    }

    /// Starts watching a body read on `channel`; `end(_:)` stops it.
    func begin(channel: any Channel) -> (id: Int, reading: Reading) {
        let reading = Reading(channel: channel, start: .now)
        let id = table.withLock { table in
            table.nextID &+= 1
            table.open[table.nextID] = reading
            return table.nextID
        }
        return (id, reading)
    }

    /// Stops watching; true when the sweep closed the connection because the body was too slow.
    func end(_ id: Int, _ reading: Reading) -> Bool {
        _ = table.withLock { $0.open.removeValue(forKey: id) }
        return reading.timedOut.load(ordering: .relaxed)
    }

    /// Closes the connections of the bodies that fell below the rate once their grace passed.
    func sweep(now: ContinuousClock.Instant = .now) {
        let slow = table.withLock { table in
            table.open.filter { _, reading in
                let elapsed = now - reading.start
                guard elapsed > grace else { return false }
                let late = (elapsed - grace) / .seconds(1)
                return Double(reading.bytes.load(ordering: .relaxed)) < Self.minimumRate * late
            }
        }
        for (id, reading) in slow {
            reading.timedOut.store(true, ordering: .relaxed)
            _ = table.withLock { $0.open.removeValue(forKey: id) }
            onTimeout()
            reading.channel.close(promise: nil)
        }
    }

    /// Sweeps until cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.sweepInterval)
            } catch {
                return
            }
            sweep()
        }
    }
}
