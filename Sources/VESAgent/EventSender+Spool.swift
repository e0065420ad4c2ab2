import DequeModule
import Logging
import Synchronization

// The queue's way in (enqueue) and its copy on disk: read back at start, kept at every change, left at the end.

extension EventSender {
    /// Queues events for sending (journaled first, with a spool); when the queue is full the oldest are dropped,
    /// counted and logged.
    public func enqueue(_ events: [BuiltEvent]) {
        guard !events.isEmpty else { return }
        let capacity = configuration.queueSize
        let (dropped, depth, spoolErrors) = state.withLock { state -> (Int, Int, [AgentError]) in
            var errors: [AgentError] = []
            state.queue.append(contentsOf: events)
            do throws(AgentError) {
                try state.journal?.append(events, queue: state.queue)
            } catch {
                errors.append(error)
            }
            let excess = max(0, state.queue.count - capacity)
            if excess > 0 {
                state.queue.removeFirst(excess)
                state.removedFromFront += excess
                do throws(AgentError) {
                    try state.journal?.advance(excess, queue: state.queue)
                } catch {
                    errors.append(error)
                }
            }
            return (excess, state.queue.count, errors)
        }
        for error in spoolErrors { logSpoolError(error) }
        stats.metrics.built(events)
        stats.update {
            $0.eventsBuilt += events.count
            $0.eventsDropped += dropped
            $0.queueDepth = depth
        }
        if dropped > 0 {
            logLimited(
                "queue full",
                level: .error,
                "event queue full: dropped the \(dropped) oldest events (QueueSize \(capacity))"
            )
        }
        wakeup.signal()
    }

    /// Puts what an earlier run left in the spool (after a stop, a crash or a kill) at the front of the queue, and
    /// opens the journal that keeps the queue on disk from now on.
    func loadSpool() throws(AgentError) {
        guard let directory = configuration.spoolDirectory else { return }
        let recovery = try SpoolRecovery.load(directory: directory, capacity: configuration.queueSize)
        let events = recovery.events
        let (queued, dropped) = state.withLock { state -> ([BuiltEvent], Int) in
            state.queue.insert(contentsOf: events, at: 0)
            let excess = max(0, state.queue.count - configuration.queueSize)
            state.queue.removeFirst(excess)
            return (Array(state.queue), excess)
        }
        let journal = try SpoolJournal(directory: directory, queued: queued)
        state.withLock { $0.journal = journal }
        stats.update {
            $0.eventsUnspooled += events.count
            $0.eventsDropped += dropped + recovery.droppedOverCapacity
            $0.queueDepth = queued.count
        }
        if !events.isEmpty {
            logger.info("read \(events.count) spooled events", metadata: ["spool": "\(journal.path)"])
        }
        if recovery.partialLines > 0 {
            logger.warning("the spool's last line was cut short by a crash (an event never sent): left out")
        }
        if recovery.unreadableLines > 0 {
            logger.error("\(recovery.unreadableLines) lines of the spool are not events: left out")
        }
        if recovery.counterUnreadable {
            logger.warning("the spool's counter was unreadable: every spooled event is sent again (duplicates)")
        }
        if recovery.droppedOverCapacity + dropped > 0 {
            logger.error(
                "the spool held more than QueueSize events: dropped the \(recovery.droppedOverCapacity + dropped) oldest"
            )
        }
    }

    /// At the end: what is still queued stays in the spool, compacted (or is counted as lost without one).
    func spoolRemaining() {
        let (remaining, result) = state.withLock { state -> (Int, Result<String, AgentError>?) in
            let remaining = state.queue.count
            guard var journal = state.journal else { return (remaining, nil) }
            defer {
                journal.closeFiles()
                state.journal = nil
            }
            do throws(AgentError) {
                try journal.rewrite(state.queue)
                return (remaining, .success(journal.path))
            } catch {
                return (remaining, .failure(error))
            }
        }
        guard remaining > 0 else { return }
        switch result {
        case .none:
            stats.update { $0.eventsDropped += remaining }
            logger.error(
                "\(remaining) events were not delivered before shutdown and are lost (set SpoolDirectory to keep them)"
            )
        case .some(.failure(let error)):
            stats.update { $0.eventsDropped += remaining }
            logger.error("\(error.message); \(remaining) events lost")
        case .some(.success(let path)):
            state.withLock { $0.queue.removeAll() }
            stats.update {
                $0.eventsSpooled += remaining
                $0.queueDepth = 0
            }
            logger.notice("spooled \(remaining) undelivered events", metadata: ["spool": "\(path)"])
        }
    }
}
