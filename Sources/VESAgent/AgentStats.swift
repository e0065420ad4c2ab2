import Synchronization

/// The agent's self-metrics: what it received, built, sent, retried and dropped.
public struct AgentCounters: Sendable, Equatable {
    public var datagrams = 0
    public var badDatagrams = 0
    public var valueLists = 0
    public var notifications = 0
    public var ticks = 0
    public var eventsBuilt = 0
    /// Events the listener accepted.
    public var eventsSent = 0
    /// Failed attempts that will be retried after a backoff (every answer but 2xx, body too large and invalid).
    public var retries = 0
    /// Events the listener refused for good (too large alone, or invalid): dropped, kept in the rejected file.
    public var eventsRejected = 0
    /// Events dropped because the queue was full.
    public var eventsDropped = 0
    /// Events written to the spool at shutdown.
    public var eventsSpooled = 0
    /// Events read back from the spool at start-up.
    public var eventsUnspooled = 0
    public var queueDepth = 0
    public var series = 0
    public var seriesExpired = 0
    /// VM events skipped because some virt value was not up to date.
    public var staleVMs = 0
    /// Values of a new series refused because MaxSeries series were held.
    public var seriesRefused = 0
    /// Values refused because their time was older than the series' last value (collectd's "value too old").
    public var valuesTooOld = 0
    /// Records refused under `Clock trace` because their time was more than TraceClockWindow from the clock.
    public var traceTimesRefused = 0
    /// Trace-clock ticks skipped because one record made more due than a record may run.
    public var ticksSkipped = 0
    /// measurementIntervalChange commands refused: not a number of seconds from 1 to 86400.
    public var intervalChangesRefused = 0
    /// Listener commands ignored: entries past the first 100 of an answer, domains past 100 throttled ones.
    public var commandsIgnored = 0

    public init() {}

    /// One line for the log and `--print-stats`.
    public var summary: String {
        "received \(datagrams) datagrams (\(badDatagrams) bad), \(valueLists) value lists, \(notifications) notifications; "
            + "\(series) series (\(seriesExpired) expired); \(ticks) ticks, \(eventsBuilt) events built, "
            + "\(eventsSent) sent, \(retries) retries, \(eventsRejected) rejected, \(eventsDropped) dropped, "
            + "queue \(queueDepth)" + (eventsSpooled > 0 ? ", \(eventsSpooled) spooled" : "") + refusedSummary
    }

    /// What hostile or broken input was refused, only the counts above zero: `; refused: 3 new series, ...`.
    var refusedSummary: String {
        let parts = [
            (seriesRefused, "new series"), (valuesTooOld, "values too old"), (traceTimesRefused, "trace times"),
            (ticksSkipped, "ticks skipped"), (intervalChangesRefused, "interval changes"),
            (commandsIgnored, "commands"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? "" : "; refused: " + parts.joined(separator: ", ")
    }
}

/// Counters shared by the receiving, ticking and sending parts; tests and tools can await a condition on them.
public final class AgentStats: Sendable {
    private struct Waiter {
        let predicate: @Sendable (AgentCounters) -> Bool
        let continuation: CheckedContinuation<AgentCounters, Never>
    }

    private struct State {
        var counters = AgentCounters()
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())
    /// The Prometheus view of these counters and of what only it shows (MetricsListen).
    public let metrics = AgentMetrics()

    public init() {}

    public var snapshot: AgentCounters { state.withLock { $0.counters } }

    /// Returns the counters as soon as `predicate` holds for them.
    public func wait(until predicate: @escaping @Sendable (AgentCounters) -> Bool) async -> AgentCounters {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> AgentCounters? in
                if predicate(state.counters) { return state.counters }
                state.waiters.append(Waiter(predicate: predicate, continuation: continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func update(_ body: (inout AgentCounters) -> Void) {
        let (ready, counters) = state.withLock { state -> ([Waiter], AgentCounters) in
            body(&state.counters)
            guard !state.waiters.isEmpty else { return ([], state.counters) }
            var ready: [Waiter] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(state.counters) else { return false }
                ready.append(waiter)
                return true
            }
            return (ready, state.counters)
        }
        for waiter in ready { waiter.continuation.resume(returning: counters) }
    }
}
