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
        var updated: Bool
        /// The tick count when the series last received a value, for expiry.
        var lastUpdateTick: UInt32
    }

    /// The series of one plugin, in first-seen order.
    struct PluginSeries: Sendable {
        let name: String
        /// The interval of the series most recently added (the plugin's per-plugin `interval`).
        var interval: Double
        var series: [StoredSeries] = []
        var index = SeriesIndex()
        /// Positions of the series of each plugin instance, in order (virt looks VMs up this way).
        var byInstance: [UInt32: [Int32]] = [:]
        /// Value lists of more than two values: two slots per such series (current and previous).
        var overflow: [[Value]] = []

        init(name: String, interval: Double) {
            self.name = name
            self.interval = interval
        }
    }

    /// The plugins the reference plugin creates up front, in its order.
    static let seededPlugins = ["cpu", "cpu-aggregation", "virt", "disk", "interface", "memory"]

    private(set) var plugins: [PluginSeries]
    private var pluginIndex: [String: Int]
    private(set) var names = NameTable()
    /// The last plugin looked up: consecutive value lists mostly come from one plugin.
    private var lastPlugin: (name: String, position: Int)? = nil
    /// Number of ticks so far (series remember the tick of their last update).
    private(set) var tickCount: UInt32 = 0
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
        let pluginPosition = position(ofPlugin: list.plugin)
        let key = SeriesKey(
            host: names.intern(list.host, slot: 0),
            pluginInstance: names.intern(list.pluginInstance, slot: 1),
            type: names.intern(list.type, slot: 2),
            typeInstance: names.intern(list.typeInstance, slot: 3)
        )
        let time = list.time.seconds
        if let position = plugins[pluginPosition].position(of: key) {
            plugins[pluginPosition].record(list.values, time: time, at: position, tick: tickCount)
        } else {
            plugins[pluginPosition].insert(key: key, values: list.values, time: time, tick: tickCount)
            plugins[pluginPosition].interval = list.interval.seconds
            seriesCount += 1
        }
    }

    private mutating func position(ofPlugin name: String) -> Int {
        if let last = lastPlugin, last.name == name { return last.position }
        let position: Int
        if let found = pluginIndex[name] {
            position = found
        } else {
            position = plugins.count
            pluginIndex[name] = position
            plugins.append(PluginSeries(name: name, interval: 0))
        }
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
        return select(
            plugin: name,
            host: host,
            pluginInstance: pluginInstance,
            typeID: typeID,
            typeInstanceID: typeInstanceID,
            markAsRead: markAsRead
        )
    }

    /// ``select(plugin:host:pluginInstance:type:typeInstance:markAsRead:)`` with names already interned.
    mutating func select(
        plugin name: String,
        host: UInt32? = nil,
        pluginInstance: UInt32? = nil,
        typeID: UInt32?,
        typeInstanceID: UInt32? = nil,
        markAsRead: Bool = true
    ) -> [Series] {
        guard let position = pluginIndex[name] else { return [] }
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
            for index in plugins[position].byInstance[pluginInstance] ?? [] { visit(Int(index)) }
        } else {
            for index in plugins[position].series.indices { visit(index) }
        }
        return result
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

    /// Ends a tick: counts it and drops series that have not been updated for `expireAfterTicks` ticks.
    public mutating func finishTick() {
        tickCount &+= 1
        guard expireAfterTicks > 0, Int(tickCount) > expireAfterTicks else { return }
        let oldest = tickCount - UInt32(expireAfterTicks)
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

extension ValueCache.PluginSeries {
    func position(of key: ValueCache.SeriesKey) -> Int? {
        index.find(key) { series[$0].key }
    }

    /// The read view of the series at `position`.
    func view(_ position: Int) -> ValueCache.Series {
        let stored = series[position]
        return ValueCache.Series(
            key: stored.key,
            current: ValueCache.Sample(
                time: stored.time,
                values: PackedValues(words: stored.values, layout: stored.layout, overflow: overflow)
            ),
            previous: ValueCache.Sample(
                time: stored.previousTime,
                values: PackedValues(words: stored.previousValues, layout: stored.previousLayout, overflow: overflow)
            ),
            updated: stored.updated
        )
    }

    mutating func insert(key: ValueCache.SeriesKey, values: [Value], time: Double, tick: UInt32) {
        var words: (UInt64, UInt64) = (0, 0)
        let layout: PackedValues.Layout
        if values.count > 2 {
            let pair = overflow.count / 2
            overflow.append(values)
            overflow.append(values)
            words = (UInt64(pair), 0)
            layout = PackedValues.Layout(overflowCount: values.count, slot: 0)
        } else {
            layout = PackedValues.pack(values, into: &words)
        }
        let position = Int32(series.count)
        series.append(
            ValueCache.StoredSeries(
                key: key,
                time: time,
                previousTime: time,
                values: words,
                previousValues: words,
                layout: layout,
                previousLayout: layout,
                updated: true,
                lastUpdateTick: tick
            )
        )
        index.insert(position, hash: key.mixed) { series[$0].key.mixed }
        byInstance[key.pluginInstance, default: []].append(position)
    }

    /// A new value: the current one becomes the previous one (the plugin's `pre_values`, `pre_time`).
    mutating func record(_ values: [Value], time: Double, at position: Int, tick: UInt32) {
        var stored = series[position]
        stored.previousTime = stored.time
        stored.time = time
        stored.previousValues = stored.values
        stored.previousLayout = stored.layout
        if stored.layout.isOverflow || values.count > 2 {
            // keep the pair: the previous slot is the old current one, the new values go in the other slot
            let pair: Int
            let slot: Int
            if stored.layout.isOverflow {
                pair = Int(stored.values.0)
                slot = 1 - stored.layout.slot
            } else {
                pair = overflow.count / 2
                overflow.append(values)
                overflow.append(values)
                slot = 0
            }
            overflow[2 * pair + slot] = values
            stored.values = (UInt64(pair), 0)
            stored.layout = PackedValues.Layout(overflowCount: values.count, slot: slot)
        } else {
            stored.layout = PackedValues.pack(values, into: &stored.values)
        }
        stored.updated = true
        stored.lastUpdateTick = tick
        series[position] = stored
    }

    /// Keeps the series `keep` accepts, in order, and rebuilds the indexes.
    mutating func rebuild(keeping keep: (ValueCache.StoredSeries) -> Bool) {
        let kept = series.indices.filter { keep(series[$0]) }.map { (series[$0], view($0)) }
        series = []
        index = SeriesIndex()
        byInstance = [:]
        overflow = []
        for (stored, view) in kept {
            insert(key: stored.key, values: view.previous.values.array, time: stored.previousTime, tick: stored.lastUpdateTick)
            let position = series.count - 1
            record(view.current.values.array, time: stored.time, at: position, tick: stored.lastUpdateTick)
            series[position].updated = stored.updated
        }
    }
}

/// An open-addressing table of series positions (4 bytes a slot), keyed by what is stored at the position:
/// a fifth of what a dictionary from keys to positions takes.
struct SeriesIndex: Sendable {
    private var slots: [Int32] = []
    private var count = 0

    func find(_ key: ValueCache.SeriesKey, keyAt: (Int) -> ValueCache.SeriesKey) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.mixed) & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if keyAt(Int(position)) == key { return Int(position) }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ position: Int32, hash: UInt64, hashAt: (Int) -> UInt64) {
        if (count + 1) * 2 > slots.count {
            let old = slots
            slots = [Int32](repeating: -1, count: max(16, old.count * 2))
            for existing in old where existing >= 0 {
                place(existing, hash: hashAt(Int(existing)))
            }
        }
        place(position, hash: hash)
        count += 1
    }

    private mutating func place(_ position: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = position
    }
}

