import Collectd
import Foundation
import JSON
import MockListener
import Replay
import TestSupport
import Testing
import VESAgent

/// Connections > 1: POSTs go out at once on several connections, and still every event arrives once and the
/// events of one source arrive in the order they were built, through listener failures.
@Suite("Sending on several connections")
struct ConnectionsTests {
    /// The value lists of `vms` VMs on `hosts` hosts, `samples` samples `interval` seconds apart.
    static func virtRecords(vms: Int, hosts: Int, samples: Int, interval: Double = 20) -> [CollectdRecord] {
        var generator = VirtTraceGenerator()
        generator.vms = vms
        generator.hosts = hosts
        generator.samples = samples
        generator.interval = interval
        return generator.entries().flatMap { entry -> [CollectdRecord] in
            guard case .records(let records) = entry.payload else { return [] }
            return records
        }
    }

    static func sourceName(_ event: JSONValue) -> String? {
        event["commonEventHeader"]?["sourceName"]?.stringValue
    }

    @Test("with Connections 4, four POSTs are in flight at once, each for a source of its own")
    func fourPostsInFlightAtOnce() async throws {
        let endpoint = try LoopbackHTTPEndpoint()
        let running = try RunningAgent(port: endpoint.port) {
            $0.heartbeatInterval = 0
            $0.connections = 4
            $0.shutdownTimeout = 0.5
        }
        let capture = Task { try await offCooperativePool { try endpoint.receiveAtOnce(count: 4) } }
        // one tick builds an event per VM and puts them on the queue together
        running.agent.core.ingest(Self.virtRecords(vms: 20, hosts: 5, samples: 2))
        let requests = try await capture.value
        _ = await running.agent.stats.wait { $0.eventsSent >= 4 }
        try await running.stop()
        let events = try requests.map { try JSONParser().parse(Array($0.body.utf8))["event"] }
        let sources = events.map { $0.flatMap(Self.sourceName) }
        #expect(sources.allSatisfy { $0 != nil }, "each request is one event")
        #expect(Set(sources).count == 4, "four sources: \(sources)")
    }

    @Test(
        "through 503s on 4 connections every event arrives once, and each source's events in order",
        arguments: [1, 3]
    )
    func everyEventOnceAndInOrderPerSource(batchSize: Int) async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("connections-\(UUID())").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let (stats, events) = try await Pipeline.run(agent: {
            $0.connections = 4
            $0.batchSize = batchSize
            $0.spoolDirectory = spool
        }) { pipeline in
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 3))
            let records = Self.virtRecords(vms: 50, hosts: 10, samples: 4)
            pipeline.agent.core.ingest(Array(records[..<(records.count / 2)]))
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 500, count: 2))
            pipeline.agent.core.ingest(Array(records[(records.count / 2)...]))
            await pipeline.stopAgent()
            let stats = pipeline.agent.stats.snapshot
            await pipeline.waitForEvents(stats.eventsSent)
            return (stats, try pipeline.events)
        }
        #expect(stats.eventsBuilt > 100 && stats.eventsSent == stats.eventsBuilt)
        #expect(stats.eventsDropped == 0 && stats.eventsRejected == 0)
        #expect(stats.retries >= 2, "the 503s and 500s were answered: \(stats.retries) retries")
        let ids = SendingTests.eventIds(events)
        #expect(ids.count == stats.eventsSent && Set(ids).count == ids.count, "each event once")
        var lastId: [String: Int] = [:]
        for (event, id) in zip(events, ids) {
            let source = try #require(Self.sourceName(event))
            #expect(id > lastId[source, default: 0], "\(source): event \(id) after \(lastId[source, default: 0])")
            lastId[source] = id
        }
        #expect(lastId.count >= 10, "one source per host: \(lastId.count) sources")
    }
}
