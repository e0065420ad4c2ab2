/// The member names and enumerated values of the VES field set, kept once as static strings.
///
/// The parser hands out these shared strings instead of building a new one each time an event spells them,
/// so parsing a typical event allocates no strings for its keys.
enum KnownNames {
    /// Names the reference plugin sends beyond the field set.
    static let pluginNames = ["errors", "packetsIn", "packetsOut"]

    static let table: Table = {
        var names: [String] = ["event", "eventList"] + pluginNames
        for datatype in VES11Datatypes.all {
            names.append(datatype.name)
            if case .record(let fields) = datatype.shape {
                for field in fields {
                    names.append(field.name)
                    if case .oneOf(let values) = field.type {
                        names += values
                    }
                }
            }
        }
        return Table(names: names)
    }()

    /// An open-addressing table keyed by `hashBytes` of each name's UTF-8.
    struct Table: Sendable {
        private let mask: Int
        /// 0 for an empty slot, else the index of the name plus one.
        private let slots: [Int32]
        private let hashes: [UInt64]
        private let names: [String]
        private let lengths: [Int]
        private let starts: [Int]
        /// Every name's UTF-8, one after another.
        private let pool: [UInt8]

        init(names candidates: [String]) {
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
                var offset = 0
                while offset + 8 <= bytes.count {
                    if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        != text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    {
                        return false
                    }
                    offset += 8
                }
                while offset < bytes.count {
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
    }
}
