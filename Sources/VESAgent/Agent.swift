public import Logging
public import Platform
public import ServiceLifecycle
import UnixSignals

/// The whole agent as one service, for the program and every test harness alike: the collectd receiver and the
/// event sender in the right order, the self-metrics line on SIGUSR1, and `GET /metrics` with MetricsListen.
///
/// On graceful shutdown the receiver stops first (closing its socket and, under the trace clock, ticking once
/// more), then the sender drains its queue within ShutdownTimeout and spools the rest. Either part ending on its
/// own ends the agent.
public final class Agent: Service, Sendable {
    public let receiver: CollectdReceiver
    public var sender: EventSender { receiver.sender }
    public var core: AgentCore { receiver.core }
    public var stats: AgentStats { receiver.stats }
    private let logger: Logger
    private let statsOutput: (@Sendable (String) -> Void)?
    private let metricsServer: MetricsServer?
    private let metricsSlot = OnceValue<ServiceAddress?>()

    /// - Parameter statsOutput: where the self-metrics line goes on SIGUSR1; nil to leave SIGUSR1 alone.
    public init(
        configuration: AgentConfiguration,
        logger: Logger,
        stats: AgentStats = AgentStats(),
        statsOutput: (@Sendable (String) -> Void)? = nil
    ) throws(AgentError) {
        let receiver = try CollectdReceiver(configuration: configuration, logger: logger, stats: stats)
        self.receiver = receiver
        self.logger = logger
        self.statsOutput = statsOutput
        if let host = configuration.metricsHost {
            let sender = receiver.sender
            let spoolPath = configuration.spoolDirectory.map { SpoolJournal.path(in: $0) }
            metricsServer = MetricsServer(
                host: host,
                port: configuration.metricsPort,
                logger: logger,
                boundAddress: metricsSlot,
                render: {
                    stats.metrics.exposition(
                        counters: stats.snapshot,
                        queueDepth: sender.queueDepth,
                        spoolPath: spoolPath
                    )
                }
            )
        } else {
            metricsServer = nil
            metricsSlot.set(nil)
        }
    }

    /// The UDP address the agent listens on, once bound (the real port when Listen asked for port 0); nil when it
    /// could not bind.
    public var listenAddress: ServiceAddress? {
        get async { await receiver.listenAddress }
    }

    /// Where `GET /metrics` is served, once bound (the real port when MetricsListen asked for port 0); nil when
    /// MetricsListen is off or could not bind.
    public var metricsAddress: ServiceAddress? {
        get async { await metricsSlot.value() }
    }

    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: sender, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: receiver, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let statsOutput {
            services.append(.init(service: StatsOnSignal(stats: stats, output: statsOutput)))
        }
        if let metricsServer {
            services.append(.init(service: metricsServer))
        }
        // a group that ends before the server bound leaves no reader of metricsAddress waiting
        defer { metricsSlot.set(nil) }
        try await ServiceGroup(configuration: .init(services: services, logger: logger)).run()
    }

    /// Runs the agent as a process does, until SIGTERM or SIGINT ends it. The first line to `output` is
    /// `listening on udp://HOST:PORT`, then with MetricsListen `metrics on http://HOST:PORT/metrics`; the
    /// self-metrics line goes to `output` on SIGUSR1, and with `printStats` also at exit.
    public static func run(
        configuration: AgentConfiguration,
        logger: Logger,
        printStats: Bool,
        output: @escaping @Sendable (String) -> Void
    ) async throws {
        let agent = try Agent(configuration: configuration, logger: logger, statsOutput: output)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        let announcer = Task {
            guard let address = await agent.listenAddress else { return }
            output("listening on \(address)")
            guard let metrics = await agent.metricsAddress else { return }
            output("metrics on \(metrics)/metrics")
        }
        defer { announcer.cancel() }
        try await group.run()
        if printStats { output(agent.stats.snapshot.summary) }
    }
}

/// Prints the self-metrics line on SIGUSR1.
struct StatsOnSignal: Service {
    let stats: AgentStats
    let output: @Sendable (String) -> Void

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sigusr1).cancelOnGracefulShutdown() {
            output(stats.snapshot.summary)
        }
    }
}
