import Collectd
import Foundation
import JSON
import Logging
import MockListener
import ServiceLifecycle
import TestSupport
import Testing
import VESAgent
import VESModel

/// The agent with VesVersion 5.4.1 and 7.2.1 against the real listener on /v5 and /v7: measurements, a fault raised
/// and cleared once, heartbeats, every event valid and free of the listener's semantic warnings; batches split by
/// domain; what a 7.x request carries and what the agent does with a 7.x answer's body.
@Suite("VES 5.4.1 and 7.2.1 end to end", .serialized)
struct VersionPipelineTests {
    static let hostTrace = SharedMaterial.fixture("traces/host.jsonl")
    static let thresholdTrace = SharedMaterial.fixture("traces/threshold.jsonl")

    /// Notifications after the trace: the memory alarm raised twice, cleared, the clear repeated (it must clear
    /// nothing), and a load warning raised and cleared.
    static func alarms(after time: Double) -> [CollectdRecord] {
        func notification(
            _ severity: Collectd.Notification.Severity,
            _ offset: Double,
            _ plugin: String,
            _ instance: String
        )
            -> CollectdRecord
        {
            .notification(
                Collectd.Notification(
                    severity: severity,
                    time: CollectdTime(seconds: time + offset),
                    message: "Host compute-0, plugin \(plugin): \(severity.name)",
                    host: "compute-0",
                    plugin: plugin,
                    type: plugin,
                    typeInstance: instance
                )
            )
        }
        return [
            notification(.failure, 1, "memory", "used"), notification(.failure, 2, "memory", "used"),
            notification(.warning, 2.5, "load", ""), notification(.okay, 3, "memory", "used"),
            notification(.okay, 4, "memory", "used"), notification(.okay, 5, "load", ""),
        ]
    }

    static func lastTime(_ path: String) throws -> Double {
        let entries = try TraceFile.read(path: path, typesDB: .systemOrBuiltIn()).entries
        let times = entries.flatMap { entry -> [Double] in
            if case .records(let records) = entry.payload { return records.map(\.time.seconds) }
            return []
        }
        return try #require(times.max())
    }

