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
        /// Trace clock: the latest record time taken in (nil before the first value); a record more than
        /// TraceClockWindow from it is refused.
        var traceNow: Double? = nil
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
    /// Refused input is logged at most once a minute per kind.
    let warnings = RateLimitedWarnings()
    let state: Mutex<State>
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
        eventIds: EventIdCounter = EventIdCounter(),
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
            typesDB: typesDB,
            eventIds: eventIds
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
                ),
                eventIds: eventIds
            )
        }
        decoder = Mutex(NetworkDecoder(securityLevel: configuration.securityLevel, authFile: authFile))
        state = Mutex(
            State(
                cache: ValueCache(expireAfterTicks: configuration.expireIntervals, maxSeries: configuration.maxSeries),
                builder: builder,
                specBuilder: specBuilder,
                interval: configuration.sendEventInterval,
                heartbeatInterval: specBuilder == nil || mapping != nil ? 0 : configuration.heartbeatInterval,
                mapping: mapping.map {
                    MappingRun(file: $0, typesDB: typesDB, hostname: configuration.hostname, eventIds: eventIds)
                }
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
        var seriesRefused = 0
        var valuesTooOld = 0
        var traceTimesRefused = 0
        /// The last refused trace time, for the log.
        var refusedTraceTime: Double = 0
        var ticksSkipped = 0
        /// How long each tick run took, for the tick histogram.
        var tickDurations: [Duration] = []
    }

    /// Ticks (and heartbeats) one record may run under the trace clock; the rest due are skipped and counted, so
    /// no record holds the locks for long.
    static let maximumTicksPerRecord = 1000

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
            $0.seriesRefused += intake.seriesRefused
            $0.valuesTooOld += intake.valuesTooOld
            $0.traceTimesRefused += intake.traceTimesRefused
            $0.ticksSkipped += intake.ticksSkipped
        }
        for duration in intake.tickDurations { stats.metrics.tickTook(duration) }
        logRefusals(intake)
        finish(events: intake.events, notes: intake.notes)
    }

    /// The warnings for what an intake refused, at most one a minute per kind.
    private func logRefusals(_ intake: Intake) {
        // the common case, every datagram: nothing refused, nothing to build
        guard intake.seriesRefused + intake.valuesTooOld + intake.traceTimesRefused + intake.ticksSkipped > 0 else {
            return
        }
        let window = formatSeconds(configuration.traceClockWindow)
        let refusals: [(RateLimitedWarnings.Kind, Int, (Int) -> String)] = [
            (
                .seriesRefused, intake.seriesRefused,
                {
                    "refused the values of \($0) new series: MaxSeries (\(self.configuration.maxSeries)) series are held"
                }
            ),
            (
                .valueTooOld, intake.valuesTooOld,
                { "refused \($0) values older than their series' last value (too old)" }
            ),
            (
                .traceTimeRefused, intake.traceTimesRefused,
                {
                    "refused \($0) records whose time (such as \(formatSeconds(intake.refusedTraceTime))) is more than "
                        + "TraceClockWindow (\(window) s) from the trace clock"
                }
            ),
            (
                .ticksSkipped, intake.ticksSkipped,
                { "skipped \($0) trace-clock ticks: a record may run at most \(Self.maximumTicksPerRecord)" }
            ),
        ]
        for (kind, added, message) in refusals {
            guard let count = warnings.due(kind, adding: added) else { continue }
            logger.warning("\(message(count)) (counted since the last such warning)")
        }
    }

    private static func take(
        _ record: CollectdRecord,
        state: inout State,
        configuration: AgentConfiguration,
        intake: inout Intake
    ) {
        switch record {
        case .values: intake.valueLists += 1
        case .notification: intake.notifications += 1
        }
        if configuration.clock == .trace, record.time.raw != 0 {
            guard runTraceClock(to: record.time.seconds, state: &state, configuration: configuration, intake: &intake)
            else { return }
        }
        switch record {
        case .values(let list):
            if state.mapping != nil {
                if state.mapping?.holds(list) == false, state.seriesCount >= configuration.maxSeries {
                    intake.seriesRefused += 1
                } else {
                    state.mapping?.update(list)
                }
            } else {
                switch state.cache.update(list) {
                case .refusedNewSeries: intake.seriesRefused += 1
                case .tooOld: intake.valuesTooOld += 1
                case .added, .updated: break
                }
            }
        case .notification(let notification):
            let now = notification.time.raw == 0 ? CollectdReceiver.wallSeconds() : notification.time.seconds
            let output = state.fault(for: notification, now: now)
            intake.events += output.events
            intake.notes += output.notes
        }
    }

    /// Runs the ticks and heartbeats due by `time` under the trace clock, at most ``maximumTicksPerRecord`` of
    /// each. Returns false, running none, when `time` is more than TraceClockWindow from the clock: a packet time
    /// from the wire (1 s, or 1.7e10 s from a raw `UInt64.max`) must not run millions of ticks or stop them.
    private static func runTraceClock(
        to time: Double,
        state: inout State,
        configuration: AgentConfiguration,
        intake: inout Intake
    ) -> Bool {
        if let now = state.traceNow, abs(time - now) > configuration.traceClockWindow {
            intake.traceTimesRefused += 1
            intake.refusedTraceTime = time
            return false
        }
        state.traceNow = max(state.traceNow ?? time, time)
        if state.nextTick == nil { state.nextTick = time + state.interval }
        var run = 0
        while let due = state.nextTick, time >= due {
            guard run < maximumTicksPerRecord else {
                // bounded by TraceClockWindow / interval, so the count fits
                let skipped = ((time - due) / state.interval).rounded(.down) + 1
                state.nextTick = due + skipped * state.interval
                intake.ticksSkipped += Int(min(skipped, 1e15))
                break
            }
            let started = ContinuousClock.now
            let output = state.tick(now: due)
            intake.tickDurations.append(.now - started)
            intake.events += output.events
            intake.notes += output.notes
            intake.staleVMs += output.staleVMCount
            intake.ticks += 1
            run += 1
            state.nextTick = due + state.interval
        }
        if state.heartbeatInterval > 0 {
            if state.nextHeartbeat == nil { state.nextHeartbeat = time }
            var beats = 0
            while let due = state.nextHeartbeat, time >= due {
                let interval = Double(state.heartbeatInterval)
                guard beats < maximumTicksPerRecord else {
                    state.nextHeartbeat = due + (((time - due) / interval).rounded(.down) + 1) * interval
                    break
                }
                guard let output = state.heartbeat(now: due) else { break }
                intake.events += output.events
                beats += 1
                state.nextHeartbeat = due + interval
            }
        }
        return true
    }

    /// One tick of the wall clock at `now` (seconds since 1970).
    public func tick(now: Double) {
        let started = ContinuousClock.now
        let output = state.withLock { state in state.tick(now: now) }
        stats.metrics.tickTook(.now - started)
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
            let started = ContinuousClock.now
            defer { stats.metrics.tickTook(.now - started) }
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

    /// The most new notes logged per tick.
    static let maximumNotesPerTick = 20

    private func finish(events: [BuiltEvent], notes: [String]) {
        if !notes.isEmpty {
            let fresh = state.withLock { state -> [String] in
                let fresh = Set(notes).subtracting(state.lastNotes)
                state.lastNotes = Set(notes)
                return Array(fresh)
            }
            // at most a screenful per tick: a sender inventing names cannot turn notes into a log flood
            let shown = fresh.sorted().prefix(Self.maximumNotesPerTick)
            for note in shown { logger.warning("\(note)") }
            if fresh.count > shown.count {
                logger.warning("\(fresh.count - shown.count) more notes like these in this tick were not logged")
            }
        }
        if !events.isEmpty { deliver(events) }
    }
}
