import CurlClient
import DequeModule
public import JSON
public import Logging
public import ServiceLifecycle
import Synchronization
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Posts events to the VES listener in order, without losing them: events that could not be delivered
/// (connection refused, timeout, 5xx, 429) stay at the head of a bounded queue and are retried with exponential
/// backoff and jitter; at shutdown what is left after the deadline is spooled to disk, and read back at the
/// next start.
public final class EventSender: Service, Sendable {
    /// What the listener answered to one POST.
    enum Outcome {
        case delivered(commands: [ListenerCommand])
        case retry(reason: String)
        case rejected(status: Int, reason: String)
    }

    private struct State {
        var queue = Deque<BuiltEvent>()
        var shuttingDown = false
        /// The queue's copy on disk, with SpoolDirectory.
        var journal: SpoolJournal? = nil
    }

    let configuration: AgentConfiguration
    let stats: AgentStats
    let logger: Logger
    private let client: CurlClient
    private let state = Mutex(State())
    /// Raised by new events and by shutdown: the idle loop waits on it.
    private let wakeup = Wakeup()
    /// Raised by shutdown only: a backoff waits on it, so new events do not cut the backoff short.
    private let shutdownStarted = Wakeup()
    /// Called with every command a listener sends back (the agent changes its interval or throttling).
    private let onCommand: @Sendable (ListenerCommand) async -> Void
    /// Backoff after the first failure; doubles per failure up to `maximumBackoff`.
    let initialBackoff: Duration
    let maximumBackoff: Duration
    private let rejectionLog: Mutex<[Int: (last: ContinuousClock.Instant, suppressed: Int)]> = Mutex([:])
    /// Whether a 7.x listener's commandList (which 7.x does not have) was already logged.
    private let ignoredCommandListLogged = Atomic<Bool>(false)

    public init(
        configuration: AgentConfiguration,
        stats: AgentStats,
        logger: Logger,
        onCommand: @escaping @Sendable (ListenerCommand) async -> Void
    ) {
        self.configuration = configuration
        self.stats = stats
        self.logger = logger
        self.initialBackoff = .seconds(configuration.initialRetryDelay)
        self.maximumBackoff = .seconds(configuration.maximumRetryDelay)
        self.onCommand = onCommand
        client = CurlClient(
            configuration: CurlClientConfiguration(
                timeout: configuration.timeout,
                connectTimeout: min(configuration.timeout, 5),
                verifyPeer: configuration.verifyPeer,
                caCertificatePath: configuration.caCertificate
            )
        )
    }

    /// Queues events for sending; when the queue is full the oldest are dropped, counted and logged.
    public func enqueue(_ events: [BuiltEvent]) {
        guard !events.isEmpty else { return }
        let capacity = configuration.queueSize
        let (dropped, depth, spoolError) = state.withLock { state -> (Int, Int, AgentError?) in
            var spoolError: AgentError? = nil
            do throws(AgentError) {
                try state.journal?.append(events)
            } catch {
                spoolError = error
            }
            state.queue.append(contentsOf: events)
            let excess = max(0, state.queue.count - capacity)
            if excess > 0 {
                state.queue.removeFirst(excess)
                state.journal?.advance(excess)
            }
            return (excess, state.queue.count, spoolError)
        }
        if let spoolError {
            logger.error("events queued but not spooled: \(spoolError.message)")
        }
        stats.update {
            $0.eventsBuilt += events.count
            $0.eventsDropped += dropped
            $0.queueDepth = depth
        }
        if dropped > 0 {
            logger.error(
                "event queue full: dropped the \(dropped) oldest events",
                metadata: ["QueueSize": "\(capacity)"]
            )
        }
        wakeup.signal()
    }

    /// Events waiting to be sent.
    public var queueDepth: Int { state.withLock { $0.queue.count } }

    public func run() async throws {
        try loadSpool()
        await withGracefulShutdownHandler {
            await sendLoop()
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
            self.wakeup.signal()
            self.shutdownStarted.signal()
        }
        spoolRemaining()
    }

