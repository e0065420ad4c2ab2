public import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the agent as a process does: the receiver and the sender in one service group that shuts down
/// gracefully on SIGTERM or SIGINT (receiver first, with the trace clock's last tick; then the sender drains
/// its queue within ShutdownTimeout and spools the rest).
public enum AgentRunner {
    /// Runs until a signal ends it. The first line to `output` is `listening on udp://HOST:PORT` (the real port
    /// when Listen asked for 0). The self-metrics line goes to `output` on SIGUSR1, and with `printStats` also at
    /// exit.
    public static func run(
        configuration: AgentConfiguration,
        logger: Logger,
        printStats: Bool,
        output: @escaping @Sendable (String) -> Void
    ) async throws {
        let agent = try AgentService(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: agent.sender, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: StatsOnSignal(stats: agent.stats, output: output)),
                ],
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
