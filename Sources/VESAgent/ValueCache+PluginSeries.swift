import Collectd

// How one plugin's series are stored: lookup, insertion, a new value, and the rebuild after expiry or compaction.

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
        // fits: a cache holds at most maxSeries series, which is at most Int32.max
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

    /// Keeps the series `keep` accepts, in order, with their keys as `rename` gives them, and rebuilds the
    /// indexes.
    mutating func rebuild(
        keeping keep: (ValueCache.StoredSeries) -> Bool,
        renaming rename: (ValueCache.SeriesKey) -> ValueCache.SeriesKey = { $0 }
    ) {
        let kept = series.indices.filter { keep(series[$0]) }.map { (series[$0], view($0)) }
        series = ChunkedArray()
        index = SeriesIndex()
        byInstance = [:]
        overflow = []
        for (stored, view) in kept {
            insert(
                key: rename(stored.key),
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
