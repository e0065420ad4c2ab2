import Synchronization

/// A value set once and awaited by any number of tasks: a server's bound address, known only after it binds
/// (and nil when binding failed, so no reader waits forever).
public final class OnceValue<Value: Sendable>: Sendable {
    private enum State {
        case pending([CheckedContinuation<Value, Never>])
        case resolved(Value)
    }

    private let state = Mutex(State.pending([]))

    public init() {}

    /// Sets the value and wakes every reader; later calls are ignored.
    public func set(_ value: Value) {
        let waiters: [CheckedContinuation<Value, Never>] = state.withLock { state in
            guard case .pending(let waiters) = state else { return [] }
            state = .resolved(value)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, as soon as it is set.
    public func value() async -> Value {
        await withCheckedContinuation { continuation in
            let resolved: Value? = state.withLock { state in
                switch state {
                case .resolved(let value): return value
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                }
            }
            if let resolved { continuation.resume(returning: resolved) }
        }
    }
}
