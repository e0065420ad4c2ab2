/// Names a parser hands out as shared strings instead of building a new one each time a document spells
/// them, so parsing documents of a known vocabulary allocates no strings for their keys.
///
/// An open-addressing table keyed by `hashBytes` of each name's UTF-8.
public struct InternTable: Sendable {
    private let mask: Int
    /// 0 for an empty slot, else the index of the name plus one.
    private let slots: [Int32]
    private let hashes: [UInt64]
    private let names: [String]
    private let lengths: [Int]
    private let starts: [Int]
    /// Every name's UTF-8, one after another.
    private let pool: [UInt8]

    /// No names: every string is built.
    public static let empty = InternTable(names: [])

    public init(names candidates: [String]) {
        var names: [String] = []
        for name in candidates where !names.contains(name) {
            names.append(name)
        }
        var size = 16
        while size < names.count * 4 {
            size *= 2
        }
        var slots = [Int32](repeating: 0, count: size)
        var hashes: [UInt64] = []
        var lengths: [Int] = []
        var starts: [Int] = []
        var pool: [UInt8] = []
        for (index, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            let hash = bytes.withUnsafeBufferPointer(hashBytes)
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while slots[slot] != 0 {
                slot = (slot + 1) & (size - 1)
            }
            slots[slot] = Int32(index + 1)
            hashes.append(hash)
            lengths.append(bytes.count)
            starts.append(pool.count)
            pool += bytes
        }
        self.mask = size - 1
        self.slots = slots
        self.hashes = hashes
        self.names = names
        self.lengths = lengths
        self.starts = starts
        self.pool = pool
    }

    /// The shared string spelled by `bytes`, if it is a known name.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> String? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let index = entry - 1
            if hashes[index] == hash, lengths[index] == bytes.count, spells(index, bytes) {
                return names[index]
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func spells(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        pool.withUnsafeBufferPointer { pool in
            let name = UnsafeRawPointer(pool.baseAddress! + starts[index])
            let text = UnsafeRawPointer(bytes.baseAddress!)
            let count = bytes.count
            // Words, the last one overlapping the one before when the length is not a multiple of eight.
            if count >= 8 {
                var offset = 0
                while offset + 8 < count {
                    if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        != text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    {
                        return false
                    }
                    offset += 8
                }
                return name.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                    == text.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
            if count >= 4 {
                return name.loadUnaligned(as: UInt32.self) == text.loadUnaligned(as: UInt32.self)
                    && name.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                        == text.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            }
            for offset in 0..<count
            where name.load(fromByteOffset: offset, as: UInt8.self) != text.load(fromByteOffset: offset, as: UInt8.self)
            {
                return false
            }
            return true
        }
    }
}
