public import Collectd

/// The latest and the previous value of every series the agent received, with the reference plugin's
/// semantics, but O(1) per update where the plugin scanned a list, and compact: names are interned, up to two
/// values are kept inline and the index holds 4-byte positions, so a series takes about 100 bytes.
///
/// Plugins and the series within a plugin keep the order they were first seen in (the plugin's dict and list
/// order), because events list measurements in that order. A series is keyed by host as well, so two hosts
/// reporting the same VM name stay apart (the plugin merged them). The `updated` flag is the plugin's: set by a
/// new value, cleared when a read marks the series as read.
public struct ValueCache: Sendable {
    /// A series as a read sees it: interned names, the current and the previous sample, the updated flag.
    struct Series: Sendable {
        var key: SeriesKey
        var current: Sample
        var previous: Sample
        var updated: Bool
    }

    /// One value list's time and values.
    struct Sample: Sendable {
        var time: Double
        var values: PackedValues
    }

    struct SeriesKey: Hashable, Sendable {
        var host: UInt32
        var pluginInstance: UInt32
        var type: UInt32
        var typeInstance: UInt32

        /// A well-mixed hash of the four ids for the open-addressing index.
        var mixed: UInt64 {
            var hash = UInt64(host) &* 0x9E37_79B9_7F4A_7C15
            hash = (hash ^ UInt64(pluginInstance)) &* 0xBF58_476D_1CE4_E5B9
            hash = (hash ^ UInt64(type)) &* 0x94D0_49BB_1331_11EB
            hash = (hash ^ UInt64(typeInstance)) &* 0x9E37_79B9_7F4A_7C15
            return hash ^ (hash >> 29)
        }
    }

    /// A series as stored: 72 bytes. Up to two values sit inline; longer value lists live in the plugin's
    /// `overflow` pairs and the inline word holds the pair's number.
    struct StoredSeries: Sendable {
        var key: SeriesKey
        var time: Double
        var previousTime: Double
        var values: (UInt64, UInt64)
        var previousValues: (UInt64, UInt64)
        var layout: PackedValues.Layout
        var previousLayout: PackedValues.Layout
        /// The tick count (modulo 2^16) when the series last received a value, for expiry.
        var lastUpdateTick: UInt16
        /// The next series of the same plugin instance (-1: none), so a VM's series are found without a
        /// list per VM.
        var nextInInstance: Int32 = -1

        /// The plugin's `updated` flag, kept in a spare bit of the layout so a series stays 72 bytes.
        var updated: Bool {
            get { previousLayout.bits & 0x40 != 0 }
            set { previousLayout.bits = newValue ? previousLayout.bits | 0x40 : previousLayout.bits & ~0x40 }
        }

        /// Ticks since the last update, in a 16-bit clock that wraps.
        func ticksSinceUpdate(now: UInt32) -> Int {
            Int(UInt16(truncatingIfNeeded: now) &- lastUpdateTick)
        }
    }

    /// The series of one plugin, in first-seen order.
    struct PluginSeries: Sendable {
        let name: String
        /// The interval of the series most recently added (the plugin's per-plugin `interval`).
        var interval: Double
        var series = ChunkedArray<StoredSeries>()
        var index = SeriesIndex()
        /// The first and last series of each plugin instance; the rest are chained through `nextInInstance`
        /// (virt looks VMs up this way).
        var byInstance: [UInt32: (first: Int32, last: Int32)] = [:]
        /// Value lists of more than two values: two slots per such series (current and previous).
        var overflow: [[Value]] = []

        init(name: String, interval: Double) {
            self.name = name
            self.interval = interval
        }
    }

    /// The plugins the reference plugin creates up front, in its order.
    static let seededPlugins = ["cpu", "cpu-aggregation", "virt", "disk", "interface", "memory"]

    /// What became of a value list given to ``update(_:)``.
    public enum UpdateOutcome: Sendable, Equatable {
        /// A series already held took the value.
        case updated
        /// A new series was added.
        case added
        /// A new series was refused: `maxSeries` series are held (or the name table is full).
        case refusedNewSeries
        /// The value's time is older than the series' last value: refused, as collectd's cache refuses it.
        case tooOld
    }

    private(set) var plugins: [PluginSeries]
    private var pluginIndex: [String: Int]
    private(set) var names = NameTable()
    /// The last plugin looked up: consecutive value lists mostly come from one plugin.
    private var lastPlugin: (name: String, position: Int)? = nil
    /// Number of ticks so far (series remember the tick of their last update).
    private(set) var tickCount: UInt32 = 0
    /// A series not updated for this many ticks is dropped; 0 keeps series forever.
    public var expireAfterTicks: Int
    /// Most series held; values of further new series are refused, so names a sender keeps inventing cannot grow
    /// the cache without bound. At most `Int32.max` (positions are 4 bytes).
    public let maxSeries: Int
    /// Number of series in the cache.
    public private(set) var seriesCount = 0
    /// Number of series dropped by expiry so far.
    public private(set) var expiredCount = 0

