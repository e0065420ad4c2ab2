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
        guard let position = pluginIndex[name] else { return true }
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

    /// Ends a tick: counts it and drops series that have not been updated for `expireAfterTicks` ticks.
    public mutating func finishTick() {
        tickCount &+= 1
        guard expireAfterTicks > 0, Int(tickCount) > expireAfterTicks else { return }
        for position in plugins.indices {
            let before = plugins[position].series.count
            let now = tickCount
            let limit = expireAfterTicks
            guard plugins[position].series.contains(where: { $0.ticksSinceUpdate(now: now) > limit }) else { continue }
            plugins[position].rebuild(keeping: { $0.ticksSinceUpdate(now: now) <= limit })
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
            layout = PackedValues.Layout(overflowSlot: 0)
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
                lastUpdateTick: UInt16(truncatingIfNeeded: tick)
            )
        )
        series[Int(position)].updated = true
        index.insert(position, hash: key.mixed) { series[$0].key.mixed }
        if let chain = byInstance[key.pluginInstance] {
            series[Int(chain.last)].nextInInstance = position
            byInstance[key.pluginInstance] = (chain.first, position)
        } else {
            byInstance[key.pluginInstance] = (position, position)
        }
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
            stored.layout = PackedValues.Layout(overflowSlot: slot)
        } else {
            stored.layout = PackedValues.pack(values, into: &stored.values)
        }
        stored.updated = true
        stored.lastUpdateTick = UInt16(truncatingIfNeeded: tick)
        series[position] = stored
    }

    /// Keeps the series `keep` accepts, in order, and rebuilds the indexes.
    mutating func rebuild(keeping keep: (ValueCache.StoredSeries) -> Bool) {
        let kept = series.indices.filter { keep(series[$0]) }.map { (series[$0], view($0)) }
        series = ChunkedArray()
        index = SeriesIndex()
        byInstance = [:]
        overflow = []
        for (stored, view) in kept {
            insert(
                key: stored.key,
                values: view.previous.values.array,
                time: stored.previousTime,
                tick: UInt32(stored.lastUpdateTick)
            )
            let position = series.count - 1
            record(view.current.values.array, time: stored.time, at: position, tick: UInt32(stored.lastUpdateTick))
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

/// Interned names: each distinct host, plugin instance, type and type instance is stored once, all in one
/// byte buffer, so 10,000 VM names are not 10,000 small allocations scattered over the heap.
struct NameTable: Sendable {
    private var bytes: [UInt8] = []
    /// Start of each name in `bytes`; the name ends where the next starts.
    private var starts: [UInt32] = [0]
    /// Open addressing: name id + 1, 0 for empty.
    private var slots: [UInt32] = []
    /// The last name interned per field: value lists in a row mostly share their host, VM and type.
    private var recent: [(text: String, id: UInt32)?] = [nil, nil, nil, nil]

    var count: Int { starts.count - 1 }

    mutating func intern(_ text: String, slot: Int) -> UInt32 {
        if let last = recent[slot], last.text == text { return last.id }
        let id = id(of: text) ?? add(text)
        recent[slot] = (text, id)
        return id
    }

    func id(of text: String) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        var text = text
        return text.withUTF8 { utf8 in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.hash(utf8)) & mask
            while slots[slot] != 0 {
                let id = slots[slot] - 1
                if matches(id, utf8) { return id }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    func text(_ id: UInt32) -> String {
        String(decoding: bytes[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])], as: UTF8.self)
    }

    private func matches(_ id: UInt32, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        guard end - start == utf8.count else { return false }
        for offset in 0..<utf8.count where bytes[start + offset] != utf8[offset] { return false }
        return true
    }

    private mutating func add(_ text: String) -> UInt32 {
        let id = UInt32(count)
        bytes.append(contentsOf: text.utf8)
        starts.append(UInt32(bytes.count))
        if (count + 1) * 2 > slots.count {
            slots = [UInt32](repeating: 0, count: max(64, slots.count * 2))
            for existing in 0..<UInt32(count) { place(existing) }
        } else {
            place(id)
        }
        return id
    }

    private mutating func place(_ id: UInt32) {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        let hash = bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = id + 1
    }

    /// FNV-1a.
    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash ^ (hash >> 32)
    }
}

/// A value list's values as a read sees them: two inline words, or the longer list itself.
struct PackedValues: Sendable {
    /// How a stored value list is laid out: its length, the data source type of each inline value (two bits
    /// each), or which slot of its overflow pair holds it.
    struct Layout: Sendable {
        var bits: UInt8

        init(bits: UInt8) { self.bits = bits }

        /// A list kept out of line, in slot 0 or 1 of its overflow pair.
        init(overflowSlot slot: Int) {
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

/// An array in fixed chunks of 1,024: it grows without copying and without the up-to-double slack of an array,
/// which for 100,000 series would be 2 MB.
struct ChunkedArray<Element: Sendable>: Sendable {
    private static var chunkSize: Int { 1024 }
    private var chunks: [[Element]] = []
    private(set) var count = 0

    var indices: Range<Int> { 0..<count }

    subscript(position: Int) -> Element {
        get { chunks[position >> 10][position & 1023] }
        _modify { yield &chunks[position >> 10][position & 1023] }
        set { chunks[position >> 10][position & 1023] = newValue }
    }

    mutating func append(_ element: Element) {
        if count & 1023 == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    func contains(where predicate: (Element) -> Bool) -> Bool {
        chunks.contains { $0.contains(where: predicate) }
    }
}
