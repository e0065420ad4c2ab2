import Synchronization

/// Warnings about input the agent refuses (new series past MaxSeries, values too old, trace times out of the
/// window, listener commands) go out at most once per period per kind, with how many there were since the last
/// line: a sender that floods bad input must not flood the log as well.
final class RateLimitedWarnings: Sendable {
    enum Kind: Hashable, Sendable {
        case seriesRefused, valueTooOld, traceTimeRefused, ticksSkipped, intervalChangeRefused, commandsIgnored
    }

    private struct Entry {
        var last: ContinuousClock.Instant
        /// Occurrences since the last line.
        var pending: Int
    }

    private let entries = Mutex<[Kind: Entry]>([:])
    let period: Duration

    init(period: Duration = .seconds(60)) {
        self.period = period
    }

    /// Adds `count` occurrences of `kind`; returns how many to report when a line is due now (the first
    /// occurrence is reported at once), nil when the line must wait.
    func due(_ kind: Kind, adding count: Int, now: ContinuousClock.Instant = .now) -> Int? {
        guard count > 0 else { return nil }
        return entries.withLock { entries -> Int? in
            guard var entry = entries[kind] else {
                entries[kind] = Entry(last: now, pending: 0)
                return count
            }
            entry.pending += count
            guard now - entry.last >= period else {
                entries[kind] = entry
                return nil
            }
            let total = entry.pending
            entries[kind] = Entry(last: now, pending: 0)
            return total
        }
    }
}
