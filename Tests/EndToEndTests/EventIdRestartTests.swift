import Foundation
import JSON
import TestSupport
import Testing
import VESAgent
import VESModel

/// eventIds stay unique when the agent restarts with the same spool directory; a fresh start numbers as the
/// reference plugin did.
@Suite("eventIds across restarts", .serialized)
struct EventIdRestartTests {
    static func ids(_ events: [JSONValue]) -> [String] {
        events.compactMap { $0["commonEventHeader"]?["eventId"]?.stringValue }
    }

    /// The eventIds the listener got from one run of the agent over the virt trace.
    static func run(_ configure: @escaping (inout AgentConfiguration) -> Void) async throws -> [String] {
        try await Pipeline.run(agent: configure) { pipeline in
            try await pipeline.replay([SendingTests.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(1)
            return Self.ids(try pipeline.events)
        }
    }

    @Test("VES 1.1 eventIds go on after a restart with the same spool directory", arguments: [1, 5])
    func ves11EventIdsGoOnAfterARestart(batchSize: Int) async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let configure: (inout AgentConfiguration) -> Void = {
            $0.spoolDirectory = spool
            $0.batchSize = batchSize
        }
        let first = try await Self.run(configure)
        #expect(first == (1...SendingTests.virtEventCount).map(String.init), "a fresh start numbers as the plugin")
        let second = try await Self.run(configure)
        #expect(second.count == SendingTests.virtEventCount)
        #expect(Set(first).isDisjoint(with: second), "the second run repeats none of the first's: \(second)")
        let numbers = second.compactMap { Int($0) }
        #expect(numbers == numbers.sorted() && numbers.count == second.count, "numbers, increasing")
    }

    @Test("VES 7.2.1 eventIds of a restarted agent carry the run's tag")
    func ves721EventIdsCarryTheRunsTag() async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let configure: (inout AgentConfiguration) -> Void = {
            $0.spoolDirectory = spool
            $0.vesVersion = .ves721
        }
        let first = try await Self.run(configure)
        #expect(first.contains("measurement000001"), "the first run with a spool directory: \(first)")
        let second = try await Self.run(configure)
        #expect(!second.isEmpty)
        #expect(Set(first).isDisjoint(with: second))
        #expect(second.allSatisfy { $0.hasPrefix("r2-") }, "\(second)")
        // without a spool directory the tag is the start time, so two runs differ too
        let unspooled = try await Self.run { $0.vesVersion = .ves721 }
        #expect(unspooled.allSatisfy { $0.hasPrefix("t") && !first.contains($0) }, "\(unspooled)")
    }
}
