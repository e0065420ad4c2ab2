public import CoreMetrics
import Prometheus
import Synchronization

/// One program instance's metrics, served as Prometheus text: swift-metrics types made by a
/// `PrometheusMetricsFactory` over a `PrometheusCollectorRegistry` of this instance's own.
///
/// Not `MetricsSystem.bootstrap`: that sets one factory for the whole process, once, and the tests run many
/// listeners and agents in one process, each of which must show only its own counts. So every listener and agent
/// makes its registry and passes the factory explicitly (`factory:`) to each metric it makes.
///
/// Metric objects are cached by name and labels, so a request or a scrape looks one up instead of registering it.
/// Counts that a program already keeps (its records, its queues) are not counted twice: ``publish(total:to:_:)``
/// raises a counter to such a total at scrape time.
public final class MetricsRegistry: Sendable {
    /// The media type of ``render()``: the Prometheus text exposition format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]

        init(_ name: String, _ labels: [(String, String)]) {
            self.name = name
            self.labels = labels.flatMap { [$0.0, $0.1] }
        }
    }

    private struct Cache {
        var counters: [SeriesKey: CoreMetrics.Counter] = [:]
        var gauges: [SeriesKey: CoreMetrics.Gauge] = [:]
        var timers: [SeriesKey: CoreMetrics.Timer] = [:]
        /// What ``publish(total:to:_:)`` last raised each counter to.
        var published: [SeriesKey: Int] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let help: [String: String]
    private let cache = Mutex(Cache())

    /// - Parameters:
    ///   - help: each metric's `# HELP` text, by name. swift-metrics has no help text, so the registry has none
    ///     either; ``render()`` adds these lines.
    ///   - durationBuckets: the upper bounds of each timer's histogram buckets, by name (in seconds when shown).
    public init(help: [String: String], durationBuckets: [String: [Duration]]) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = durationBuckets
        self.factory = factory
        self.help = help
    }

    /// The counter `name{labels}`, made on first use.
    public func counter(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Counter {
        cached(\.counters, name, labels) { CoreMetrics.Counter(label: name, dimensions: labels, factory: factory) }
    }

    /// The gauge `name{labels}`, made on first use.
    public func gauge(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Gauge {
        cached(\.gauges, name, labels) { CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory) }
    }

    /// The timer `name{labels}` (a histogram in seconds, with the buckets given at init), made on first use.
    public func timer(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Timer {
        cached(\.timers, name, labels) { CoreMetrics.Timer(label: name, dimensions: labels, factory: factory) }
    }

    /// The metric under `name{labels}` in one of the cache's tables, made by `make` on first use.
    private func cached<Metric: Sendable>(
        _ table: WritableKeyPath<Cache, [SeriesKey: Metric]>,
        _ name: String,
        _ labels: [(String, String)],
        make: () -> Metric
    ) -> Metric {
        let key = SeriesKey(name, labels)
        return cache.withLock { cache in
            if let metric = cache[keyPath: table][key] { return metric }
            let metric = make()
            cache[keyPath: table][key] = metric
            return metric
        }
    }

    /// Raises the counter `name{labels}` to `total`, a lifetime count kept elsewhere; a lower total (never
    /// expected) leaves it where it is, as a counter only goes up.
    public func publish(total: Int, to name: String, _ labels: [(String, String)] = []) {
        let key = SeriesKey(name, labels)
        let counter = counter(name, labels)
        cache.withLock { cache in
            let step = total - cache.published[key, default: 0]
            guard step > 0 else { return }
            counter.increment(by: step)
            cache.published[key] = total
        }
    }

    /// Every metric in the Prometheus text format, metric by metric in name order, each under its `# HELP` line.
    public func render() -> [UInt8] {
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        var families: [(name: Substring, lines: [Substring])] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
                families.append((name, [line]))
            } else if !families.isEmpty {
                families[families.count - 1].lines.append(line)
            }
        }
        var output: [UInt8] = []
        for family in families.sorted(by: { $0.name < $1.name }) {
            if let help = help[String(family.name)] {
                output += "# HELP \(family.name) \(help)\n".utf8
            }
            for line in family.lines {
                output += line.utf8
                output.append(UInt8(ascii: "\n"))
            }
        }
        return output
    }
}
