import Collectd
import Testing

@testable import VESAgent

/// The value cache is bounded: MaxSeries, names dropped when their series expire, no value older than the last
/// (review findings H3 and L10).
@Suite("Value cache limits")
struct ValueCacheLimitTests {
    static func list(
        host: String = "h",
        plugin: String = "load",
        _ pluginInstance: String = "",
        type: String = "load",
        at seconds: Double = 100,
        _ value: Double = 1
    ) -> ValueList {
        ValueList(
            host: host,
            plugin: plugin,
            pluginInstance: pluginInstance,
            type: type,
            typeInstance: "",
            time: CollectdTime(seconds: seconds),
            interval: CollectdTime(seconds: 10),
            values: [.gauge(value)]
        )
    }

    @Test("new series past MaxSeries are refused without growing the names or plugins")
    func newSeriesPastMaxSeriesAreRefused() {
        var cache = ValueCache(expireAfterTicks: 0, maxSeries: 3)
        for index in 0..<3 { #expect(cache.update(Self.list(host: "real\(index)")) == .added) }
        let names = cache.names.count
        let plugins = cache.plugins.count
        for index in 0..<1000 {
            let outcome = cache.update(Self.list(host: "fake\(index)", plugin: "plugin\(index)", "vm\(index)"))
            #expect(outcome == .refusedNewSeries)
        }
        #expect(cache.seriesCount == 3)
        #expect(cache.names.count == names, "a refused series interns no name")
        #expect(cache.plugins.count == plugins, "a refused series adds no plugin")
        #expect(cache.update(Self.list(host: "real1", at: 110, 7)) == .updated, "series held keep taking values")
        let held = cache.select(plugin: "load", host: cache.id(of: "real1"))
        #expect(held.first?.current.values.firstValue == .gauge(7))
    }

    @Test("a value older than the series' last one is refused")
    func olderValueIsRefused() {
        var cache = ValueCache()
        #expect(cache.update(Self.list(at: 100, 1)) == .added)
        #expect(cache.update(Self.list(at: 90, 2)) == .tooOld)
        #expect(cache.update(Self.list(at: 100, 3)) == .updated, "the same time is not older")
        #expect(cache.update(Self.list(at: 110, 4)) == .updated)
        let series = cache.select(plugin: "load")
        #expect(series.first?.current.values.firstValue == .gauge(4))
        #expect(series.first?.previous.values.firstValue == .gauge(3))
        #expect(series.first?.previous.time == 100)
    }

    @Test("expiry drops the names and plugins no live series uses")
    func expiryCompactsTheNameTable() {
        var cache = ValueCache(expireAfterTicks: 2)
        cache.update(Self.list(host: "real", plugin: "memory", type: "memory", at: 1, 5))
        let baseline = cache.names.count
        for index in 0..<5000 {
            cache.update(Self.list(host: "fake\(index)", plugin: "flood\(index % 50)", "vm\(index)", at: 1))
        }
        #expect(cache.names.count == baseline + 10_001, "5000 hosts, 5000 VMs and the type load")
        #expect(cache.plugins.count == ValueCache.seededPlugins.count + 50)
        for tick in 1...3 {
            cache.update(
                Self.list(host: "real", plugin: "memory", type: "memory", at: 1 + Double(tick), 5 + Double(tick))
            )
            cache.finishTick()
        }
        #expect(cache.seriesCount == 1)
        #expect(cache.expiredCount == 5000)
        #expect(cache.names.count == baseline, "only the live series' names are left")
        #expect(cache.plugins.map(\.name) == ValueCache.seededPlugins, "plugins without series are dropped")
        // the live series is intact and found by its names
        let live = cache.select(plugin: "memory", host: cache.id(of: "real"), type: "memory")
        #expect(live.count == 1)
        #expect(live.first?.current.values.firstValue == .gauge(8))
        #expect(live.first?.previous.values.firstValue == .gauge(7))
        #expect(cache.update(Self.list(host: "fake1", plugin: "flood1", "vm1", at: 10)) == .added)
        #expect(cache.plugins.last?.name == "flood1")
    }
}