    public init(expireAfterTicks: Int = 10, maxSeries: Int = 1_000_000) {
        self.expireAfterTicks = expireAfterTicks
        self.maxSeries = min(max(maxSeries, 0), Int(Int32.max))
        plugins = Self.seededPlugins.map { PluginSeries(name: $0, interval: 0) }
        pluginIndex = Dictionary(uniqueKeysWithValues: Self.seededPlugins.enumerated().map { ($1, $0) })
    }

    /// Stores a value list: the plugin's `update_cache_value`. A value older than the series' last one is refused
    /// (collectd's "value too old"), as is a new series while `maxSeries` are held; a refused value interns no
    /// name and adds no plugin, so refusing costs no memory.
    @discardableResult
    public mutating func update(_ list: ValueList) -> UpdateOutcome {
        let time = list.time.seconds
        if let pluginPosition = heldPosition(ofPlugin: list.plugin),
            let host = names.heldID(list.host, slot: 0),
            let pluginInstance = names.heldID(list.pluginInstance, slot: 1),
            let type = names.heldID(list.type, slot: 2),
            let typeInstance = names.heldID(list.typeInstance, slot: 3),
            let position = plugins[pluginPosition].position(
                of: SeriesKey(host: host, pluginInstance: pluginInstance, type: type, typeInstance: typeInstance)
            )
        {
            guard time >= plugins[pluginPosition].series[position].time else { return .tooOld }
            plugins[pluginPosition].record(list.values, time: time, at: position, tick: tickCount)
            return .updated
        }
        guard seriesCount < maxSeries, let host = names.intern(list.host, slot: 0),
            let pluginInstance = names.intern(list.pluginInstance, slot: 1),
            let type = names.intern(list.type, slot: 2), let typeInstance = names.intern(list.typeInstance, slot: 3)
        else {
            return .refusedNewSeries
        }
        let key = SeriesKey(host: host, pluginInstance: pluginInstance, type: type, typeInstance: typeInstance)
        let pluginPosition = position(ofPlugin: list.plugin)
        plugins[pluginPosition].insert(key: key, values: list.values, time: time, tick: tickCount)
        plugins[pluginPosition].interval = list.interval.seconds
        seriesCount += 1
        return .added
    }

    /// The position of a plugin that has an entry, nil otherwise (nothing is added).
    private mutating func heldPosition(ofPlugin name: String) -> Int? {
        if let last = lastPlugin, last.name == name { return last.position }
        guard let found = pluginIndex[name] else { return nil }
        lastPlugin = (name, found)
        return found
    }

    private mutating func position(ofPlugin name: String) -> Int {
        if let found = heldPosition(ofPlugin: name) { return found }
        let position = plugins.count
        pluginIndex[name] = position
        plugins.append(PluginSeries(name: name, interval: 0))
        lastPlugin = (name, position)
        return position
    }

    /// The interned text of a name.
    func name(_ id: UInt32) -> String { names.text(id) }

    /// The plugin's interval (0 when nothing of it arrived).
    func interval(ofPlugin name: String) -> Double {
        pluginIndex[name].map { plugins[$0].interval } ?? 0
    }

    /// The plugin's `cache_get_value`: the series of `plugin` that match every given criterion, in order; with
    /// `markAsRead` their `updated` flag is cleared.
    mutating func select(
        plugin name: String,
        host: UInt32? = nil,
        pluginInstance: UInt32? = nil,
        type: String? = nil,
        typeInstance: String? = nil,
        markAsRead: Bool = true
    ) -> [Series] {
        // a name never seen matches nothing
        var typeID: UInt32? = nil
        if let type {
            guard let id = names.id(of: type) else { return [] }
            typeID = id
        }
        var typeInstanceID: UInt32? = nil
        if let typeInstance {
            guard let id = names.id(of: typeInstance) else { return [] }
            typeInstanceID = id
        }
        guard let slot = slot(ofPlugin: name) else { return [] }
        return select(
            in: slot,
            host: host,
            pluginInstance: pluginInstance,
            typeID: typeID,
            typeInstanceID: typeInstanceID,
            markAsRead: markAsRead
        )
    }

    /// Where a plugin's series are kept, for a pass that selects from one plugin many times (a virt tick looks
    /// seven times a VM): its name is hashed once. Good until a plugin is added or the cache compacted.
    struct PluginSlot {
        fileprivate let position: Int
    }

    func slot(ofPlugin name: String) -> PluginSlot? {
        pluginIndex[name].map(PluginSlot.init(position:))
    }

    /// ``select(plugin:host:pluginInstance:type:typeInstance:markAsRead:)`` in a plugin found before, with names
    /// already interned.
    mutating func select(
        in slot: PluginSlot,
        host: UInt32? = nil,
        pluginInstance: UInt32? = nil,
        typeID: UInt32?,
        typeInstanceID: UInt32? = nil,
        markAsRead: Bool = true
    ) -> [Series] {
        let position = slot.position
        var result: [Series] = []
        func visit(_ index: Int) {
            let key = plugins[position].series[index].key
            if let host, key.host != host { return }
            if let pluginInstance, key.pluginInstance != pluginInstance { return }
            if let typeID, key.type != typeID { return }
            if let typeInstanceID, key.typeInstance != typeInstanceID { return }
            result.append(plugins[position].view(index))
            if markAsRead { plugins[position].series[index].updated = false }
        }
        if let pluginInstance {
            var next = plugins[position].byInstance[pluginInstance]?.first ?? -1
            while next >= 0 {
                visit(Int(next))
                next = plugins[position].series[Int(next)].nextInInstance
            }
        } else {
            for index in plugins[position].series.indices { visit(index) }
        }
        return result
    }

