import Collectd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The compact storage under ValueCache: the series index, interned names, packed values and chunked arrays.

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

    /// The id of `text`, interned now if it is new; nil when the table is full (4 GiB of name bytes or 2^32 - 1
    /// names, which 4-byte offsets and ids cannot address): the caller refuses the series instead of trapping.
    mutating func intern(_ text: String, slot: Int) -> UInt32? {
        if let id = heldID(text, slot: slot) { return id }
        guard let id = add(text) else { return nil }
        recent[slot] = (text, id)
        return id
    }

    /// The id of `text` when it is interned already (nothing is added).
    mutating func heldID(_ text: String, slot: Int) -> UInt32? {
        if let last = recent[slot], last.text == text { return last.id }
        guard let id = id(of: text) else { return nil }
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

    /// A table of only the names `used` marks (indexed by id), in the same order, and each old id's new id
    /// (`UInt32.max` for a name dropped).
    func compacted(keeping used: [Bool]) -> (table: NameTable, newIDs: [UInt32]) {
        var table = NameTable()
        var newIDs = [UInt32](repeating: .max, count: count)
        let kept = (0..<count).filter { $0 < used.count && used[$0] }
        // exactly the bytes kept, so the memory of the dropped names comes back
        table.bytes.reserveCapacity(kept.reduce(0) { $0 + Int(starts[$1 + 1] - starts[$1]) })
        table.starts.reserveCapacity(kept.count + 1)
        for id in kept {
            table.bytes.append(contentsOf: bytes[Int(starts[id])..<Int(starts[id + 1])])
            // no larger than the offsets of this table, which fit
            table.starts.append(UInt32(table.bytes.count))
            newIDs[id] = UInt32(table.count - 1)
        }
        var size = 64
        while table.count * 2 > size { size *= 2 }
        table.slots = [UInt32](repeating: 0, count: size)
        for id in 0..<UInt32(table.count) { table.place(id) }
        return (table, newIDs)
    }

    private func matches(_ id: UInt32, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        guard end - start == utf8.count else { return false }
        guard let other = utf8.baseAddress, utf8.count > 0 else { return true }
        // Compared in place, eight bytes at a time: names are short, and a call to memcmp cost more than the
        // comparison.
        return bytes.withUnsafeBufferPointer { stored in
            let name = UnsafeRawPointer(stored.baseAddress! + start)
            let text = UnsafeRawPointer(other)
            var offset = 0
            while offset + 8 <= utf8.count {
                if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset += 8
            }
            while offset < utf8.count {
                if name.load(fromByteOffset: offset, as: UInt8.self)
                    != text.load(fromByteOffset: offset, as: UInt8.self)
                {
                    return false
                }
                offset += 1
            }
            return true
        }
    }

    private mutating func add(_ text: String) -> UInt32? {
        let end = bytes.count + text.utf8.count
        guard end <= Int(UInt32.max), count < Int(UInt32.max) - 1 else { return nil }
        let id = UInt32(count)
        bytes.append(contentsOf: text.utf8)
        starts.append(UInt32(end))
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
    /// Eight bytes at a time, each word multiplied in and folded (every name is hashed on every value list).
    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(utf8.count)
        guard let base = utf8.baseAddress else { return hash }
        var index = 0
        while index + 8 <= utf8.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < utf8.count {
            tail |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        // MurmurHash3's finalizer: every input bit reaches the low bits a slot is picked by, so names that differ
        // only inside a word (instance-00000123, instance-00000124) do not pile up in one run of slots.
        hash ^= tail
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
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
