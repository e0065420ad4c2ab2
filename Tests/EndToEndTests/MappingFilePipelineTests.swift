import Collectd
import Foundation
import JSON
import MockListener
import TestSupport
import Testing
import VESAgent
import VESModel

/// The agent with `MappingFile` (ves_app's YAML mapping files) against the real listener: recorded traces over
/// real UDP give the file's measurement events on its version's route, collectd's threshold notifications give
/// its faults, every event valid; a broken file or a VesVersion the file contradicts stops start-up.
@Suite("ves-agent with a ves_app mapping file", .serialized, .needsShared("reference/ves_app"))
struct MappingFilePipelineTests {
    static let hostTrace = SharedMaterial.fixture("traces/host.jsonl")
    static let thresholdTrace = SharedMaterial.fixture("traces/threshold.jsonl")

    static func mapping(_ name: String) -> String { SharedMaterial.path("reference/ves_app/" + name) }

    /// Replays `trace` to an agent with the mapping file, stops it and returns the listener's records.
    static func run(mapping name: String, trace: String) async throws -> [JSONValue] {
        try await Pipeline.run(agent: { $0.mappingFile = mapping(name) }) { pipeline in
            try await pipeline.replay([trace])
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.queueDepth == 0 }
            #expect(stats.eventsRejected == 0 && stats.eventsDropped == 0 && stats.badDatagrams == 0)
            #expect(stats.eventsSent > 0)
            await pipeline.waitForEvents(stats.eventsSent)
            return try pipeline.records
        }
    }

    static func expectAllValid(_ records: [JSONValue], route: String) {
        #expect(!records.isEmpty)
        let routes = Set(records.compactMap { $0["api_version"]?.stringValue })
        #expect(routes == [route])
        let invalid = records.filter { $0["valid"] != true }.map { "\($0["errors"] ?? .null)" }
        #expect(invalid.isEmpty, "\(invalid.prefix(3))")
    }

    static func domains(_ records: [JSONValue]) -> Set<String> {
        Set(records.compactMap { $0["event"]?["commonEventHeader"]?["domain"]?.stringValue })
    }

    @Test("Barometer host.yaml: measurements on /v5, all valid")
    func barometerHost() async throws {
        let records = try await Self.run(mapping: "host.yaml", trace: Self.hostTrace)
        Self.expectAllValid(records, route: "v5")
        #expect(Self.domains(records) == ["measurementsForVfScaling"])
        let reporters = Set(
            records.compactMap { $0["event"]?["commonEventHeader"]?["reportingEntityName"]?.stringValue }
        )
        #expect(reporters == ["compute-0"])
    }

    @Test("O-RAN SC host file: measurements on /v7, all valid")
    func oranHost() async throws {
        let records = try await Self.run(
            mapping: "oran-sc_smo-ves_agent_host_ves7.2.1.yaml",
            trace: Self.hostTrace
        )
        Self.expectAllValid(records, route: "v7")
        #expect(Self.domains(records) == ["measurement"])
    }

    @Test("threshold notifications give the file's faults at once, all valid")
    func thresholdFaults() async throws {
        let records = try await Self.run(mapping: "hypervisor.yaml", trace: Self.thresholdTrace)
        Self.expectAllValid(records, route: "v5")
        let faults = records.compactMap { $0["event"] }.filter {
            $0["commonEventHeader"]?["domain"]?.stringValue == "fault"
        }
        #expect(!faults.isEmpty)
        let severities = Set(faults.compactMap { $0["faultFields"]?["eventSeverity"]?.stringValue })
        #expect(severities.isSubset(of: ["CRITICAL", "WARNING", "NORMAL"]) && !severities.isEmpty)
        #expect(faults.allSatisfy { $0["faultFields"]?["eventSourceType"]?.stringValue == "host" })
    }

    @Test("a broken mapping file stops start-up naming file, line and tag")
    func brokenFile() throws {
        let text = try SharedMaterial.text(Self.mapping("host.yaml"))
        let broken = try #require(text.range(of: "!Number"))
        let path = try TemporaryFile.write(
            text.replacingCharacters(in: broken, with: "!Nubmer"),
            suffix: ".yaml"
        )
        let line = text[..<broken.lowerBound].filter { $0 == "\n" }.count + 1
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = AgentConfiguration()
        configuration.listenPort = 0
        configuration.mappingFile = path
        do {
            _ = try Agent(configuration: configuration, logger: Pipeline.quietLogger)
            Issue.record("the agent started with a broken mapping file")
        } catch {
            #expect(error.code == .config)
            #expect(error.message.hasPrefix("\(path):\(line):"), "\(error.message)")
            #expect(error.message.contains("!Nubmer"), "\(error.message)")
        }
        #expect(throws: AgentError.self) {
            try AgentConfiguration.load(flags: ["MappingFile": path])
        }
    }

    @Test("VesVersion contradicting the file is refused; the file's version is used")
    func versionConflict() throws {
        let host = Self.mapping("host.yaml")
        let loaded = try AgentConfiguration.load(flags: ["MappingFile": host])
        #expect(loaded.vesVersion == .ves541)
        #expect(loaded.eventListenerURL.hasSuffix("/eventListener/v5"))
        let same = try AgentConfiguration.load(flags: ["MappingFile": host, "VesVersion": "5.4.1"])
        #expect(same.vesVersion == .ves541)
        for version in ["1.1", "7.2.1"] {
            do {
                _ = try AgentConfiguration.load(flags: ["MappingFile": host, "VesVersion": version])
                Issue.record("VesVersion \(version) was accepted with a 5.4.1 mapping file")
            } catch {
                #expect(error.code == .config)
                #expect(error.message.contains("VesVersion") && error.message.contains("5.4.1"), "\(error.message)")
            }
        }
        var configuration = AgentConfiguration()
        configuration.listenPort = 0
        configuration.mappingFile = host
        configuration.vesVersion = .ves721
        #expect(throws: AgentError.self) { try Agent(configuration: configuration, logger: Pipeline.quietLogger) }
    }

    @Test("the built program exits with the config code and the file's place")
    func programExit() async throws {
        let path = try TemporaryFile.write(
            "Host Measurements: !Measurements\n  - ITEM-DESC: !Nubmer 1\n",
            suffix: ".yaml"
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await RunningProgram("ves-agent", ["--mapping-file", path, "--listen", "127.0.0.1:0"]).finish()
        #expect(run.status == 64)
        #expect(run.errors.contains(path + ":2:"), "\(run.errors)")
    }
}

