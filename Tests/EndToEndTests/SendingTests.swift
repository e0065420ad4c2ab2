import Collectd
import Foundation
import JSON
import Logging
import MockListener
import Platform
import Replay
import ServiceLifecycle
import TestSupport
import Testing
import VESAgent
import VESModel

/// The agent against the real listener when the listener misbehaves: nothing is lost, order is kept.
@Suite("Sending without losing events", .serialized)
struct SendingTests {
    static let virtTrace = SharedMaterial.fixture("traces/virt-3vms.jsonl")
    /// The reference plugin's events for the virt trace.
    static let virtEventCount = 21

    static func eventIds(_ events: [JSONValue]) -> [Int] {
        events.compactMap { $0["commonEventHeader"]?["eventId"]?.stringValue.flatMap { Int($0) } }
    }

    @Test("listener answering 503 then recovering") func listenerAnswering503ThenRecovering() async throws {
        try await Pipeline.run { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 6))
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            let events = try pipeline.events
            #expect(Self.eventIds(events) == Array(1...Self.virtEventCount), "every event, once, in order")
            let stats = await pipeline.agent.stats.wait { $0.eventsSent + $0.eventsDropped >= Self.virtEventCount }
            #expect(stats.retries >= 6)
            #expect(stats.eventsSent == Self.virtEventCount)
            #expect(stats.eventsDropped == 0)
        }
    }

    @Test("listener dropping connections then recovering") func listenerDroppingConnectionsThenRecovering() async throws
    {
        try await Pipeline.run { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 3, dropConnection: true))
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            #expect(Self.eventIds(try pipeline.events) == Array(1...Self.virtEventCount))
            #expect(pipeline.agent.stats.snapshot.retries >= 1)
        }
    }

    @Test("slow answers time out and are retried") func slowAnswersTimeOutAndAreRetried() async throws {
        try await Pipeline.run(agent: { $0.timeout = 0.3 }) { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 202, count: 2, delayMilliseconds: 1500))
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            let stats = pipeline.agent.stats.snapshot
            #expect(stats.retries >= 2, "a request slower than Timeout is retried")
            #expect(stats.eventsSent == Self.virtEventCount)
            await pipeline.waitForEvents(Self.virtEventCount)
            // the listener may have recorded the slow requests too: what matters is that each event arrived
            let ids = Set(Self.eventIds(try pipeline.events))
            #expect(ids == Set(1...Self.virtEventCount))
        }
    }

    @Test("listener down at start then up") func listenerDownAtStartThenUp() async throws {
        // Learn a free port by binding a listener, then stop it: the agent starts with nothing listening there.
        let port = try await ListenerProcess.freePort()
        var configuration = AgentConfiguration()
        configuration.port = port
        configuration.listenPort = 0
        configuration.hostname = "compute-0"
        configuration.clock = .trace
        configuration.initialRetryDelay = 0.02
        configuration.maximumRetryDelay = 0.2
        let agent = try Agent(configuration: configuration, logger: Pipeline.quietLogger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Pipeline.quietLogger
            )
        )
        let agentTask = Task { try await group.run() }
        defer { agentTask.cancel() }
        let agentPort = try #require(await agent.listenAddress).port
        try await sendTrace(Self.virtTrace, to: agentPort, agent: agent)
        _ = await agent.stats.wait { $0.retries >= 2 }
        #expect(agent.stats.snapshot.eventsSent == 0)

        let listener = try await ListenerProcess.start(port: port)
        await group.triggerGracefulShutdown()
        try await agentTask.value
        await listener.waitForEvents(Self.virtEventCount)
        #expect(Self.eventIds(try listener.events) == Array(1...Self.virtEventCount))
        await listener.stop()
    }

    @Test("bad credentials hold the events, retried, and no secret is logged")
    func badCredentialsHoldTheEventsAndNoSecretIsLogged() async throws {
        let log = CapturedLog()
        let retries = try await Pipeline.run(
            listener: { $0.credentials = Credentials(username: "ves", password: "right-password") },
            agent: {
                $0.username = "ves"
                $0.password = "wrong-s3cret"
                $0.shutdownTimeout = 0.5
            },
            logger: log.logger
        ) { pipeline in
            try await pipeline.replay([Self.virtTrace])
            _ = await pipeline.agent.stats.wait { $0.retries >= 2 }
            await pipeline.stopAgent()
            let stats = pipeline.agent.stats.snapshot
            #expect(stats.eventsRejected == 0, "a 401 drops nothing")
            #expect(stats.eventsSent == 0)
            return stats.retries
        }
        let messages = log.messages
        let refusals = messages.filter { $0.contains("check Username and Password") }
        #expect(refusals.count == retries, "one line per retry (per backoff step), not per event")
        #expect(refusals.first?.contains("401") == true)
        #expect(refusals.first?.contains("POL0001") == true, "the listener's requestError is in the log")
        #expect(!messages.contains { $0.contains("wrong-s3cret") }, "the password is never logged")
        #expect(!messages.contains { $0.contains("Authorization") || $0.contains("Basic ") })
        #expect(!messages.contains { $0.contains(Data("ves:wrong-s3cret".utf8).base64EncodedString()) })
    }

    @Test("batch mode posts to event batch") func batchModePostsToEventBatch() async throws {
        try await Pipeline.run(agent: { $0.batchSize = 5 }) { pipeline in
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            let records = try pipeline.records
            #expect(records.allSatisfy { $0["path"]?.stringValue?.hasSuffix("/eventListener/v1/eventBatch") == true })
            #expect(records.allSatisfy { $0["valid"] == .bool(true) })
            #expect(Self.eventIds(records.compactMap { $0["event"] }) == Array(1...Self.virtEventCount))
        }
    }

    @Test("restart sends spooled events") func restartSendsSpooledEvents() async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        // First run: the listener refuses everything; shutdown spools what is left.
        try await Pipeline.run(
            agent: {
                $0.spoolDirectory = spool
                $0.shutdownTimeout = 0.3
            }
        ) { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 1_000_000))
            try await pipeline.replay([Self.virtTrace])
        }
        let spooled = try String(contentsOfFile: spool + "/ves-agent.spool.jsonl", encoding: .utf8)
        #expect(spooled.split(separator: "\n").count == Self.virtEventCount)
        // Second run: a new agent reads the spool first and delivers it.
        try await Pipeline.run(agent: { $0.spoolDirectory = spool }) { pipeline in
            await pipeline.waitForEvents(Self.virtEventCount)
            let events = try pipeline.events
            #expect(Self.eventIds(events) == Array(1...Self.virtEventCount))
            #expect(pipeline.agent.stats.snapshot.eventsUnspooled == Self.virtEventCount)
        }
        let left = try String(contentsOfFile: spool + "/ves-agent.spool.jsonl", encoding: .utf8)
        #expect(left.isEmpty, "a delivered queue leaves an empty spool")
    }

    @Test("full queue drops the oldest and counts them") func fullQueueDropsTheOldestAndCountsThem() async throws {
        let log = CapturedLog()
        try await Pipeline.run(
            agent: {
                $0.queueSize = 5
                $0.shutdownTimeout = 0.2
            },
            logger: log.logger
        ) { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 1_000_000))
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.eventsBuilt == Self.virtEventCount }
            #expect(stats.eventsDropped >= Self.virtEventCount - 5)
        }
        #expect(log.messages.contains { $0.contains("event queue full") })
    }
}