    private func sendLoop() async {
        var backoff = initialBackoff
        var deadline: ContinuousClock.Instant? = nil
        var sentSinceTrim = 0
        // cancellation (another service of the group failed) ends the loop; what is queued is spooled
        while !Task.isCancelled {
            let (batch, shuttingDown) = state.withLock { state in
                (Self.nextBatch(of: state.queue, limit: configuration.batchSize), state.shuttingDown)
            }
            if shuttingDown && deadline == nil {
                deadline = .now + .seconds(configuration.shutdownTimeout)
            }
            if batch.isEmpty {
                if shuttingDown { return }
                if sentSinceTrim >= 1000 {
                    // a burst was built and sent: hand its freed memory back to the system
                    MemoryRelease.releaseFreeMemory()
                    sentSinceTrim = 0
                }
                await wakeup.wait()
                continue
            }
            if let deadline, ContinuousClock.now >= deadline { return }
            let outcome = await post(batch)
            switch outcome {
            case .delivered(let commands):
                remove(batch.count)
                // commands first, so whoever waits for the sent count sees their effect
                for command in commands { await onCommand(command) }
                stats.update { $0.eventsSent += batch.count }
                sentSinceTrim += batch.count
                backoff = initialBackoff
            case .rejected(let status, let reason):
                remove(batch.count)
                stats.update { $0.eventsRejected += batch.count }
                logRejection(status: status, reason: reason, count: batch.count)
                backoff = initialBackoff
            case .retry(let reason):
                stats.update { $0.retries += 1 }
                logRetry(reason: reason, backoff: backoff)
                var pause = jittered(backoff)
                if let deadline { pause = min(pause, deadline - .now) }
                if pause > .zero { await shutdownStarted.wait(timeout: pause) }
                backoff = min(backoff * 2, maximumBackoff)
            }
        }
    }

    private func remove(_ count: Int) {
        let depth = state.withLock { state -> Int in
            let removed = min(count, state.queue.count)
            state.queue.removeFirst(removed)
            state.journal?.advance(removed)
            // a drained queue gives back the room a burst needed
            if state.queue.isEmpty { state.queue = Deque() }
            return state.queue.count
        }
        stats.update { $0.queueDepth = depth }
    }

    /// The events at the head of the queue that go in the next POST: up to `limit`, all of the first one's domain
    /// (7.x asks a batch to hold one domain, and the ONAP collector refuses mixed batches on every version).
    static func nextBatch(of queue: some Collection<BuiltEvent>, limit: Int) -> [BuiltEvent] {
        guard let first = queue.first else { return [] }
        var batch = [first]
        for event in queue.dropFirst() {
            guard batch.count < limit, event.domain == first.domain else { break }
            batch.append(event)
        }
        return batch
    }

    /// The headers of every POST: Content-Type, and for 7.x the minor and patch version the events follow (the
    /// major one is in the URL).
    static func requestHeaders(for version: VESVersion) -> [(String, String)] {
        var headers = [("Content-Type", "application/json")]
        if version.hasVersionHeaders {
            headers.append(("X-MinorVersion", String(version.parts.minor)))
            headers.append(("X-PatchVersion", String(version.parts.patch)))
        }
        return headers
    }

    private func jittered(_ duration: Duration) -> Duration {
        duration * Double.random(in: 0.8...1.2)
    }

    /// One POST of one event (to the event URL) or several (to eventBatch).
    func post(_ batch: [BuiltEvent]) async -> Outcome {
        let single = batch.count == 1 && configuration.batchSize == 1
        let body = single ? batch[0].body : BuiltEvent.batchBody(batch)
        let url = single ? configuration.eventListenerURL : configuration.eventBatchURL
        return await post(body: Array(body.utf8), to: url)
    }

    func post(body: [UInt8], to url: String) async -> Outcome {
        let request = CurlRequest(
            method: "POST",
            url: url,
            headers: Self.requestHeaders(for: configuration.vesVersion),
            body: body,
            username: configuration.username,
            password: configuration.password
        )
        let response: CurlResponse
        do {
            response = try await client.send(request)
        } catch {
            return .retry(reason: "\(url) is not reachable: \(error.message)")
        }
        switch response.status {
        case 200..<300:
            let commands = ListenerCommand.parse(body: response.body)
            guard configuration.vesVersion.hasCommandList else {
                // 7.x has no command list: whatever the body says is ignored, and said once
                if !commands.isEmpty, !ignoredCommandListLogged.exchange(true, ordering: .relaxed) {
                    logger.warning(
                        "\(url) answered with a commandList, which VES \(configuration.vesVersion.rawValue) does not have: ignored (logged once)"
                    )
                }
                return .delivered(commands: [])
            }
            return .delivered(commands: commands)
        case 408, 429, 500...599:
            return .retry(reason: "\(url) answered \(response.status)\(Self.errorText(response))")
        default:
            return .rejected(
                status: response.status,
                reason: "\(url) answered \(response.status)\(Self.errorText(response))"
            )
        }
    }

