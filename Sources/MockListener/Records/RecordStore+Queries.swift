public import JSON
import JSONSchema
import Synchronization

/// What `/testControl` reads: record lines, counts and waits.
extension RecordStore {
    /// The record lines matching `filter` in memory, oldest first, at most `limit`.
    public func lines(matching filter: RecordFilter, limit: Int = .max) -> [[UInt8]] {
        page(matching: filter, limit: limit).lines
    }

    /// The record lines matching `filter` in memory, oldest first, at most `limit`; `more` when others match.
    public func page(matching filter: RecordFilter, limit: Int) -> (lines: [[UInt8]], more: Bool) {
        state.withLock { state in
            var result: [[UInt8]] = []
            var more = false
            state.memory.visit { entry in
                guard filter.matches(entry) else { return true }
                guard result.count < limit else {
                    more = true
                    return false
                }
                result.append(entry.line)
                return true
            }
            return (result, more)
        }
    }

    /// Number of records matching `filter` in memory.
    public func count(matching filter: RecordFilter) -> Int {
        state.withLock { state in
            var count = 0
            state.memory.visit { entry in
                if filter.matches(entry) { count += 1 }
                return true
            }
            return count
        }
    }

    /// Records in memory now.
    public var countInMemory: Int { state.withLock { $0.memory.count } }

    /// Forgets the records in memory, their counts and the semantic history (the record file and the lifetime
    /// summary stay); returns how many records memory held.
    public func clear() -> Int {
        intake.withLock { intake in
            intake.semantic = SemanticChecker()
            return state.withLock { state in
                let removed = state.memory.count
                state.memory.removeAll()
                state.counts = RecordCounts()
                state.forgotten = 0
                state.waits.forgetSeen()
                return removed
            }
        }
    }

    /// Counts since the start or the last clear (by kind, domain, API version, stndDefined namespace, validity
    /// and status), what memory holds of them, the lifetime summary and the requests that were not events.
    public func stats() -> JSONValue {
        state.withLock { state in
            let counts = state.counts
            return .object(
                JSONObject([
                    ("events", .integer(Int64(counts.events))),
                    ("valid", .integer(Int64(counts.valid))),
                    ("invalid", .integer(Int64(counts.events - counts.valid))),
                    ("rejected", .integer(Int64(counts.byKind[.rejected] ?? 0))),
                    ("faults", .integer(Int64(counts.byKind[.fault] ?? 0))),
                    ("throttlingStates", .integer(Int64(counts.byKind[.throttlingState] ?? 0))),
                    ("byDomain", RecordCounts.json(counts.byDomain)),
                    ("byVersion", RecordCounts.json(counts.byVersion)),
                    ("byNamespace", RecordCounts.json(counts.byNamespace)),
                    ("byStatus", RecordCounts.json(counts.byStatus)),
                    ("lastSeq", .integer(Int64(state.lastSeq))),
                    ("inMemory", .integer(Int64(state.memory.count))),
                    ("forgotten", .integer(Int64(state.forgotten))),
                    ("lifetime", state.summary.json),
                    (
                        "nonEventRequests",
                        .object(
                            JSONObject([
                                ("total", .integer(Int64(state.nonEventRequests))),
                                ("byStatus", RecordCounts.json(state.nonEventByStatus)),
                            ])
                        )
                    ),
                ])
            )
        }
    }

    /// How a wait ended.
    public enum WaitResult: Sendable, Equatable {
        case arrived
        case timedOut
        /// `maxWaits` waits were open already.
        case tooManyWaits
    }

    /// Waits until `count` records matching `filter` are in memory (or arrive); false at the timeout or at
    /// shutdown.
    public func wait(for count: Int, matching filter: RecordFilter, timeout: Duration) async -> Bool {
        await wait(for: count, matching: filter, timeout: timeout, maxWaits: .max) == .arrived
    }

    /// Waits until `count` records matching `filter` are in memory (or arrive); `.timedOut` at the timeout or at
    /// shutdown, `.tooManyWaits` at once when `maxWaits` waits are open.
    public func wait(
        for count: Int,
        matching filter: RecordFilter,
        timeout: Duration,
        maxWaits: Int
    ) async -> WaitResult {
        guard let id = state.withLock({ $0.waits.open(limit: maxWaits) }) else { return .tooManyWaits }
        defer { state.withLock { $0.waits.end(id) } }
        let arrived = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilSatisfied(id: id, count: count, filter: filter) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        return arrived ? .arrived : .timedOut
    }

    private func waitUntilSatisfied(id: Int, count: Int, filter: RecordFilter) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    guard state.waits.mayWait(id) else { return false }
                    var seen = 0
                    state.memory.visit { entry in
                        if filter.matches(entry) { seen += 1 }
                        return true
                    }
                    if seen >= count { return true }
                    state.waits.wait(
                        id,
                        WaitSlots.Waiter(filter: filter, wanted: count, seen: seen, continuation: continuation)
                    )
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waits.cancel(id) }
            continuation?.resume(returning: false)
        }
    }

    /// Number of `wait` calls blocked right now.
    public var pendingWaitCount: Int { state.withLock { $0.waits.waitingCount } }

    /// Number of `wait` calls open (blocked or about to block or return).
    var openWaitCount: Int { state.withLock { $0.waits.slots.count } }
}