    @Test("measurement, fault raised and cleared, heartbeat", arguments: [VESVersion.ves541, .ves721])
    func measurementFaultAndHeartbeat(_ version: VESVersion) async throws {
        let alarms = Self.alarms(after: try Self.lastTime(Self.hostTrace))
        let records = try await Pipeline.run(agent: {
            $0.vesVersion = version
            $0.heartbeatInterval = 20
            $0.nfNamingCode = "COLL"
            $0.nfcNamingCode = "ves"
        }) { pipeline in
            try await pipeline.replay([Self.hostTrace])
            try await pipeline.send(alarms)
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.queueDepth == 0 }
            #expect(stats.eventsRejected == 0 && stats.eventsDropped == 0 && stats.badDatagrams == 0)
            await pipeline.waitForEvents(stats.eventsSent)
            return try pipeline.records
        }
        #expect(records.allSatisfy { $0["api_version"]?.stringValue == version.segment })
        let invalid = records.filter { $0["valid"] != true }.map { "\($0["errors"] ?? .null)" }
        #expect(invalid.isEmpty, "\(invalid.prefix(3))")
        let warnings = records.flatMap { $0["warnings"]?.arrayValue ?? [] }
        #expect(warnings.isEmpty, "the listener's semantic checks: \(warnings.prefix(3))")
        let events = records.compactMap { $0["event"] }
        let domains = events.map { $0["commonEventHeader"]?["domain"]?.stringValue ?? "" }
        let measurement = version == .ves721 ? "measurement" : "measurementsForVfScaling"
        #expect(domains.filter { $0 == measurement }.count >= 3, "60 s of trace, an event every 20 s")
        #expect(domains.filter { $0 == "heartbeat" }.count >= 3)
        let faults = events.compactMap { $0["faultFields"] }
        #expect(faults.count == 5, "two raises and a clear of memory, a raise and a clear of load")
        for condition in ["memoryUsed", "load"] {
            let severities = faults.filter { $0["alarmCondition"]?.stringValue == condition }
                .compactMap { $0["eventSeverity"]?.stringValue }
            #expect(severities.last == "NORMAL" && severities.filter { $0 == "NORMAL" }.count == 1, "\(condition)")
        }
        let headers = events.compactMap { $0["commonEventHeader"] }
        #expect(headers.allSatisfy { $0["nfNamingCode"] == "COLL" && $0["nfcNamingCode"] == "ves" })
        #expect(
            headers.allSatisfy { $0["sourceName"] == "compute-0" },
            "the collectd host (the agent is compute-0 too)"
        )
    }

    @Test("a batch holds one domain") func batchHoldsOneDomain() async throws {
        try await Pipeline.run(agent: {
            $0.vesVersion = .ves721
            $0.batchSize = 50
            $0.heartbeatInterval = 10
        }) { pipeline in
            try await pipeline.replay([Self.thresholdTrace])
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.queueDepth == 0 }
            #expect(stats.eventsRejected == 0, "a mixed batch would be refused on /v7")
            await pipeline.waitForEvents(stats.eventsSent)
            let records = try pipeline.records
            #expect(records.allSatisfy { $0["path"]?.stringValue == "/eventListener/v7/eventBatch" })
            #expect(records.allSatisfy { $0["valid"] == true })
            let domains = Set(records.compactMap { $0["event"]?["commonEventHeader"]?["domain"]?.stringValue })
            #expect(domains == ["measurement", "fault", "heartbeat"])
        }
    }

    @Test("the wall clock ticks on the interval's boundaries and sends heartbeats") func wallClock() async throws {
        let records = try await Pipeline.run(agent: {
            $0.vesVersion = .ves721
            $0.clock = .wall
            $0.sendEventInterval = 1
            $0.heartbeatInterval = 1
        }) { pipeline in
            let now = Date().timeIntervalSince1970
            try await pipeline.send([.load(at: now, interval: 1, [0.5, 0.25, 0.125])])
            // the load's event at the first boundary at least a second away, heartbeats from the start
            let filter = RecordFilter(kind: .event, domain: "measurement")
            let arrived = await pipeline.listener.store.wait(for: 1, matching: filter, timeout: .seconds(30))
            #expect(arrived, "no measurement event in 30 s")
            await pipeline.stopAgent()
            return try pipeline.records
        }
        let events = records.compactMap { $0["event"] }
        #expect(records.allSatisfy { $0["valid"] == true && $0["warnings"]?.arrayValue?.isEmpty == true })
        let measurement = try #require(events.first { $0["measurementFields"] != nil })
        let header = try #require(measurement["commonEventHeader"])
        let start = try #require(header["startEpochMicrosec"]?.intValue)
        let last = try #require(header["lastEpochMicrosec"]?.intValue)
        #expect(start % 1_000_000 == 0, "on a second's boundary")
        #expect(last - start >= 500_000 && last - start < 1_500_000, "about one interval: \(last - start) µs")
        #expect(measurement["measurementFields"]?["loadArray"]?[0]?["shortTerm"] == .number(0.5))
        #expect(events.filter { $0["heartbeatFields"] != nil }.count >= 1)
    }

    @Test("the built agent takes the version keys") func builtAgentTakesTheVersionKeys() async throws {
        let run = try await RunningProgram(
            "ves-agent",
            [
                "--ves-version", "7.2.1", "--heartbeat-interval", "30", "--nf-naming-code", "ABCD",
                "--time-zone-offset", "UTC-05:30", "--print-config",
            ]
        ).finish()
        #expect(run.status == 0)
        let lines = run.rest.split(separator: "\n").map(String.init)
        #expect(lines.contains("VesVersion \"7.2.1\"") && lines.contains("HeartbeatInterval 30"))
        #expect(lines.contains("NfNamingCode \"ABCD\"") && lines.contains("TimeZoneOffset \"UTC-05:30\""))
        let bad = try await RunningProgram("ves-agent", ["--ves-version", "6.0"]).finish()
        #expect(bad.status == 64)
        #expect(bad.errors.contains("Key 'VesVersion' (--ves-version) value '6.0' should be 1.1, 5.4.1 or 7.2.1"))
    }

    @Test("a 7.x request carries X-MinorVersion and the answer's commandList is ignored, logged once")
    func requestHeadersAndAnswerBodyOnV7() async throws {
        let endpoint = try LoopbackHTTPEndpoint()
        var configuration = AgentConfiguration()
        configuration.port = endpoint.port
        configuration.listenPort = 0
        configuration.hostname = "compute-0"
        configuration.clock = .trace
        configuration.vesVersion = .ves721
        configuration.heartbeatInterval = 0
        let log = CapturedLog()
        let agent = try Agent(configuration: configuration, logger: log.logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Pipeline.quietLogger
            )
        )
        let running = Task { try await group.run() }
        let answer = #"{"commandList": [{"commandType": "measurementIntervalChange", "measurementInterval": 60}]}"#
        let capture = Task { try await offCooperativePool { try endpoint.receive(count: 2, answer: answer) } }
        agent.core.ingest(Array(Self.alarms(after: 1_795_570_000).prefix(2)))
        let requests = try await capture.value
        _ = await agent.stats.wait { $0.eventsSent == 2 }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.head.hasPrefix("post /eventlistener/v7 http/1.1"))
            #expect(request.head.contains("\r\nx-minorversion: 2\r\n"))
            #expect(request.head.contains("\r\nx-patchversion: 1\r\n"))
            #expect(request.body.hasPrefix(#"{"event": {"commonEventHeader": {"domain": "fault""#))
        }
        #expect(agent.core.interval == 20, "7.x has no measurementIntervalChange")
        #expect(log.messages.filter { $0.contains("which VES 7.2.1 does not have") }.count == 1)
    }
}
