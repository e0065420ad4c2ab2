import CurlClient
import DequeModule
import Synchronization

// Rounds: the next batches from the head of the queue, posted together on the sender's connections, and taken
// off the queue by their place in it when they are delivered.

extension EventSender {
    /// A batch of a round and where it starts in the queue, counted over the queue's whole life
    /// (``State/removedFromFront`` plus its index when it was taken).
    struct QueuedBatch {
        var start: Int
        var events: [BuiltEvent]
    }

    /// Up to `lanes` batches from near the head of the queue, each as ``nextBatch(of:limit:maximumBodyBytes:)``
    /// makes it. A batch with a sourceName an earlier batch of the queue has (taken or passed over) is passed
    /// over, so two events of one source are never in flight on two connections at once and arrive in the order
    /// they were queued; the round looks no further than ``roundWindow(lanes:limit:)`` events.
    static func nextRound(of state: State, lanes: Int, limit: Int, maximumBodyBytes: Int?) -> [QueuedBatch] {
        let queue = state.queue
        if lanes <= 1 {
            let batch = nextBatch(of: queue, limit: limit, maximumBodyBytes: maximumBodyBytes)
            return batch.isEmpty ? [] : [QueuedBatch(start: state.removedFromFront, events: batch)]
        }
        var round: [QueuedBatch] = []
        var passed: Set<String> = []
        var offset = 0
        let window = roundWindow(lanes: lanes, limit: limit)
        while round.count < lanes && offset < min(queue.count, window) {
            let batch = nextBatch(of: queue.dropFirst(offset), limit: limit, maximumBodyBytes: maximumBodyBytes)
            guard !batch.isEmpty else { break }
            let sources = Set(batch.map(\.sourceName))
            if sources.isDisjoint(with: passed) {
                round.append(QueuedBatch(start: state.removedFromFront + offset, events: batch))
            }
            passed.formUnion(sources)
            offset += batch.count
        }
        return round
    }

    /// How many events from the head a round looks through for batches of sources not yet in it: enough for
    /// every lane when a few sources alternate, little work when one source fills the queue.
    static func roundWindow(lanes: Int, limit: Int) -> Int {
        lanes * min(limit, 1_000) * 8
    }

    /// Posts the batches of a round at once, one per connection, and gives their answers in the round's order.
    func post(_ round: [QueuedBatch]) async -> [ListenerAnswer] {
        let requests = round.map { request(for: $0.events) }
        let results = await parallelClient.send(requests)
        return zip(results, requests).map { answer(to: $0, of: $1) }
    }

    /// Takes a batch off the queue, wherever it is now: `removedBefore` events of earlier batches of the same round
    /// were taken out of the middle of the queue (they lay behind a batch passed over or held), which
    /// ``State/removedFromFront`` does not count. The part of it a full queue already dropped is not removed twice.
    /// The journal advances when the batch was at the front; a batch from the middle stays in it until the events
    /// before it have gone (the journal only counts from the front), so a crash can send it again: a duplicate,
    /// never a loss. Returns how many events it took out of the middle.
    @discardableResult
    func remove(_ batch: QueuedBatch, removedBefore: Int) -> Int {
        let (depth, fromMiddle, spoolError) = state.withLock { state -> (Int, Int, AgentError?) in
            let position = batch.start - state.removedFromFront - removedBefore
            let lower = max(0, position)
            let upper = min(state.queue.count, max(lower, position + batch.events.count))
            var spoolError: AgentError? = nil
            var fromMiddle = 0
            do throws(AgentError) {
                if lower == 0 {
                    state.queue.removeFirst(upper)
                    state.removedFromFront += upper
                    try state.journal?.advance(upper, queue: state.queue)
                } else if upper > lower {
                    state.queue.removeSubrange(lower..<upper)
                    fromMiddle = upper - lower
                    try state.journal?.passOver(fromMiddle, queue: state.queue)
                }
            } catch {
                spoolError = error
            }
            // a drained queue gives back the room a burst needed
            if state.queue.isEmpty { state.queue = Deque() }
            return (state.queue.count, fromMiddle, spoolError)
        }
        if let spoolError { logSpoolError(spoolError) }
        stats.update { $0.queueDepth = depth }
        return fromMiddle
    }
}
