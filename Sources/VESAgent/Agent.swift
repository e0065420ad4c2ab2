public import Logging
public import Platform
public import ServiceLifecycle
import UnixSignals

/// The whole agent as one service, for the program and every test harness alike: the collectd receiver and the
/// event sender in the right order, and the self-metrics line on SIGUSR1.
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

    /// - Parameter statsOutput: where the self-metrics line goes on SIGUSR1; nil to leave SIGUSR1 alone.
    public init(
        configuration: AgentConfiguration,
        logger: Logger,
        stats: AgentStats = AgentStats(),
        statsOutput: (@Sendable (String) -> Void)? = nil
    ) throws(AgentError) {
        receiver = try CollectdReceiver(configuration: configuration, logger: logger, stats: stats)
        self.logger = logger
        self.statsOutput = statsOutput
    }

    /// The UDP address the agent listens on, once bound (the real port when Listen asked for port 0); nil when it
    /// could not bind.
    public var listenAddress: ServiceAddress? {
        get async { await receiver.listenAddress }
    }

    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: sender, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: receiver, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let statsOutput {
            services.append(.init(service: StatsOnSignal(stats: stats, output: statsOutput)))
        }
        try await ServiceGroup(configuration: .init(services: services, logger: logger)).run()
    }

    /// Runs the agent as a process does, until SIGTERM or SIGINT ends it. The first line to `output` is
    /// `listening on udp://HOST:PORT`; the self-metrics line goes to `output` on SIGUSR1, and with `printStats`
    /// also at exit.
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
