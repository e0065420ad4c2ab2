/// The newest `capacity` elements, oldest first: appending past the capacity forgets the oldest, so a listener
/// that runs for days holds a bounded number of records however many it receives.
struct RecordRing<Element: Sendable>: Sendable {
    let capacity: Int
    private var storage: [Element] = []
    /// Index in `storage` of the oldest element once the ring is full.
    private var head = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }

    /// Appends `element`; returns true when the oldest element was forgotten to make room.
    @discardableResult
    mutating func append(_ element: Element) -> Bool {
        if storage.count < capacity {
            storage.append(element)
            return false
        }
        storage[head] = element
        head = head + 1 == capacity ? 0 : head + 1
        return true
    }

    mutating func removeAll() {
        storage = []
        head = 0
    }

    /// Calls `body` on each element, oldest first, until it returns false.
    func visit(_ body: (Element) -> Bool) {
        for index in head..<storage.count where !body(storage[index]) { return }
        for index in 0..<head where !body(storage[index]) { return }
    }

    /// The element at `position`, 0 being the oldest: random access, so a query can binary-search a ring whose
    /// elements were appended in order.
    subscript(position position: Int) -> Element {
        storage[(head + position) % storage.count]
    }

    /// The elements, oldest first.
    var elements: [Element] {
        Array(storage[head...]) + Array(storage[..<head])
    }
}
