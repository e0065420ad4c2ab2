import CoreMetrics
import MetricsExport
import Synchronization

/// The listener's `/metrics`, in the Prometheus text format.
///
/// Cheap on the request path, which takes 50,000 events a second: what the listener already counts (records by
/// version, domain and verdict, the record file's size, the waits, the queues of the test-control API) is read at
/// scrape time; a request adds one counter increment (its counter looked up by route and status, made once) and
/// one histogram observation. Each listener has a registry of its own (see ``MetricsRegistry``).
final class ListenerMetrics: Sendable {
    /// The `route` label: a fixed set, whatever path a client asks for.
    enum Route: String, CaseIterable, Sendable {
        case event, batch, throttlingState, testControl, health, metrics, openAPI, ui, notFound
    }

    private struct RequestKey: Hashable {
        var route: Route
        var status: Int
    }

    static let eventsTotal = "ves_listener_events_total"
    static let requestsTotal = "ves_listener_requests_total"
    static let requestDuration = "ves_listener_request_duration_seconds"
    static let recordFileBytes = "ves_listener_record_file_bytes"
    static let waiters = "ves_listener_waiters"
    static let queuedCommandLists = "ves_listener_queued_command_lists"
    static let queuedFaults = "ves_listener_queued_faults"

    static let help: [String: String] = [
        eventsTotal: "Events received (each batch item apart) and requests rejected before their events could be "
            + "read, by API version, domain and verdict (valid, invalid, rejected).",
        requestsTotal: "HTTP requests answered, by route and status code.",
        requestDuration: "Time from a request's head to its answer, by route.",
        recordFileBytes: "Size of the --record file (0 without one).",
        waiters: "Open /testControl/v1/wait long polls.",
        queuedCommandLists: "commandLists queued for the next 202 answers.",
        queuedFaults: "Injected fault answers still to give.",
    ]

    /// Upper bounds of the latency buckets: from half a millisecond for a single event to the long polls.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private let registry = MetricsRegistry(help: help, durationBuckets: [requestDuration: durationBuckets])
    private let store: RecordStore
    private let control: ControlState
    private let timers: [Route: CoreMetrics.Timer]
    private let requestCounters = Mutex<[RequestKey: CoreMetrics.Counter]>([:])

    init(store: RecordStore, control: ControlState) {
        self.store = store
        self.control = control
        var timers: [Route: CoreMetrics.Timer] = [:]
        for route in Route.allCases {
            timers[route] = registry.timer(Self.requestDuration, [("route", route.rawValue)])
        }
        self.timers = timers
    }

    /// Counts one answered request and how long it took.
    func requestFinished(_ route: Route, status: Int, after duration: Duration) {
        let key = RequestKey(route: route, status: status)
        let counter = requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.counter(
                Self.requestsTotal,
                [("route", route.rawValue), ("status", String(status))]
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
        let (seconds, attoseconds) = duration.components
        timers[route]?.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The scrape: the counts read now, then every metric as Prometheus text.
    func exposition() -> [UInt8] {
        let readings = store.metricsReadings
        readings.tally.forEachCounted { version, domain, verdict, count in
            registry.publish(
                total: count,
                to: Self.eventsTotal,
                [("version", version), ("domain", domain), ("verdict", verdict.label)]
            )
        }
        registry.gauge(Self.recordFileBytes).record(readings.recordFileBytes)
        registry.gauge(Self.waiters).record(readings.waiters)
        registry.gauge(Self.queuedCommandLists).record(control.queuedCommandListCount)
        registry.gauge(Self.queuedFaults).record(control.pendingFaultCount)
        return registry.render()
    }

    /// The `route` label of a request.
    static func route(of match: RouteMatch) -> Route {
        switch match {
        case .event(let route):
            switch route.kind {
            case .event: .event
            case .batch: .batch
            case .throttlingState: .throttlingState
            }
        case .testControl(let endpoint):
            endpoint == "ui" || endpoint.hasPrefix("ui/") ? .ui : .testControl
        case .health: .health
        case .page: .ui
        case .metrics: .metrics
        case .openAPIDocument: .openAPI
        case .notFound: .notFound
        }
    }
}
