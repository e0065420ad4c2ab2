/// Growable bytes written through a raw pointer, for the JSON writers: they append many short runs (a quote, a
/// key, a separator), and an array checks uniqueness and capacity and goes through its generic append for each.
///
/// A writer reserves room once per item (`reserve`) and then stores without checks. Copies are the owner's
/// business: `PythonJSONWriter` copies the store before writing when it is shared.
final class OutputBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes written so far.
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// A store of its own with the same bytes.
    func copy() -> OutputBytes {
        let copy = OutputBytes(capacity: capacity)
        copy.base.update(from: base, count: count)
        copy.count = count
        return copy
    }

    /// Makes room for `extra` more bytes; the pointer to write them at.
    @inline(__always)
    func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if count + extra > capacity {
            grow(to: count + extra)
        }
        return base + count
    }

    @inline(never)
    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed {
            newCapacity *= 2
        }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends `bytes`.
    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes as a string (UTF-8 checked, invalid sequences repaired as `String(decoding:as:)` does).
    var text: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}
