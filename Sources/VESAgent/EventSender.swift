import CurlClient
import DequeModule
public import JSON
public import Logging
public import ServiceLifecycle
import Synchronization
import VESModel

/// Posts events to the VES listener in order, without losing them: events that could not be delivered stay at the
/// head of a bounded queue and are retried with exponential backoff and jitter (what each answer does is in
/// ``ListenerAnswer``); with a spool directory the queue is journaled on disk as it changes, and at shutdown
/// what is left after the deadline stays there, read back at the next start.
public final class EventSender: Service, Sendable {
    struct State {
        var queue = Deque<BuiltEvent>()
        /// Events ever taken off the front of the queue: a batch's place in the queue is its position minus this,
        /// so a batch whose front was dropped while it was in flight (a full queue) is still found.
        var removedFromFront = 0
        var shuttingDown = false
        /// The queue's copy on disk, with SpoolDirectory.
        var journal: SpoolJournal? = nil
        /// After a body-too-large answer: batch bodies are kept at most this many bytes for the rest of the run.
        var bodyByteCap: Int? = nil
    }

    let configuration: AgentConfiguration
    let stats: AgentStats
    let logger: Logger
    /// Posts a round's batches at once, one per connection (``AgentConfiguration/connections``), and throttling
    /// states between rounds.
    let parallelClient: CurlParallelClient
    /// The connections, so the most batches a round has.
    let connections: Int
    let state = Mutex(State())
    /// Raised by new events and by shutdown: the idle loop waits on it.
    let wakeup = Wakeup()
    /// Raised by shutdown only: a backoff waits on it, so new events do not cut the backoff short.
    private let shutdownStarted = Wakeup()
    /// Called with every command a listener sends back (the agent changes its interval or throttling).
    private let onCommand: @Sendable (ListenerCommand) async -> Void
    /// Backoff after the first failure; doubles per failure up to `maximumBackoff`.
    let initialBackoff: Duration
    let maximumBackoff: Duration
    /// When each kind of line was last logged and how many were left out since, for lines that could flood.
    private let lineLog: Mutex<[String: (last: ContinuousClock.Instant, suppressed: Int)]> = Mutex([:])
    /// Whether a 7.x listener's commandList (which 7.x does not have) was already logged.
    private let ignoredCommandListLogged = Atomic<Bool>(false)
    /// Where events refused for good are written.
    let rejectedFile: RejectedEventFile

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
        rejectedFile = RejectedEventFile(spoolDirectory: configuration.spoolDirectory)
        let clientConfiguration = CurlClientConfiguration(
            timeout: configuration.timeout,
            connectTimeout: min(configuration.timeout, 5),
            verifyPeer: configuration.verifyPeer,
            caCertificatePath: configuration.caCertificate
        )
        // the range is checked where the configuration is read; a value built in code is held to it here
        let range = AgentConfiguration.connectionsRange
        let connections = min(max(configuration.connections, range.lowerBound), range.upperBound)
        self.connections = connections
        parallelClient = CurlParallelClient(connections: connections, configuration: clientConfiguration)
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
        // after an invalid answer to a batch: its events go again in smaller batches (`events` more of them)
        var narrowed: (limit: Int, events: Int)? = nil
        // cancellation (another service of the group failed) ends the loop; what is queued is spooled
        while !Task.isCancelled {
            // one connection while a refused batch is narrowed or the listener is failing: a probe, not a storm
            let lanes = narrowed == nil && backoff == initialBackoff ? connections : 1
            let (round, shuttingDown) = state.withLock { state in
                let limit = min(configuration.batchSize, narrowed?.limit ?? .max)
                return (
                    Self.nextRound(of: state, lanes: lanes, limit: limit, maximumBodyBytes: state.bodyByteCap),
                    state.shuttingDown
                )
            }
            if shuttingDown && deadline == nil {
                deadline = .now + .seconds(configuration.shutdownTimeout)
            }
            if round.isEmpty {
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
            let answers = await post(round)
            // a split or a drop goes on at once; only a held batch waits out a backoff
            let outcome = settle(round, answers, narrowed: &narrowed)
            // commands first, so whoever waits for the sent count sees their effect
            await run(outcome.commands)
            if outcome.delivered > 0 {
                stats.update { $0.eventsSent += outcome.delivered }
                sentSinceTrim += outcome.delivered
            }
            if let (reason, level) = outcome.retry {
                logRetry(reason: reason, backoff: backoff, level: level)
                await pause(&backoff, until: deadline)
            } else if outcome.delivered > 0 {
                backoff = initialBackoff
            }
        }
    }

    /// What a round's answers came to: the events delivered, the commands of their answers in order, and the
    /// reason to wait before the next round, if a batch is held for a retry.
    struct RoundOutcome {
        var delivered = 0
        var commands: [ListenerCommand] = []
        var retry: (reason: String, level: Logger.Level)? = nil
    }