/// Interned names: each distinct host, plugin instance, type and type instance is stored once.
struct NameTable: Sendable {
    private var texts: [String] = []
    private var ids: [String: UInt32] = [:]
    /// The last name interned per field: value lists in a row mostly share their host, VM and type.
    private var recent: [(text: String, id: UInt32)?] = [nil, nil, nil, nil]

    mutating func intern(_ text: String, slot: Int) -> UInt32 {
        if let last = recent[slot], last.text == text { return last.id }
        let id: UInt32
        if let found = ids[text] {
            id = found
        } else {
            id = UInt32(texts.count)
            texts.append(text)
            ids[text] = id
        }
        recent[slot] = (text, id)
        return id
    }

    func id(of text: String) -> UInt32? { ids[text] }

    func text(_ id: UInt32) -> String { texts[Int(id)] }
}

/// A value list's values as a read sees them: two inline words, or the longer list itself.
struct PackedValues: Sendable {
    /// How a stored value list is laid out: its length, the data source type of each inline value (two bits
    /// each), or which slot of its overflow pair holds it.
    struct Layout: Sendable {
        var bits: UInt8

        init(bits: UInt8) { self.bits = bits }

        init(overflowCount: Int, slot: Int) {
            bits = 0x80 | UInt8(slot)
        }

        var isOverflow: Bool { bits & 0x80 != 0 }
        var slot: Int { Int(bits & 1) }
        var inlineCount: Int { Int(bits & 3) }
        func kind(_ index: Int) -> UInt8 { (bits >> (2 + 2 * UInt8(index))) & 3 }
    }

    private let words: (UInt64, UInt64)
    private let layout: Layout
    private let all: [Value]?

    init(words: (UInt64, UInt64), layout: Layout, overflow: [[Value]]) {
        self.words = words
        self.layout = layout
        all = layout.isOverflow ? overflow[2 * Int(words.0) + layout.slot] : nil
    }

    var count: Int { all?.count ?? layout.inlineCount }

    subscript(index: Int) -> Value {
        if let all { return all[index] }
        return Self.unpack(kind: layout.kind(index), bits: index == 0 ? words.0 : words.1)
    }

    var firstValue: Value? { count > 0 ? self[0] : nil }

    var array: [Value] { (0..<count).map { self[$0] } }

    /// Stores up to two values in `words`; returns their layout.
    static func pack(_ values: [Value], into words: inout (UInt64, UInt64)) -> Layout {
        var bits = UInt8(values.count)
        for (index, value) in values.enumerated() {
            let (kind, word) = pack(value)
            if index == 0 { words.0 = word } else { words.1 = word }
            bits |= kind << (2 + 2 * UInt8(index))
        }
        return Layout(bits: bits)
    }

    private static func pack(_ value: Value) -> (UInt8, UInt64) {
        switch value {
        case .counter(let number): (0, number)
        case .gauge(let number): (1, number.bitPattern)
        case .derive(let number): (2, UInt64(bitPattern: number))
        case .absolute(let number): (3, number)
        }
    }

    private static func unpack(kind: UInt8, bits: UInt64) -> Value {
        switch kind {
        case 0: .counter(bits)
        case 1: .gauge(Double(bitPattern: bits))
        case 2: .derive(Int64(bitPattern: bits))
        default: .absolute(bits)
        }
    }
}