/// Sends a trace to an agent's UDP port and waits until the agent has taken in all of it.
func sendTrace(_ path: String, to port: Int, agent: Agent) async throws {
    var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: port))
    options.speed = nil
    let trace = try LoadedTrace.load(path: path, typesDB: options.typesDB)
    let session = ReplaySession(traces: [trace], options: options, showProgress: false, logger: Pipeline.quietLogger)
    try await session.run()
    let expected = session.summary.valueLists + session.summary.notifications
    _ = await agent.stats.wait { $0.valueLists + $0.notifications >= expected }
}

/// A listener running in-process on a chosen port, for tests that start it after the agent.
struct ListenerProcess: Sendable {
    let runner: ListenerRunner
    let task: Task<ListenerOutcome, any Error>

    var listener: EventListener { runner.listener }

    static func start(port: Int) async throws -> ListenerProcess {
        var configuration = ListenerConfiguration()
        configuration.port = port
        let runner = try ListenerRunner(
            configuration: configuration,
            logger: Pipeline.quietLogger,
            handlesSignals: false
        )
        let task = Task { try await runner.run() }
        _ = try #require(await runner.address)
        return ListenerProcess(runner: runner, task: task)
    }

    /// A TCP port that was free a moment ago: a listener bound it on port 0 and stopped.
    static func freePort() async throws -> Int {
        let probe = try await start(port: 0)
        let port = try #require(await probe.listener.address).port
        await probe.stop()
        return port
    }

    var events: [JSONValue] {
        get throws {
            try listener.store.lines(matching: RecordFilter(kind: .event)).compactMap {
                try JSONParser().parse($0)["event"]
            }
        }
    }

    func waitForEvents(_ count: Int) async {
        let reached = await listener.store.wait(for: count, matching: RecordFilter(kind: .event), timeout: .seconds(60))
        #expect(reached, "the listener did not receive \(count) events in 60 s")
    }

    func stop() async {
        await runner.stop()
        _ = try? await task.value
    }
}

@Suite("Receiving collectd's network protocol")
struct ReceivingTests {
    @Test("encrypted only under security level encrypt") func encryptedOnlyUnderSecurityLevelEncrypt() async throws {
        let auth = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)").path
        try "collectd: s3cret\n".write(toFile: auth, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: auth) }
        let records = try CommandListTests.records("threshold").filter {
            if case .notification = $0 { return true }
            return false
        }
        try #require(records.count == 32)
        try await Pipeline.run(
            agent: {
                $0.securityLevel = .encrypt
                $0.authFile = auth
            }
        ) { pipeline in
            try await pipeline.send(Array(records.prefix(10)), security: .encrypt(user: "collectd", password: "s3cret"))
            try await pipeline.send(
                Array(records.dropFirst(10).prefix(5)),
                security: .sign(user: "collectd", password: "s3cret")
            )
            try await pipeline.send(Array(records.dropFirst(15).prefix(5)))
            try await pipeline.send(
                Array(records.dropFirst(20).prefix(5)),
                security: .encrypt(user: "collectd", password: "wrong")
            )
            let stats = pipeline.agent.stats.snapshot
            #expect(stats.notifications == 10, "only the encrypted datagrams are taken in")
            #expect(stats.badDatagrams >= 3, "signed, plain and wrongly encrypted datagrams are counted as bad")
            await pipeline.stopAgent()
            await pipeline.waitForEvents(10)
            #expect(try pipeline.events.allSatisfy { $0["commonEventHeader"]?["domain"] == "fault" })
        }
    }
}
