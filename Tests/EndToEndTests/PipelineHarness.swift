import Collectd
import Foundation
import JSON
import Logging
import MockListener
import NIOCore
import Platform
import Replay
import ServiceLifecycle
import TestSupport
import Testing
import VESAgent
import VESModel

/// A listener and an agent in-process, both on port 0, talking real HTTP and real UDP: the agent is stopped
/// gracefully (its last tick, its queue drained) before the listener.
struct Pipeline: Sendable {
    let listener: EventListener
    let agent: Agent
    let listenerPort: Int
    let agentPort: Int
    let agentGroup: ServiceGroup
    let agentTask: Task<Void, any Error>

    /// Sends trace files to the agent as collectd would (UDP, as fast as possible) and waits until the agent
    /// has taken in every value list and notification.
    @discardableResult
    func replay(_ paths: [String], configure: (inout ReplayOptions) -> Void = { _ in }) async throws -> ReplaySummary {
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: agentPort))
        options.speed = nil
        configure(&options)
        let traces = try paths.map { try LoadedTrace.load(path: $0, typesDB: options.typesDB) }
        let session = ReplaySession(
            traces: traces,
            options: options,
            showProgress: false,
            logger: Logger(label: "test")
        )
        try await session.run()
        let summary = session.summary
        let expected = summary.valueLists + summary.notifications
        _ = await agent.stats.wait { $0.valueLists + $0.notifications >= expected }
        return summary
    }

    /// Sends datagrams made by a real encoder.
    func send(_ records: [CollectdRecord], security: EncoderSecurity = .none) async throws {
        var encoder = NetworkEncoder(security: security)
        var datagrams: [[UInt8]] = []
        for record in records {
            datagrams += encoder.add(record)
        }
        datagrams += encoder.flush()
        let toSend = datagrams
        let (socket, peer) = try await DatagramSocket.sender(to: "127.0.0.1", port: agentPort)
        let before = agent.stats.snapshot.datagrams
        try await socket.withStreams { _, outbound in
            for datagram in toSend {
                try await outbound.write(AddressedEnvelope(remoteAddress: peer, data: ByteBuffer(bytes: datagram)))
            }
        }
        _ = await agent.stats.wait { $0.datagrams >= before + toSend.count }
    }

    /// The events the listener recorded, as record objects (`event`, `valid`, ...), in arrival order.
    var records: [JSONValue] {
        get throws {
            try listener.store.lines(matching: RecordFilter(kind: .event)).map { try JSONParser().parse($0) }
        }
    }

    /// The `event` objects the listener recorded, in arrival order.
    var events: [JSONValue] {
        get throws { try records.compactMap { $0["event"] } }
    }

    /// Waits until the listener holds `count` events.
    func waitForEvents(_ count: Int) async {
        let reached = await listener.store.wait(for: count, matching: RecordFilter(kind: .event), timeout: .seconds(60))
        #expect(reached, "the listener did not receive \(count) events in 60 s")
    }

    /// Stops the agent gracefully and returns when it has stopped: its last tick built, its queue drained or
    /// spooled.
    func stopAgent() async {
        await agentGroup.triggerGracefulShutdown()
        _ = try? await agentTask.value
    }

    /// Starts both, runs `body`, stops the agent (if `body` has not), then the listener.
    @discardableResult
    static func run<T: Sendable>(
        listener configureListener: (inout ListenerConfiguration) -> Void = { _ in },
        agent configureAgent: (inout AgentConfiguration) -> Void = { _ in },
        logger: Logger = Pipeline.quietLogger,
        _ body: (Pipeline) async throws -> T
    ) async throws -> T {
        var listenerConfiguration = ListenerConfiguration()
        listenerConfiguration.port = 0
        configureListener(&listenerConfiguration)
        let runner = try ListenerRunner(
            configuration: listenerConfiguration,
            logger: quietLogger,
            handlesSignals: false
        )
        let listener = runner.listener
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { _ = try await runner.run() }
            defer { tasks.cancelAll() }
            let address = try #require(await listener.address)
            var agentConfiguration = AgentConfiguration()
            agentConfiguration.port = address.port
            agentConfiguration.listenPort = 0
            agentConfiguration.hostname = "compute-0"
            agentConfiguration.clock = .trace
            agentConfiguration.initialRetryDelay = 0.02
            agentConfiguration.maximumRetryDelay = 0.2
            // a loaded machine may take longer than the default 5 s to drain after retries; tests of the deadline
            // set their own
            agentConfiguration.shutdownTimeout = 120
            configureAgent(&agentConfiguration)
            let agent = try Agent(configuration: agentConfiguration, logger: logger)
            let agentGroup = ServiceGroup(
                configuration: .init(
                    services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                    logger: logger
                )
            )
            let agentTask = Task { try await agentGroup.run() }
            let pipeline = Pipeline(
                listener: listener,
                agent: agent,
                listenerPort: address.port,
                agentPort: try #require(await agent.listenAddress).port,
                agentGroup: agentGroup,
                agentTask: agentTask
            )
            let result: T
            do {
                result = try await body(pipeline)
            } catch {
                await agentGroup.triggerGracefulShutdown()
                _ = try? await agentTask.value
                await runner.stop()
                throw error
            }
            await agentGroup.triggerGracefulShutdown()
            try await agentTask.value
            await runner.stop()
            try await tasks.waitForAll()
            return result
        }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
}

/// An agent in a service group of its own, running, for tests that answer its POSTs themselves.
struct RunningAgent {
    let agent: Agent
    let group: ServiceGroup
    let running: Task<Void, any Error>

    /// An agent sending to `port` on the trace clock, as compute-0, with the changes `configure` makes.
    init(port: Int, logger: Logger = Pipeline.quietLogger, configure: (inout AgentConfiguration) -> Void) throws {
        var configuration = AgentConfiguration()
        configuration.port = port
        configuration.listenPort = 0
        configuration.hostname = "compute-0"
        configuration.clock = .trace
        configure(&configuration)
        let agent = try Agent(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Pipeline.quietLogger
            )
        )
        self.agent = agent
        self.group = group
        running = Task { try await group.run() }
    }

    /// Stops the agent gracefully and waits for it.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
