/// A growable stack whose top elements move, not copy, into a new array: containers being parsed collect
/// their children here, so each array or object is allocated once, at its final size.
struct MoveStack<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer.allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity {
            grow()
        }
        (base + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        base[index]
    }

    /// Moves the elements from `start` to the top into a new array.
    @inline(__always)
    mutating func popArray(from start: Int) -> [Element] {
        let moved = count - start
        let source = base + start
        count = start
        return Self.movedArray(source, count: moved)
    }

    /// An array literal gets its storage type from a cached lookup, while the general initialisers look it
    /// up afresh every time (some 30 ns); containers in events are small, so their usual sizes take the
    /// literal route.
    @inline(__always)
    private static func movedArray(_ source: UnsafeMutablePointer<Element>, count: Int) -> [Element] {
        @inline(__always) func take(_ index: Int) -> Element { (source + index).move() }
        switch count {
        case 1: return [take(0)]
        case 2: return [take(0), take(1)]
        case 3: return [take(0), take(1), take(2)]
        case 4: return [take(0), take(1), take(2), take(3)]
        case 5: return [take(0), take(1), take(2), take(3), take(4)]
        case 6: return [take(0), take(1), take(2), take(3), take(4), take(5)]
        case 7: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6)]
        case 8: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7)]
        case 9: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8)]
        case 10: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9)]
        case 11:
            return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10)]
        case 12:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11),
            ]
        case 13:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12),
            ]
        case 14:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13),
            ]
        case 15:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13), take(14),
            ]
        case 16:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13), take(14), take(15),
            ]
        default:
            return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                buffer.baseAddress!.moveInitialize(from: source, count: count)
                initialized = count
            }
        }
    }

    mutating func pop(from start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }
}