    /// The keys of the series of `plugin` with type `typeID`, in order, unread: the VMs a virt tick visits.
    func keys(plugin name: String, typeID: UInt32) -> [SeriesKey] {
        guard let position = pluginIndex[name] else { return [] }
        var keys: [SeriesKey] = []
        for index in plugins[position].series.indices where plugins[position].series[index].key.type == typeID {
            keys.append(plugins[position].series[index].key)
        }
        return keys
    }

    /// Whether every series of one host's plugin instance has a value not read yet (the plugin's up-to-date
    /// check before it builds a VM's event).
    func allUpdated(plugin name: String, host: UInt32, pluginInstance: UInt32) -> Bool {
        guard let slot = slot(ofPlugin: name) else { return true }
        return allUpdated(in: slot, host: host, pluginInstance: pluginInstance)
    }

    func allUpdated(in slot: PluginSlot, host: UInt32, pluginInstance: UInt32) -> Bool {
        let position = slot.position
        var next = plugins[position].byInstance[pluginInstance]?.first ?? -1
        while next >= 0 {
            let stored = plugins[position].series[Int(next)]
            if stored.key.host == host && !stored.updated { return false }
            next = stored.nextInInstance
        }
        return true
    }

    /// The id of a plugin instance name, or nil when no series has it.
    func id(of name: String) -> UInt32? { names.id(of: name) }

    /// Every updated series of the plugins not excluded, in order, marked as read: what the plugin's
    /// `fill_additional_measurements` reads.
    mutating func takeUpdated(excluding excluded: Set<String>) -> [(plugin: String, series: Series)] {
        var result: [(plugin: String, series: Series)] = []
        for position in plugins.indices where !excluded.contains(plugins[position].name) {
            for index in plugins[position].series.indices where plugins[position].series[index].updated {
                plugins[position].series[index].updated = false
                result.append((plugins[position].name, plugins[position].view(index)))
            }
        }
        return result
    }

    /// Calls `body` with every series of every plugin, plugins and series in first-seen order, and marks them all as
    /// read: what a 5.4.1 or 7.2.1 tick reads (every source's latest values, not only the updated ones).
    mutating func readEverySeries(_ body: (_ plugin: String, _ series: Series) -> Void) {
        for position in plugins.indices {
            let name = plugins[position].name
            for index in plugins[position].series.indices {
                body(name, plugins[position].view(index))
                plugins[position].series[index].updated = false
            }
        }
    }

    /// Ends a tick: counts it and drops series that have not been updated for `expireAfterTicks` ticks; when any
    /// were dropped, the names and plugins no live series uses are dropped too, so the memory comes back.
    public mutating func finishTick() {
        tickCount &+= 1
        guard expireAfterTicks > 0, Int(tickCount) > expireAfterTicks else { return }
        var droppedAny = false
        for position in plugins.indices {
            let before = plugins[position].series.count
            let now = tickCount
            let limit = expireAfterTicks
            guard plugins[position].series.contains(where: { $0.ticksSinceUpdate(now: now) > limit }) else { continue }
            plugins[position].rebuild(keeping: { $0.ticksSinceUpdate(now: now) <= limit })
            let dropped = before - plugins[position].series.count
            expiredCount += dropped
            seriesCount -= dropped
            droppedAny = droppedAny || dropped > 0
        }
        if droppedAny { compact() }
    }

    /// Drops the names no series uses and the plugins without series (but the seeded ones), renumbering the
    /// names the series keep.
    mutating func compact() {
        var used = [Bool](repeating: false, count: names.count)
        for plugin in plugins {
            for index in plugin.series.indices {
                let key = plugin.series[index].key
                used[Int(key.host)] = true
                used[Int(key.pluginInstance)] = true
                used[Int(key.type)] = true
                used[Int(key.typeInstance)] = true
            }
        }
        let (table, newIDs) = names.compacted(keeping: used)
        names = table
        let seeded = Set(Self.seededPlugins)
        plugins.removeAll { $0.series.count == 0 && !seeded.contains($0.name) }
        pluginIndex = Dictionary(uniqueKeysWithValues: plugins.enumerated().map { ($1.name, $0) })
        lastPlugin = nil
        for position in plugins.indices where plugins[position].series.count > 0 {
            plugins[position].rebuild(keeping: { _ in true }) { key in
                SeriesKey(
                    host: newIDs[Int(key.host)],
                    pluginInstance: newIDs[Int(key.pluginInstance)],
                    type: newIDs[Int(key.type)],
                    typeInstance: newIDs[Int(key.typeInstance)]
                )
            }
        }
    }
}