    /// Takes each answer in the order of the queue. Delivered batches leave the queue wherever they are; the first
    /// batch that did not go through is handled as one connection would handle it, and later batches that did not
    /// go through stay queued behind it, for a later round.
    func settle(
        _ round: [QueuedBatch],
        _ answers: [ListenerAnswer],
        narrowed: inout (limit: Int, events: Int)?
    ) -> RoundOutcome {
        var outcome = RoundOutcome()
        // events of held batches so far, and events delivered behind them (taken out of the middle of the queue)
        var held = 0
        var removedBehind = 0
        for (batch, answer) in zip(round, answers) {
            if case .delivered(let commands) = answer {
                removedBehind += remove(batch, removedBefore: removedBehind)
                outcome.delivered += batch.events.count
                outcome.commands += commands
                if held == 0 { narrowed = Self.passed(batch.events.count, narrowed) }
                continue
            }
            if held > 0 {
                held += batch.events.count
                continue
            }
            switch answer {
            case .delivered:
                break
            case .tooLarge(_, let reason, _) where batch.events.count > 1:
                narrowTooLarge(batch.events, reason: reason)
                held += batch.events.count
            case .invalid(_, let reason, _) where batch.events.count > 1:
                narrowed = (max(1, batch.events.count / 2), batch.events.count)
                held += batch.events.count
                logLimited(
                    "invalid batch",
                    level: .notice,
                    "listener refused a batch of \(batch.events.count) events as invalid: sending it in halves to find the invalid ones: \(reason)"
                )
            case .tooLarge(let status, let reason, let body), .invalid(let status, let reason, let body):
                let why: String
                if case .tooLarge = answer { why = "too large for the listener" } else { why = "invalid" }
                removedBehind += reject(
                    batch,
                    removedBefore: removedBehind,
                    status: status,
                    reason: reason,
                    body: body,
                    why: why
                )
                narrowed = Self.passed(1, narrowed)
            case .unauthorized(_, let reason):
                outcome.retry = (reason + "; check Username and Password", .error)
                held += batch.events.count
            case .retry(let reason):
                outcome.retry = (reason, .warning)
                held += batch.events.count
            }
        }
        return outcome
    }

    /// Waits out a backoff (cut short by shutdown) and doubles it.
    private func pause(_ backoff: inout Duration, until deadline: ContinuousClock.Instant?) async {
        stats.update { $0.retries += 1 }
        var pause = backoff * Double.random(in: 0.8...1.2)
        if let deadline { pause = min(pause, deadline - .now) }
        if pause > .zero { await shutdownStarted.wait(timeout: pause) }
        backoff = min(backoff * 2, maximumBackoff)
    }

    /// The commands of one answer, run in order with bounds: as many as ``ListenerCommand/parse(body:)`` took (it
    /// caps them), and one provideThrottlingState at most (one POST, with the normal Timeout), so one answer holds
    /// the send loop for about one Timeout at most.
    private func run(_ commands: [ListenerCommand]) async {
        var postedState = false
        for command in commands {
            if command == .provideThrottlingState {
                guard !postedState else { continue }
                postedState = true
            }
            await onCommand(command)
        }
    }

    /// The narrowing left after `count` more events of it passed; nil once the refused batch has gone.
    private static func passed(_ count: Int, _ narrowed: (limit: Int, events: Int)?) -> (limit: Int, events: Int)? {
        guard let narrowed, narrowed.events > count else { return nil }
        return (narrowed.limit, narrowed.events - count)
    }

    /// A batch too large for the listener: later batches are kept to the size of its larger half, which sends it in
    /// halves (and halves again if a half is refused too).
    private func narrowTooLarge(_ batch: [BuiltEvent], reason: String) {
        let size = Self.batchBodyBytes(batch)
        let half = (batch.count + 1) / 2
        let cap = max(Self.batchBodyBytes(Array(batch[..<half])), Self.batchBodyBytes(Array(batch[half...])))
        state.withLock { $0.bodyByteCap = min($0.bodyByteCap ?? .max, cap) }
        logger.notice(
            "listener refused a batch of \(batch.count) events (\(size) bytes) as too large: sending batches of at most \(cap) bytes",
            metadata: ["answer": "\(reason)"]
        )
    }

    /// Drops a refused event for good: counted, logged (at most once per SendEventInterval per status) and written
    /// to the rejected file. Returns how many events it took out of the middle of the queue, as ``remove(_:removedBefore:)``.
    private func reject(
        _ queued: QueuedBatch,
        removedBefore: Int,
        status: Int,
        reason: String,
        body: [UInt8],
        why: String
    ) -> Int {
        let batch = queued.events
        let fromMiddle = remove(queued, removedBefore: removedBefore)
        stats.update { $0.eventsRejected += batch.count }
        let failure = rejectedFile.write(batch, status: status, answer: body)
        let ids = batch.prefix(5).map { LogText.escaped($0.eventId, limit: 60) }.joined(separator: ", ")
        let kept = failure.map { "; not kept: \($0)" } ?? "; kept in \(rejectedFile.path)"
        logLimited(
            "rejected \(status)",
            level: .error,
            "listener refused \(batch.count) event(s) (\(ids)) as \(why), dropped\(kept): \(reason)"
        )
        return fromMiddle
    }

