public import Collectd
public import Logging
import Synchronization
public import VESMapping
import VESModel

/// The agent's state machine, independent of sockets and timers: decodes datagrams, updates the value cache,
/// turns notifications into fault events at once and ticks into measurement events (and, in 5.4.1 and 7.2.1,
/// heartbeats into heartbeat events). Under `--clock trace` the ticks come from the times of the values themselves,
/// exactly as the reference runner ticks.
public final class AgentCore: Sendable {
    struct State: ~Copyable {
        var cache: ValueCache
        /// VES 1.1: the reference plugin's events.
        var builder: EventBuilder
        /// VES 5.4.1 and 7.2.1 (nil for 1.1).
        var specBuilder: ONAPEventBuilder?
        /// Trace clock: when the next tick is due, in trace seconds (nil before the first value).
        var nextTick: Double? = nil
        var interval: Double
        /// Seconds between heartbeats (5.4.1, 7.2.1); 0 sends none.
        var heartbeatInterval: Int
        /// Trace clock: when the next heartbeat is due (nil before the first value).
        var nextHeartbeat: Double? = nil
        var lastNotes: Set<String> = []
        /// A mapping file's templates, which then build every event (nil: the builders do).
        var mapping: MappingRun? = nil

        /// Series held, whoever holds them.
        var seriesCount: Int { mapping?.seriesCount ?? cache.seriesCount }

        /// One tick of whichever builder the version uses.
        mutating func tick(now: Double) -> EventBuilder.Output {
            if mapping != nil, let output = mapping?.tick(now: now, interval: interval) { return output }
            if specBuilder != nil, let output = specBuilder?.tick(cache: &cache, now: now, interval: interval) {
                return output
            }
            return builder.tick(cache: &cache, now: now, interval: interval)
        }

        mutating func fault(for notification: Notification, now: Double) -> EventBuilder.Output {
            if mapping != nil, let output = mapping?.faults(for: notification, now: now, interval: interval) {
                return output
            }
            if specBuilder != nil, let output = specBuilder?.fault(for: notification) { return output }
            return builder.fault(for: notification)
        }

        /// A heartbeat event when the version has them and they are on.
        mutating func heartbeat(now: Double) -> EventBuilder.Output? {
            guard heartbeatInterval > 0 else { return nil }
            return specBuilder?.heartbeat(now: now, intervalSeconds: heartbeatInterval)
        }
    }

    public let configuration: AgentConfiguration
    /// True when a mapping file builds the events (no heartbeats then: the file describes every event).
    public let usesMappingFile: Bool
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
        mapping: MappingFile? = nil,
        stats: AgentStats,
        logger: Logger,
        deliver: @escaping @Sendable ([BuiltEvent]) -> Void
    ) {
        self.configuration = configuration
        self.usesMappingFile = mapping != nil
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
        var specBuilder: ONAPEventBuilder? = nil
        if configuration.vesVersion != .ves11 {
            specBuilder = ONAPEventBuilder(
                settings: .init(
                    version: configuration.vesVersion,
                    hostname: configuration.hostname,
                    guestRunning: configuration.guestRunning
                ),
                typesDB: typesDB,
                header: HeaderConstants(
                    nfNamingCode: configuration.nfNamingCode,
                    nfcNamingCode: configuration.nfcNamingCode,
                    nfVendorName: configuration.vesVersion == .ves721 ? configuration.nfVendorName : "",
                    timeZoneOffset: configuration.vesVersion == .ves721 ? configuration.timeZoneOffset : ""
                )
            )
        }
        decoder = Mutex(NetworkDecoder(securityLevel: configuration.securityLevel, authFile: authFile))
        state = Mutex(
            State(
                cache: ValueCache(expireAfterTicks: configuration.expireIntervals),
                builder: builder,
                specBuilder: specBuilder,
                interval: configuration.sendEventInterval,
                heartbeatInterval: specBuilder == nil || mapping != nil ? 0 : configuration.heartbeatInterval,
                mapping: mapping.map { MappingRun(file: $0, typesDB: typesDB, hostname: configuration.hostname) }
            )
        )
    }

    /// The send interval in force (SendEventInterval unless a listener changed it).
    public var interval: Double { state.withLock { $0.interval } }

    /// Seconds between heartbeats in force (HeartbeatInterval unless a listener changed it); 0 when none are sent
    /// (always with VES 1.1).
    public var heartbeatInterval: Int { state.withLock { $0.heartbeatInterval } }

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
                return (failure != nil, state.seriesCount, state.cache.expiredCount)
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
            return (state.seriesCount, state.cache.expiredCount)
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
                let output = state.tick(now: due)
                intake.events += output.events
                intake.notes += output.notes
                intake.staleVMs += output.staleVMCount
                intake.ticks += 1
                state.nextTick = due + state.interval
            }
            if state.heartbeatInterval > 0 {
                if state.nextHeartbeat == nil { state.nextHeartbeat = time }
                while let due = state.nextHeartbeat, time >= due, let output = state.heartbeat(now: due) {
                    intake.events += output.events
                    state.nextHeartbeat = due + Double(state.heartbeatInterval)
                }
            }
        }
        switch record {
        case .values(let list):
            intake.valueLists += 1
            if state.mapping != nil {
                state.mapping?.update(list)
            } else {
                state.cache.update(list)
            }
        case .notification(let notification):
            intake.notifications += 1
            let now = notification.time.raw == 0 ? CollectdReceiver.wallSeconds() : notification.time.seconds
            let output = state.fault(for: notification, now: now)
            intake.events += output.events
            intake.notes += output.notes
        }
    }

    /// One tick of the wall clock at `now` (seconds since 1970).
    public func tick(now: Double) {
        let output = state.withLock { state in state.tick(now: now) }
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
            return state.tick(now: due)
        }
        guard let output else { return }
        publishTick(output)
    }

    /// A heartbeat of the wall clock at `now` (seconds since 1970); nothing when heartbeats are off.
    public func heartbeat(now: Double) {
        guard let output = state.withLock({ $0.heartbeat(now: now) }) else { return }
        finish(events: output.events, notes: output.notes)
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
            state.withLock { state in
                state.builder.throttling.set(specification)
                state.specBuilder?.throttling.set(specification)
            }
            logger.notice(
                "listener throttles \(specification.eventDomain) events",
                metadata: ["suppressedFieldNames": "\(specification.suppressedFieldNames)"]
            )
            return false
        case .heartbeatIntervalChange(let seconds):
            guard configuration.vesVersion != .ves11 else { return false }
            guard !usesMappingFile else {
                logger.info("ignoring a heartbeatIntervalChange: the mapping file describes every event sent")
                return false
            }
            guard let seconds, seconds.rounded() == seconds, (0...86_400).contains(seconds) else {
                logger.warning(
                    "ignoring a heartbeatIntervalChange without a whole number of seconds from 0 to 86400: \(seconds.map { String($0) } ?? "none")"
                )
                return false
            }
            let interval = Int(seconds)
            state.withLock { state in
                if let due = state.nextHeartbeat {
                    state.nextHeartbeat = due - Double(state.heartbeatInterval) + Double(interval)
                }
                state.heartbeatInterval = interval
            }
            logger.notice("listener changed the heartbeat interval to \(interval) s")
            return true
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
