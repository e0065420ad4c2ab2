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
