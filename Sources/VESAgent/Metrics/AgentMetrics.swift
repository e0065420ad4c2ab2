import CoreMetrics
import MetricsExport
import Platform

/// The agent's metrics for `MetricsListen`, in the Prometheus text format.
///
/// What ``AgentCounters`` already counts is read at scrape time; only what they do not hold is recorded as it
/// happens: events built by domain (once per batch of events queued), POSTs by answer, and each tick's duration.
/// Each agent has a registry of its own (see ``MetricsRegistry``), held by its ``AgentStats``.
public final class AgentMetrics: Sendable {
    static let help: [String: String] = [
        "ves_agent_datagrams_received_total": "collectd datagrams received.",
        "ves_agent_datagrams_bad_total": "Datagrams that could not be read (their value lists are lost).",
        "ves_agent_value_lists_received_total": "collectd value lists received.",
        "ves_agent_values_refused_total": "Value lists refused, by reason: max_series (a new series past MaxSeries), "
            + "too_old (older than the series' last value), trace_time (too far from the trace clock).",
        "ves_agent_series_cached": "Series held in the value cache.",
        "ves_agent_events_built_total": "Events built and queued, by domain.",
        "ves_agent_events_sent_total": "Events the listener accepted.",
        "ves_agent_events_rejected_total": "Events the listener refused for good (kept in the rejected file).",
        "ves_agent_events_dropped_total": "Events dropped: the queue was full, or unsent at shutdown without a spool.",
        "ves_agent_sends_total": "POSTs to the listener, by answer: the HTTP status, or error when none came.",
        "ves_agent_retries_total": "Backoffs before sending again.",
        "ves_agent_queue_events": "Events waiting to be sent.",
        "ves_agent_spool_bytes": "Size of the spool journal (0 without SpoolDirectory).",
        "ves_agent_tick_duration_seconds": "Time a tick takes to build its events from the value cache.",
    ]

    /// Upper bounds of the tick buckets: a few series take well under a millisecond, a million a few seconds.
    static let tickBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// The `domain` label: the VES domains the agent builds (a mapping file may pick any of them); `other` else.
    static let domains: Set<String> = [
        "fault", "heartbeat", "measurement", "measurementsForVfScaling", "mobileFlow", "notification", "other",
        "perf3gpp", "pnfRegistration", "sipSignaling", "stateChange", "stndDefined", "syslog",
        "thresholdCrossingAlert", "voiceQuality",
    ]

    private let registry = MetricsRegistry(
        help: help,
        durationBuckets: ["ves_agent_tick_duration_seconds": tickBuckets]
    )
    private let tickTimer: CoreMetrics.Timer

    public init() {
        tickTimer = registry.timer("ves_agent_tick_duration_seconds")
    }

    /// Counts events just queued by their domain.
    func built(_ events: [BuiltEvent]) {
        var byDomain: [String: Int] = [:]
        for event in events { byDomain[Self.domains.contains(event.domain) ? event.domain : "other", default: 0] += 1 }
        for (domain, count) in byDomain {
            registry.counter("ves_agent_events_built_total", [("domain", domain)]).increment(by: count)
        }
    }

    /// Counts a POST by the listener's status, or nil when no answer came.
    func sent(status: Int?) {
        let label = status.map { (100...599).contains($0) ? String($0) : "other" } ?? "error"
        registry.counter("ves_agent_sends_total", [("status", label)]).increment()
    }

    func tickTook(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        tickTimer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The scrape: the counters and the queue read now, then every metric as Prometheus text.
    func exposition(counters: AgentCounters, queueDepth: Int, spoolPath: String?) -> [UInt8] {
        let totals = [
            ("ves_agent_datagrams_received_total", counters.datagrams),
            ("ves_agent_datagrams_bad_total", counters.badDatagrams),
            ("ves_agent_value_lists_received_total", counters.valueLists),
            ("ves_agent_events_sent_total", counters.eventsSent),
            ("ves_agent_events_rejected_total", counters.eventsRejected),
            ("ves_agent_events_dropped_total", counters.eventsDropped),
            ("ves_agent_retries_total", counters.retries),
        ]
        for (name, total) in totals { registry.publish(total: total, to: name) }
        let refused = [
            ("max_series", counters.seriesRefused), ("too_old", counters.valuesTooOld),
            ("trace_time", counters.traceTimesRefused),
        ]
        for (reason, total) in refused {
            registry.publish(total: total, to: "ves_agent_values_refused_total", [("reason", reason)])
        }
        registry.gauge("ves_agent_series_cached").record(counters.series)
        registry.gauge("ves_agent_queue_events").record(queueDepth)
        registry.gauge("ves_agent_spool_bytes").record(spoolPath.flatMap(FileStatus.size(atPath:)) ?? 0)
        return registry.render()
    }
}
