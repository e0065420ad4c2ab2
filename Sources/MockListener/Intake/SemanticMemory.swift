/// A dictionary that holds at most `capacity` keys and forgets the one set longest ago, so the semantic checks
/// of a listener that runs for days keep a bounded history however many sources, eventIds or alarms it sees.
///
/// Reading does not refresh a key; setting does. Eviction is amortized O(1): `order` lists (key, stamp) pairs
/// in the order they were set, and a pair whose stamp is no longer the key's current one is skipped.
struct SemanticMemory<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var value: Value
        var stamp: UInt64
    }

    private struct Setting: Sendable {
        var key: Key
        var stamp: UInt64
    }

    let capacity: Int
    private var slots: [Key: Slot] = [:]
    private var order: [Setting] = []
    private var head = 0
    private var clock: UInt64 = 0
    /// Settings made since `begin()`, applied by `commit()` or dropped by `rollback()`; nil outside a transaction.
    private var pending: [Key: Value]?
    private var pendingOrder: [Key] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { slots.count }

    subscript(key: Key) -> Value? {
        if let value = pending?[key] { return value }
        return slots[key]?.value
    }

    mutating func set(_ value: Value, for key: Key) {
        if pending != nil {
            pending?[key] = value
            pendingOrder.append(key)
            return
        }
        store(value, for: key)
    }

    /// Starts remembering settings aside, so that what a record taught is kept only once the record is written.
    mutating func begin() {
        pending = [:]
        pendingOrder = []
    }

    /// Keeps the settings made since `begin()`, in the order they were made.
    mutating func commit() {
        guard let settings = pending else { return }
        pending = nil
        for key in pendingOrder {
            if let value = settings[key] { store(value, for: key) }
        }
        pendingOrder = []
    }

    /// Forgets the settings made since `begin()`.
    mutating func rollback() {
        pending = nil
        pendingOrder = []
    }

    private mutating func store(_ value: Value, for key: Key) {
        clock &+= 1
        slots[key] = Slot(value: value, stamp: clock)
        order.append(Setting(key: key, stamp: clock))
        while slots.count > capacity, head < order.count {
            let oldest = order[head]
            head += 1
            if slots[oldest.key]?.stamp == oldest.stamp { slots[oldest.key] = nil }
        }
        // keys set again and again leave stale pairs behind; rebuilding keeps `order` within twice the capacity
        if order.count - head > 2 * capacity || head > capacity {
            order = order[head...].filter { slots[$0.key]?.stamp == $0.stamp }
            head = 0
        }
    }
}