/// What the agent feeds a mapping file and what it logs of it, with a small file of its own.
@Suite("ves-agent's mapping values and notes", .serialized)
struct MappingFileAgentTests {
    /// One event per value of any plugin; `x` is `!Number` of the type instance, a note for every value.
    static let yaml = """
        Each Value: !Measurements
          - ITEM-DESC:
              event:
                commonEventHeader:
                  domain: measurementsForVfScaling
                  eventId: "{system.id}"
                  eventName: "{vl.plugin}"
                  priority: Normal
                  reportingEntityName: "{system.hostname}"
                  sequence: 0
                  sourceName: "{vl.type_instance}"
                  version: 3.0
                measurementsForVfScalingFields:
                  measurementsForVfScalingVersion: 2.0
                  measurementInterval: !Number "{config.interval}"
                  x: !Number "{vl.type_instance}"
          - SELECT:
              plugin: "/.*/"

        """

    static func value(_ plugin: String, _ instance: String, at time: Double) -> CollectdRecord {
        .values(
            ValueList(
                host: "compute-0",
                plugin: plugin,
                type: "gauge",
                typeInstance: instance,
                time: CollectdTime(seconds: time),
                interval: CollectdTime(seconds: 10),
                values: [.gauge(1)]
            )
        )
    }

    @Test("values older than two send intervals are left out of a tick")
    func agedOut() async throws {
        let path = try TemporaryFile.write(Self.yaml, suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let start = 1_800_000_000.0
        // memory every 20 s; cpu only at the start: in the ticks at +20 and +40, not in those at +60 and +80
        let records =
            [Self.value("cpu", "idle", at: start)]
            + stride(from: 0.0, through: 60, by: 20).map { Self.value("memory", "free", at: start + $0) }
        let events = try await Pipeline.run(agent: {
            $0.mappingFile = path
            $0.sendEventInterval = 20
        }) { pipeline in
            try await pipeline.send(records)
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.queueDepth == 0 }
            await pipeline.waitForEvents(stats.eventsSent + stats.eventsRejected)
            return try pipeline.events
        }
        let names = events.compactMap { $0["commonEventHeader"]?["eventName"]?.stringValue }
        #expect(names.filter { $0 == "memory" }.count == 4, "\(names)")
        #expect(names.filter { $0 == "cpu" }.count == 2, "\(names)")
    }

    @Test("a tick's notes are logged a few at a time, with a count of the rest")
    func notesRateLimited() async throws {
        let path = try TemporaryFile.write(Self.yaml, suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let start = 1_800_000_000.0
        let instances = (0..<9).map { "state\($0)" }
        let records =
            instances.map { Self.value("cpu", $0, at: start) } + [Self.value("memory", "free", at: start + 20)]
        let log = CapturedLog()
        try await Pipeline.run(
            agent: {
                $0.mappingFile = path
                $0.sendEventInterval = 20
            },
            logger: log.logger
        ) { pipeline in
            try await pipeline.send(records)
            await pipeline.stopAgent()
        }
        let notes = log.messages.filter { $0.contains("mapping file: ") }
        let firstTick = notes.filter { $0.contains("is not a number") }
        // 9 in the first tick, 5 of them logged; the last tick's are the same ones and are not logged again
        #expect(firstTick.count == 5, "\(notes)")
        #expect(notes.contains { $0.contains("more notes like these") }, "\(notes)")
    }
}
