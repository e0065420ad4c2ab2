/// The `/testControl/v1/wait` long polls in progress. Each has a slot from the moment it starts until it ends,
/// whatever ends it (its records, its timeout, a cancel, shutdown), so a cancel that races the resume finds the
/// slot and nothing is left behind, and the number of slots is the number of open waits.
struct WaitSlots: Sendable {
    struct Waiter: Sendable {
        var filter: RecordFilter
        var wanted: Int
        var seen: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    enum Slot: Sendable {
        /// Started, not yet waiting for records.
        case starting
        case waiting(Waiter)
        /// Resumed or cancelled; removed when its wait returns.
        case finished
    }

    private(set) var slots: [Int: Slot] = [:]
    private var nextId = 0
    private(set) var closed = false

    /// A slot for a new wait, or nil when `limit` waits are open.
    mutating func open(limit: Int) -> Int? {
        guard slots.count < limit else { return nil }
        nextId += 1
        slots[nextId] = .starting
        return nextId
    }

    /// Whether the wait `id` may still start waiting (not cancelled, not shut down).
    func mayWait(_ id: Int) -> Bool {
        guard !closed, case .starting? = slots[id] else { return false }
        return true
    }

    mutating func wait(_ id: Int, _ waiter: Waiter) {
        slots[id] = .waiting(waiter)
    }

    /// Cancels the wait `id`; returns its continuation when it was waiting, to be resumed outside the lock.
    mutating func cancel(_ id: Int) -> CheckedContinuation<Bool, Never>? {
        switch slots[id] {
        case .waiting(let waiter)?:
            slots[id] = .finished
            return waiter.continuation
        case .starting?:
            slots[id] = .finished
            return nil
        case .finished?, nil:
            return nil
        }
    }

    /// Removes the slot of a wait that returned.
    mutating func end(_ id: Int) {
        slots[id] = nil
    }

    /// Counts `records` for each waiting wait; returns the continuations of those now satisfied.
    mutating func arrived(_ records: [EventRecord]) -> [CheckedContinuation<Bool, Never>] {
        var satisfied: [CheckedContinuation<Bool, Never>] = []
        for (id, slot) in slots {
            guard case .waiting(var waiter) = slot else { continue }
            waiter.seen += records.count { waiter.filter.matches($0) }
            if waiter.seen >= waiter.wanted {
                slots[id] = .finished
                satisfied.append(waiter.continuation)
            } else {
                slots[id] = .waiting(waiter)
            }
        }
        return satisfied
    }

    /// After the records in memory were deleted, waits count again from nothing.
    mutating func forgetSeen() {
        for (id, slot) in slots {
            guard case .waiting(var waiter) = slot else { continue }
            waiter.seen = 0
            slots[id] = .waiting(waiter)
        }
    }

    /// Shuts down: no new wait starts waiting; returns the continuations of those waiting.
    mutating func close() -> [CheckedContinuation<Bool, Never>] {
        closed = true
        var continuations: [CheckedContinuation<Bool, Never>] = []
        for (id, slot) in slots {
            guard case .waiting(let waiter) = slot else { continue }
            slots[id] = .finished
            continuations.append(waiter.continuation)
        }
        return continuations
    }

    var waitingCount: Int {
        slots.values.count { slot in
            if case .waiting = slot { return true }
            return false
        }
    }
}
