import Foundation

/// Runs `work` on a thread of its own, outside Swift concurrency's cooperative pool, and returns what it returns
/// (or throws what it throws) to the awaiting task.
///
/// Swift Testing runs tests in parallel on the cooperative pool, which has one thread per core (two on a small CI
/// machine). A test that computes for seconds or blocks a thread (waiting for a process, reading a pipe or a
/// socket) holds one of those threads, and the in-process listener's handlers, which run on the same pool, can
/// then miss their timeouts. Such work goes here.
///
/// `work` runs without the test's task context, so it must not record issues (`#expect`, `#require`): return
/// what to check and check it in the test.
public func offCooperativePool<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.name = "offCooperativePool"
        thread.start()
    }
}