    /// The events at the head of the queue that go in the next POST: up to `limit`, all of the first one's domain
    /// (7.x asks a batch to hold one domain, and the ONAP collector refuses mixed batches on every version), and
    /// with `maximumBodyBytes` no more than fit in that many bytes (always at least one event).
    static func nextBatch(
        of queue: some Collection<BuiltEvent>,
        limit: Int,
        maximumBodyBytes: Int? = nil
    ) -> [BuiltEvent] {
        guard let first = queue.first else { return [] }
        var batch = [first]
        var bytes = batchBodyBytes(batch)
        for event in queue.dropFirst() {
            guard batch.count < limit, event.domain == first.domain else { break }
            let more = event.eventJSON.utf8.count + 2
            if let maximumBodyBytes, bytes + more > maximumBodyBytes { break }
            batch.append(event)
            bytes += more
        }
        return batch
    }

    /// The size of the batch body `{"eventList": [e1, e2]}`.
    static func batchBodyBytes(_ batch: [BuiltEvent]) -> Int {
        batch.reduce(17) { $0 + $1.eventJSON.utf8.count } + max(0, batch.count - 1) * 2
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

    /// The POST of one event (to the event URL) or several (to eventBatch).
    func request(for batch: [BuiltEvent]) -> CurlRequest {
        let single = batch.count == 1 && configuration.batchSize == 1
        let body = single ? batch[0].body : BuiltEvent.batchBody(batch)
        return request(
            body: Array(body.utf8),
            to: single ? configuration.eventListenerURL : configuration.eventBatchURL
        )
    }

    func request(body: [UInt8], to url: String) -> CurlRequest {
        CurlRequest(
            method: "POST",
            url: url,
            headers: Self.requestHeaders(for: configuration.vesVersion),
            body: body,
            username: configuration.username,
            password: configuration.password
        )
    }

    /// What the listener's response (or the failure to get one) means for the events posted.
    func answer(to result: Result<CurlResponse, CurlError>, of request: CurlRequest) -> ListenerAnswer {
        let url = request.url
        let response: CurlResponse
        switch result {
        case .failure(let error):
            stats.metrics.sent(status: nil)
            return .retry(reason: "\(url) is not reachable: \(LogText.escaped(error.message))")
        case .success(let answered):
            response = answered
        }
        stats.metrics.sent(status: response.status)
        guard (200..<300).contains(response.status) else {
            return ListenerAnswer.classify(status: response.status, body: response.body, url: url)
        }
        if response.bodyOmitted {
            // delivered all the same: sending the events again would get the same answer forever
            logger.warning("\(url) answered \(response.status) with a body too large to read: its commands are ignored")
            return .delivered(commands: [])
        }
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
    }

    /// Posts the throttling state in force to `clientThrottlingState` (the provideThrottlingState command), with
    /// the normal Timeout.
    public func postThrottlingState(_ body: JSONValue) async {
        let request = request(body: PythonJSON.dumpsBytes(body), to: configuration.throttlingStateURL)
        // the send loop waits for the commands it runs, so the connections are free: no client of its own
        let answer = self.answer(to: await parallelClient.send([request])[0], of: request)
        switch answer {
        case .delivered:
            logger.info("posted the throttling state", metadata: ["url": "\(configuration.throttlingStateURL)"])
        case .retry(let reason), .unauthorized(_, let reason), .tooLarge(_, let reason, _), .invalid(_, let reason, _):
            logger.warning("could not post the throttling state: \(reason)")
        }
    }

    // MARK: Logging

    /// One line per retry, that is per backoff step (never per event).
    private func logRetry(reason: String, backoff: Duration, level: Logger.Level) {
        logger.log(
            level: level,
            "events not delivered, held and retried: \(reason)",
            metadata: ["queue": "\(queueDepth)", "retryIn": "\(backoff)"]
        )
    }

    func logSpoolError(_ error: AgentError) {
        logLimited(
            "spool",
            level: .error,
            "the spool could not be written: \(error.message); the events stay queued in memory and the whole queue is written again at the next change"
        )
    }

    /// Logs `message` at most once per SendEventInterval (at least a second) per `kind`, with how many lines were
    /// left out since.
    func logLimited(_ kind: String, level: Logger.Level, _ message: String) {
        let interval = Duration.seconds(max(configuration.sendEventInterval, 1))
        let now = ContinuousClock.now
        let suppressed = lineLog.withLock { log -> Int? in
            if let entry = log[kind], now - entry.last < interval {
                log[kind] = (entry.last, entry.suppressed + 1)
                return nil
            }
            let suppressed = log[kind]?.suppressed ?? 0
            log[kind] = (now, 0)
            return suppressed
        }
        guard let suppressed else { return }
        logger.log(
            level: level,
            "\(message)",
            metadata: suppressed > 0 ? ["linesLeftOutSinceLast": "\(suppressed)"] : [:]
        )
    }
}
