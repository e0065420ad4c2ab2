public import Collectd
public import Logging
import Synchronization

/// The agent's state machine, independent of sockets and timers: decodes datagrams, updates the value cache,
/// turns notifications into fault events at once and ticks into measurement events. Under `--clock trace` the
/// ticks come from the times of the values themselves, exactly as the reference runner ticks.
public final class AgentCore: Sendable {
    struct State: ~Copyable {
        var cache: ValueCache
        var builder: EventBuilder
        /// Trace clock: when the next tick is due, in trace seconds (nil before the first value).
        var nextTick: Double? = nil
        var interval: Double
        var lastNotes: Set<String> = []
    }

    public let configuration: AgentConfiguration
    let stats: AgentStats
    let logger: Logger
    private let state: Mutex<State>
    /// Only the receiving loop decodes; taken before `state`.
    private let decoder: Mutex<NetworkDecoder>
    /// Where built events go (the sender's queue).
    private let deliver: @Sendable ([BuiltEvent]) -> Void

    public init(
        configuration: AgentConfiguration,
        typesDB: TypesDB,
        authFile: AuthFile?,
        stats: AgentStats,
        logger: Logger,
        deliver: @escaping @Sendable ([BuiltEvent]) -> Void
    ) {
        self.configuration = configuration
        self.stats = stats
        self.logger = logger
        self.deliver = deliver
        let builder = EventBuilder(
            settings: .init(
                hostname: configuration.hostname,
                functionalRole: configuration.functionalRole,
                guestRunning: configuration.guestRunning
            ),
            typesDB: typesDB
        )
        decoder = Mutex(NetworkDecoder(securityLevel: configuration.securityLevel, authFile: authFile))
        state = Mutex(
            State(
                cache: ValueCache(expireAfterTicks: configuration.expireIntervals),
                builder: builder,
                interval: configuration.sendEventInterval
            )
        )
    }

    /// The send interval in force (SendEventInterval unless a listener changed it).
    public var interval: Double { state.withLock { $0.interval } }

    /// What taking in some records produced, gathered under the lock and published after it.
    struct Intake {
        var events: [BuiltEvent] = []
        var notes: [String] = []
        var valueLists = 0
        var notifications = 0
        var ticks = 0
        var staleVMs = 0
    }

    /// Decodes one datagram and takes in its records.
    public func ingest(datagram: UnsafeRawBufferPointer) {
        var intake = Intake()
        let (bad, series, expired) = decoder.withLock { decoder -> (Bool, Int, Int) in
            state.withLock { state -> (Bool, Int, Int) in
                let failure = decoder.decode(datagram) { record in
                    Self.take(record, state: &state, configuration: configuration, intake: &intake)
                }
                return (failure != nil, state.cache.seriesCount, state.cache.expiredCount)
            }
        }
        publish(intake, datagrams: 1, bad: bad ? 1 : 0, series: series, expired: expired)
    }

    /// Takes in records already decoded (tests and tools).
    public func ingest(_ records: [CollectdRecord]) {
        var intake = Intake()
        let (series, expired) = state.withLock { state -> (Int, Int) in
            for record in records {
                Self.take(record, state: &state, configuration: configuration, intake: &intake)
            }
            return (state.cache.seriesCount, state.cache.expiredCount)
        }
        publish(intake, datagrams: 0, bad: 0, series: series, expired: expired)
    }

    private func publish(_ intake: Intake, datagrams: Int, bad: Int, series: Int, expired: Int) {
        stats.update {
            $0.datagrams += datagrams
            $0.badDatagrams += bad
            $0.valueLists += intake.valueLists
            $0.notifications += intake.notifications
            $0.ticks += intake.ticks
            $0.staleVMs += intake.staleVMs
            $0.series = series
            $0.seriesExpired = expired
        }
        finish(events: intake.events, notes: intake.notes)
    }

    private static func take(
        _ record: CollectdRecord,
        state: inout State,
        configuration: AgentConfiguration,
        intake: inout Intake
    ) {
        if configuration.clock == .trace {
            let time = record.time.seconds
            if state.nextTick == nil { state.nextTick = time + state.interval }
            while let due = state.nextTick, time >= due {
                let output = state.builder.tick(cache: &state.cache, now: due, interval: state.interval)
                intake.events += output.events
                intake.notes += output.notes
                intake.staleVMs += output.staleVMCount
                intake.ticks += 1
                state.nextTick = due + state.interval
            }
        }
        switch record {
        case .values(let list):
            intake.valueLists += 1
            state.cache.update(list)
        case .notification(let notification):
            intake.notifications += 1
            let output = state.builder.fault(for: notification)
            intake.events += output.events
            intake.notes += output.notes
        }
    }

    /// One tick of the wall clock at `now` (seconds since 1970).
    public func tick(now: Double) {
        let output = state.withLock { state in
            state.builder.tick(cache: &state.cache, now: now, interval: state.interval)
        }
        if output.staleVMCount > 0 {
            logger.debug(
                "virt values are not up to date for \(output.staleVMCount) VMs, e.g. \(output.staleVMExamples.joined(separator: ", "))"
            )
        }
        publishTick(output)
        // a tick's garbage (views of every series) would otherwise stay resident until the next burst
        MemoryRelease.releaseFreeMemory()
    }

    /// The last tick of the trace clock, at shutdown (the reference runner's final tick).
    public func finalTraceTick() {
        guard configuration.clock == .trace else { return }
        let output = state.withLock { state -> EventBuilder.Output? in
            guard let due = state.nextTick else { return nil }
            state.nextTick = due + state.interval
            return state.builder.tick(cache: &state.cache, now: due, interval: state.interval)
        }
        guard let output else { return }
        publishTick(output)
    }

    private func publishTick(_ output: EventBuilder.Output) {
        stats.update {
            $0.ticks += 1
            $0.staleVMs += output.staleVMCount
        }
        finish(events: output.events, notes: output.notes)
    }

    /// Applies a listener's command that concerns building events; returns true when the interval changed.
    @discardableResult
    public func apply(_ command: ListenerCommand) -> Bool {
        switch command {
        case .measurementIntervalChange(let seconds):
            let interval = seconds == 0 ? configuration.sendEventInterval : seconds
            state.withLock { state in
                // under the trace clock the next tick moves: one new interval after the last tick
                if let due = state.nextTick { state.nextTick = due - state.interval + interval }
                state.interval = interval
            }
            logger.notice("listener changed the measurement interval to \(formatSeconds(interval)) s")
            return true
        case .throttlingSpecification(let specification):
            state.withLock { $0.builder.throttling.set(specification) }
            logger.notice(
                "listener throttles \(specification.eventDomain) events",
                metadata: ["suppressedFieldNames": "\(specification.suppressedFieldNames)"]
            )
            return false
        default:
            return false
        }
    }

    /// The throttling state in force, as posted to `clientThrottlingState`.
    public var throttlingState: ThrottlingPolicy { state.withLock { $0.builder.throttling } }

    private func finish(events: [BuiltEvent], notes: [String]) {
        if !notes.isEmpty {
            let fresh = state.withLock { state -> [String] in
                let fresh = Set(notes).subtracting(state.lastNotes)
                state.lastNotes = Set(notes)
                return Array(fresh)
            }
            for note in fresh.sorted() { logger.warning("\(note)") }
        }
        if !events.isEmpty { deliver(events) }
    }
}
