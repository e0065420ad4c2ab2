import Collectd
public import Logging
import NIOCore
public import Platform
public import ServiceLifecycle
import Synchronization
import VESMapping
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The receiving half of the agent: the UDP socket (collectd's network protocol), the send timer
/// (wall clock) and the periodic self-metrics line. At shutdown it closes the socket and, under the trace
/// clock, ticks once more, before the sender drains its queue.
public final class CollectdReceiver: Service, Sendable {
    public let core: AgentCore
    public let sender: EventSender
    let configuration: AgentConfiguration
    public let stats: AgentStats
    let logger: Logger
    private let boundAddress = OnceValue<ServiceAddress?>()
    private let intervalChanged = Wakeup()
    private let heartbeatChanged = Wakeup()

    /// Builds the agent's parts from a configuration; fails on an unreadable types.db or auth file, or a mapping
    /// file that cannot be used (its VES version then sets the one the events are sent in).
    public init(configuration given: AgentConfiguration, logger: Logger, stats: AgentStats = AgentStats())
        throws(AgentError)
    {
        let mapping = try given.mappingFile.map { path throws(AgentError) in
            try AgentConfiguration.loadMapping(
                path: path,
                source: nil,
                explicitVersion: given.vesVersion == .ves11 ? nil : given.vesVersion
            )
        }
        // a configuration made in code has not been through the keys' checks
        try given.checkRanges()
        var configuration = given
        if let mapping { configuration.vesVersion = mapping.version }
        self.configuration = configuration
        self.stats = stats
        self.logger = logger
        let typesDB: TypesDB
        do {
            typesDB =
                try configuration.typesDB.map { path throws(CollectdError) in try TypesDB.load(path: path) }
                ?? TypesDB.systemOrBuiltIn()
        } catch {
            throw AgentError(code: .config, message: "Key 'TypesDB': \(error)")
        }
        let authFile: AuthFile?
        do {
            authFile = try configuration.authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
        } catch {
            throw AgentError(code: .config, message: "Key 'AuthFile': \(error)")
        }
        let parts = Mutex<(core: AgentCore, sender: EventSender)?>(nil)
        let wakeups = (interval: intervalChanged, heartbeat: heartbeatChanged)
        let sender = EventSender(configuration: configuration, stats: stats, logger: logger) { command in
            guard let parts = parts.withLock({ $0 }) else { return }
            await Self.handle(command, core: parts.core, sender: parts.sender, logger: logger, wakeups: wakeups)
        }
        self.sender = sender
        core = AgentCore(
            configuration: configuration,
            typesDB: typesDB,
            authFile: authFile,
            mapping: mapping,
            stats: stats,
            logger: logger,
            eventIds: try EventIdCounter.forRun(
                spoolDirectory: configuration.spoolDirectory,
                startSeconds: Self.wallSeconds(),
                logger: logger
            ),
            deliver: { sender.enqueue($0) }
        )
        parts.withLock { $0 = (core, sender) }
    }

    private static func handle(
        _ command: ListenerCommand,
        core: AgentCore,
        sender: EventSender,
        logger: Logger,
        wakeups: (interval: Wakeup, heartbeat: Wakeup)
    ) async {
        switch command {
        case .measurementIntervalChange, .throttlingSpecification, .refusedIntervalChange, .ignoredEntries:
            if core.apply(command) { wakeups.interval.signal() }
        case .provideThrottlingState:
            await sender.postThrottlingState(core.throttlingState.stateBody)
        case .heartbeatIntervalChange(let seconds):
            if core.configuration.vesVersion != .ves11 {
                if core.apply(command) { wakeups.heartbeat.signal() }
                return
            }
            logger.info(
                "listener asked for heartbeats every \(seconds.map(formatSeconds) ?? "?") s: accepted (VES 1.1 sends no heartbeats)"
            )
        case .unknown(let type):
            logger.warning("ignoring an unknown listener command: \(LogText.escaped(type, limit: 100))")
        }
    }

    /// The UDP address the agent listens on, once bound (the real port when Listen asked for port 0); nil when it
    /// could not bind.
    public var listenAddress: ServiceAddress? {
        get async { await boundAddress.value() }
    }

    public func run() async throws {
        let socket: DatagramSocket
        do {
            socket = try await DatagramSocket.receiver(host: configuration.listenHost, port: configuration.listenPort)
        } catch {
            boundAddress.set(nil)
            throw AgentError(
                code: .listen,
                message: "cannot listen on udp://\(configuration.listenHost):\(configuration.listenPort): \(error)"
            )
        }
        let address = ServiceAddress(
            scheme: "udp",
            host: configuration.listenHost,
            port: socket.localAddress.port ?? configuration.listenPort
        )
        boundAddress.set(address)
        if configuration.securityLevel == .none && !Self.isLoopback(configuration.listenHost) {
            logger.warning(
                "Listen is \(address), which other machines can reach, and SecurityLevel is None: anyone who can send it a datagram can feed the agent values; set SecurityLevel Sign or Encrypt with an AuthFile, or listen on a loopback address"
            )
        }
        logger.info(
            "listening for collectd on \(address), sending to \(configuration.eventListenerURL)",
            metadata: ["clock": "\(configuration.clock.rawValue)", "guestRunning": "\(configuration.guestRunning)"]
        )
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.receive(socket) }
                if configuration.clock == .wall {
                    group.addTask { await self.wallClock() }
                    if configuration.vesVersion != .ves11 {
                        group.addTask { await self.heartbeatClock() }
                    }
                }
                group.addTask { await self.reportStats() }
                // the receiver ends first (its socket closed); the timers then stop
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            socket.close()
            self.intervalChanged.signal()
            self.heartbeatChanged.signal()
        }
        core.finalTraceTick()
        logger.info("stopped receiving: \(stats.snapshot.summary)")
    }

    private func receive(_ socket: DatagramSocket) async throws {
        try await socket.withStreams { inbound, _ in
            for try await envelope in inbound {
                envelope.data.withUnsafeReadableBytes { bytes in
                    core.ingest(datagram: bytes)
                }
            }
        }
    }

    /// Ticks every interval of real time, first one interval after start (the plugin's Timer). With 5.4.1 and 7.2.1
    /// the ticks fall on the interval's boundaries (the first at least one interval after start), as those specs
    /// round a measurement period's start to them.
    private func wallClock() async {
        let aligned = configuration.vesVersion != .ves11
        var next =
            aligned
            ? Self.boundary(of: core.interval, atLeast: core.interval) : ContinuousClock.now + .seconds(core.interval)
        while !Task.isCancelled {
            let interval = core.interval
            let wait = next - .now
            if wait > .zero {
                await intervalChanged.wait(timeout: wait)
                if Task.isCancelled { return }
                if core.interval != interval {
                    next =
                        aligned
                        ? Self.boundary(of: core.interval, atLeast: core.interval) : .now + .seconds(core.interval)
                    continue
                }
                if ContinuousClock.now < next { continue }
            }
            core.tick(now: Self.wallSeconds())
            if aligned {
                next = Self.boundary(of: core.interval, atLeast: core.interval / 2)
            } else {
                next = next + .seconds(core.interval)
                if next < .now { next = .now + .seconds(core.interval) }
            }
        }
    }

    /// The instant of the first boundary of `interval` (a multiple of it since 1970) at least `least` seconds from
    /// now.
    static func boundary(of interval: Double, atLeast least: Double) -> ContinuousClock.Instant {
        let now = wallSeconds()
        let interval = max(interval, 0.001)
        let target = ((now + least) / interval).rounded(.up) * interval
        return ContinuousClock.now + .seconds(max(0, target - now))
    }

    /// Sends a heartbeat at start and then every HeartbeatInterval (5.4.1, 7.2.1); waits while it is 0.
    private func heartbeatClock() async {
        while !Task.isCancelled {
            let interval = core.heartbeatInterval
            guard interval > 0 else {
                await heartbeatChanged.wait()
                continue
            }
            core.heartbeat(now: Self.wallSeconds())
            let next = ContinuousClock.now + .seconds(interval)
            while !Task.isCancelled, ContinuousClock.now < next, core.heartbeatInterval == interval {
                await heartbeatChanged.wait(timeout: next - .now)
            }
        }
    }

    private func reportStats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(max(configuration.sendEventInterval, 1)))
            if Task.isCancelled { return }
            logger.info("\(stats.snapshot.summary)")
        }
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost): only this machine can reach it.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    static func wallSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