    /// The listener's `requestError` text, when the body has one.
    static func errorText(_ response: CurlResponse) -> String {
        guard let document = try? JSONParser().parse(response.body), let error = RequestError(json: document) else {
            return ""
        }
        return ": \(error.messageId) \(error.renderedText)"
    }

    /// Posts the throttling state in force to `clientThrottlingState` (the provideThrottlingState command).
    public func postThrottlingState(_ body: JSONValue) async {
        let outcome = await post(body: PythonJSON.dumpsBytes(body), to: configuration.throttlingStateURL)
        switch outcome {
        case .delivered:
            logger.info("posted the throttling state", metadata: ["url": "\(configuration.throttlingStateURL)"])
        case .retry(let reason), .rejected(_, let reason):
            logger.warning("could not post the throttling state: \(reason)")
        }
    }

    // MARK: Logging

    private func logRetry(reason: String, backoff: Duration) {
        logger.warning(
            "event not delivered, will retry: \(reason)",
            metadata: ["queue": "\(queueDepth)", "retryIn": "\(backoff)"]
        )
    }

    /// Rejections are logged at most once per SendEventInterval per status, with how many were suppressed.
    private func logRejection(status: Int, reason: String, count: Int) {
        let interval = Duration.seconds(max(configuration.sendEventInterval, 1))
        let now = ContinuousClock.now
        let suppressed = rejectionLog.withLock { log -> Int? in
            if let entry = log[status], now - entry.last < interval {
                log[status] = (entry.last, entry.suppressed + count)
                return nil
            }
            let suppressed = log[status]?.suppressed ?? 0
            log[status] = (now, 0)
            return suppressed
        }
        guard let suppressed else { return }
        let hint = status == 401 || status == 403 ? " (check Username and Password)" : ""
        logger.error(
            "listener refused \(count) event(s), not retried\(hint): \(reason)",
            metadata: suppressed > 0 ? ["alsoRefusedSinceLastLog": "\(suppressed)"] : [:]
        )
    }

    // MARK: Spool

    /// Puts what an earlier run left in the spool (after a stop, a crash or a kill) at the front of the queue, and
    /// opens the journal that keeps the queue on disk from now on.
    func loadSpool() throws(AgentError) {
        guard let directory = configuration.spoolDirectory else { return }
        let events = try SpoolJournal.recover(directory: directory)
        let queued = state.withLock { state in
            state.queue.insert(contentsOf: events, at: 0)
            return Array(state.queue)
        }
        let journal = try SpoolJournal(directory: directory, queued: queued)
        state.withLock { $0.journal = journal }
        stats.update {
            $0.eventsUnspooled += events.count
            $0.queueDepth = queued.count
        }
        if !events.isEmpty {
            logger.info("read \(events.count) spooled events", metadata: ["spool": "\(journal.path)"])
        }
    }

    /// At the end: what is still queued stays in the spool, compacted (or is counted as lost without one).
    private func spoolRemaining() {
        let (remaining, result) = state.withLock { state -> ([BuiltEvent], Result<String, AgentError>?) in
            let remaining = Array(state.queue)
            guard var journal = state.journal else { return (remaining, nil) }
            defer {
                journal.closeFiles()
                state.journal = nil
            }
            do throws(AgentError) {
                try journal.rewrite(remaining)
                return (remaining, .success(journal.path))
            } catch {
                return (remaining, .failure(error))
            }
        }
        guard !remaining.isEmpty else { return }
        switch result {
        case .none:
            stats.update { $0.eventsDropped += remaining.count }
            logger.error(
                "\(remaining.count) events were not delivered before shutdown and are lost (set SpoolDirectory to keep them)"
            )
        case .some(.failure(let error)):
            stats.update { $0.eventsDropped += remaining.count }
            logger.error("\(error.message); \(remaining.count) events lost")
        case .some(.success(let path)):
            state.withLock { $0.queue.removeAll() }
            stats.update {
                $0.eventsSpooled += remaining.count
                $0.queueDepth = 0
            }
            logger.notice("spooled \(remaining.count) undelivered events", metadata: ["spool": "\(path)"])
        }
    }
}
