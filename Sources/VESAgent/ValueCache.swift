public import Collectd

/// The latest and the previous value of every series the agent received, with the reference plugin's
/// semantics, but O(1) per update where the plugin scanned a list.
///
/// Plugins and the series within a plugin keep the order they were first seen in (the plugin's dict and list
/// order), because events list measurements in that order. A series is keyed by host as well, so two hosts
/// reporting the same VM name stay apart (the plugin merged them). The `updated` flag is the plugin's: set by a
/// new value, cleared when a read marks the series as read.
public struct ValueCache: Sendable {
    /// One series: the plugin's cache record.
    public struct Series: Sendable {
        public var host: String
        public var pluginInstance: String
        public var type: String
        public var typeInstance: String
        public var values: [Value]
        public var previousValues: [Value]
        public var time: Double
        public var previousTime: Double
        public var updated: Bool
        /// The tick count when the series last received a value, for expiry.
        var lastUpdateTick: Int
    }

    struct SeriesKey: Hashable {
        var host: String
        var pluginInstance: String
        var type: String
        var typeInstance: String
    }

    /// The series of one plugin, in first-seen order.
    public struct PluginSeries: Sendable {
        public let name: String
        /// The interval of the series most recently added (the plugin's per-plugin `interval`).
        public var interval: Double
        var series: [Series] = []
        var index: [SeriesKey: Int] = [:]
        /// Positions of the series of each plugin instance, in order (virt looks VMs up this way).
        var byInstance: [String: [Int]] = [:]

        init(name: String, interval: Double) {
            self.name = name
            self.interval = interval
        }
    }

    /// The plugins the reference plugin creates up front, in its order.
    static let seededPlugins = ["cpu", "cpu-aggregation", "virt", "disk", "interface", "memory"]

    private(set) var plugins: [PluginSeries]
    private var pluginIndex: [String: Int]
    /// Number of ticks so far (series remember the tick of their last update).
    private(set) var tickCount = 0
    /// A series not updated for this many ticks is dropped; 0 keeps series forever.
    public var expireAfterTicks: Int
    /// Number of series in the cache.
    public private(set) var seriesCount = 0
    /// Number of series dropped by expiry so far.
    public private(set) var expiredCount = 0

    public init(expireAfterTicks: Int = 10) {
        self.expireAfterTicks = expireAfterTicks
        plugins = Self.seededPlugins.map { PluginSeries(name: $0, interval: 0) }
        pluginIndex = Dictionary(uniqueKeysWithValues: Self.seededPlugins.enumerated().map { ($1, $0) })
    }

    /// Stores a value list: the plugin's `update_cache_value`.
    public mutating func update(_ list: ValueList) {
        let pluginPosition: Int
        if let position = pluginIndex[list.plugin] {
            pluginPosition = position
        } else {
            pluginPosition = plugins.count
            pluginIndex[list.plugin] = pluginPosition
            plugins.append(PluginSeries(name: list.plugin, interval: 0))
        }
        let time = list.time.seconds
        let key = SeriesKey(
            host: list.host,
            pluginInstance: list.pluginInstance,
            type: list.type,
            typeInstance: list.typeInstance
        )
        if let position = plugins[pluginPosition].index[key] {
            plugins[pluginPosition].series[position].record(list.values, time: time, tick: tickCount)
        } else {
            let series = Series(
                host: list.host,
                pluginInstance: list.pluginInstance,
                type: list.type,
                typeInstance: list.typeInstance,
                values: list.values,
                previousValues: list.values,
                time: time,
                previousTime: time,
                updated: true,
                lastUpdateTick: tickCount
            )
            plugins[pluginPosition].append(series, key: key)
            plugins[pluginPosition].interval = list.interval.seconds
            seriesCount += 1
        }
    }

    /// The plugin's series store, or nil when nothing of that plugin arrived.
    func plugin(_ name: String) -> PluginSeries? {
        pluginIndex[name].map { plugins[$0] }
    }

    /// The plugin's `cache_get_value`: positions of the series of `plugin` that match every given criterion, in
    /// order; with `markAsRead` their `updated` flag is cleared.
    mutating func select(
        plugin name: String,
        host: String? = nil,
        pluginInstance: String? = nil,
        type: String? = nil,
        typeInstance: String? = nil,
        markAsRead: Bool = true
    ) -> [Series] {
        guard let position = pluginIndex[name] else { return [] }
        var result: [Series] = []
        func visit(_ index: Int) {
            let series = plugins[position].series[index]
            if let host, series.host != host { return }
            if let pluginInstance, series.pluginInstance != pluginInstance { return }
            if let type, series.type != type { return }
            if let typeInstance, series.typeInstance != typeInstance { return }
            result.append(series)
            if markAsRead { plugins[position].series[index].updated = false }
        }
        if let pluginInstance {
            for index in plugins[position].byInstance[pluginInstance] ?? [] { visit(index) }
        } else {
            for index in plugins[position].series.indices { visit(index) }
        }
        return result
    }

    /// Every updated series of the plugins not excluded, in order, marked as read: what the plugin's
    /// `fill_additional_measurements` reads.
    mutating func takeUpdated(excluding excluded: Set<String>) -> [(plugin: String, series: Series)] {
        var result: [(plugin: String, series: Series)] = []
        for position in plugins.indices where !excluded.contains(plugins[position].name) {
            for index in plugins[position].series.indices where plugins[position].series[index].updated {
                plugins[position].series[index].updated = false
                result.append((plugins[position].name, plugins[position].series[index]))
            }
        }
        return result
    }

    /// Ends a tick: counts it and drops series that have not been updated for `expireAfterTicks` ticks.
    public mutating func finishTick() {
        tickCount += 1
        guard expireAfterTicks > 0 else { return }
        let oldest = tickCount - expireAfterTicks
        for position in plugins.indices {
            let before = plugins[position].series.count
            guard plugins[position].series.contains(where: { $0.lastUpdateTick < oldest }) else { continue }
            plugins[position].rebuild(keeping: { $0.lastUpdateTick >= oldest })
            let dropped = before - plugins[position].series.count
            expiredCount += dropped
            seriesCount -= dropped
        }
    }
}

extension ValueCache.Series {
    /// A new value: the current one becomes the previous one.
    mutating func record(_ newValues: [Value], time newTime: Double, tick: Int) {
        previousTime = time
        time = newTime
        previousValues = values
        values = newValues
        updated = true
        lastUpdateTick = tick
    }
}

extension ValueCache.PluginSeries {
    mutating func append(_ item: ValueCache.Series, key: ValueCache.SeriesKey) {
        let position = series.count
        series.append(item)
        index[key] = position
        byInstance[key.pluginInstance, default: []].append(position)
    }

    /// Keeps the series `keep` accepts, in order, and rebuilds the indexes.
    mutating func rebuild(keeping keep: (ValueCache.Series) -> Bool) {
        series = series.filter(keep)
        index = [:]
        byInstance = [:]
        for (position, item) in series.enumerated() {
            index[
                ValueCache.SeriesKey(
                    host: item.host,
                    pluginInstance: item.pluginInstance,
                    type: item.type,
                    typeInstance: item.typeInstance
                )
            ] = position
            byInstance[item.pluginInstance, default: []].append(position)
        }
    }
}
