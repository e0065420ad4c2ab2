import CurlClient
import Foundation
import JSON
import Logging
import Testing
import VESModel

@testable import MockListener

/// Issue 15, M2: what the listener keeps in memory, what it counts, and what a request that is no event costs.
@Suite("Record memory: a ring of the newest records, lifetime counts, non-event requests and waits")
struct RecordMemoryTests {
    static func fault(_ eventId: String, severity: String = "CRITICAL") -> String {
        SampleEvents.body(SampleEvents.fault(eventId: eventId, severity: severity))
    }

    @Test("memory keeps the newest maxRecordsInMemory records; counts, summary and JUnit keep the lifetime")
    func ring() async throws {
        let junitPath = RecordAndReportTests.temporaryPath("ring.xml")
        defer { try? FileManager.default.removeItem(atPath: junitPath) }
        let (_, summary) = try await ListenerHarness.run(configure: {
            $0.maxRecordsInMemory = 5
            $0.junitPath = junitPath
        }) { harness in
            for index in 1...8 {
                let severity = index <= 2 ? "BAD" : "CRITICAL"
                _ = try await harness.post("/eventListener/v1", json: Self.fault("e\(index)", severity: severity))
            }
            #expect(try await harness.records().map { $0["seq"] } == (4...8).map { JSONValue.integer(Int64($0)) })
            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["events"] == .integer(8))
            #expect(stats["invalid"] == .integer(2))
            #expect(stats["inMemory"] == .integer(5))
            #expect(stats["forgotten"] == .integer(3))
        }
        #expect(summary == ListenerSummary(events: 8, valid: 6, invalid: 2, rejected: 0))
        let xml = try String(contentsOfFile: junitPath, encoding: .utf8)
        // five cases in memory, one that says three are left out and fails for the two invalid among them
        #expect(xml.contains(#"tests="6" failures="1""#))
        #expect(xml.contains("3 events or rejected requests are not in this report, 2 of them invalid"))
    }

    @Test("DELETE of the events frees the records, their counts and the semantic history")
    func deleteFreesEverything() async throws {
        try await ListenerHarness.run { harness in
            #expect(try await harness.post("/eventListener/v1", json: Self.fault("same")).status == 202)
            let deleted = try await harness.delete("/testControl/v1/events")
            #expect(deleted.json?["deleted"] == .integer(1))
            #expect(harness.listener.store.countInMemory == 0)
            // the same eventId after the DELETE draws no "already sent" warning: the checker forgot it
            #expect(try await harness.post("/eventListener/v1", json: Self.fault("same")).status == 202)
            let warnings = try await harness.records().first?["warnings"]?.arrayValue ?? []
            #expect(warnings.isEmpty)
            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["events"] == .integer(1))
            #expect(stats["lifetime"]?["events"] == .integer(2))
        }
    }

    @Test("GET events without a limit answers a page of 10,000 and where the next starts")
    func paging() async throws {
        try await ListenerHarness.run(configure: { $0.maxBatchItems = 20_000 }) { harness in
            _ = try await harness.post("/eventListener/v1/eventBatch", body: IntakeLimitTests.zeros(10_005))
            let first = try await harness.get("/testControl/v1/events")
            let page = try #require(first.json)
            #expect(page["count"] == .integer(10_000))
            #expect(page["more"] == .bool(true))
            #expect(page["next_since"] == .integer(10_000))
            let rest = try #require(try await harness.get("/testControl/v1/events?since=10000").json)
            #expect(rest["count"] == .integer(5))
            #expect(rest["more"] == nil)
        }
    }

    @Test("requests that are not events are counted apart: not recorded, not invalid, no --strict failure")
    func nonEventRequests() async throws {
        let (stats, summary) = try await ListenerHarness.run { harness in
            #expect(try await harness.get("/favicon.ico").status == 404)
            #expect(try await harness.post("/eventListener/v9", json: Self.fault("x")).status == 400)
            #expect(try await harness.get("/eventListener/v1").status == 405)
            let state = #"{"eventThrottlingState": {"eventThrottlingMode": "normal"}}"#
            #expect(try await harness.post("/eventListener/v7/clientThrottlingState", json: state).status == 404)
            #expect(try await harness.post("/eventListener/v1", json: Self.fault("1")).status == 202)
            #expect(try await harness.records().count == 1)
            return try #require(try await harness.get("/testControl/v1/stats").json)
        }
        #expect(summary == ListenerSummary(events: 1, valid: 1, invalid: 0, rejected: 0))
        #expect(stats["nonEventRequests"]?["total"] == .integer(4))
        #expect(stats["nonEventRequests"]?["byStatus"]?["404"] == .integer(2))
        #expect(stats["nonEventRequests"]?["byStatus"]?["405"] == .integer(1))
        #expect(stats["rejected"] == .integer(0))
    }

    @Test("at most maxWaiters waits are open (503 beyond), and a timeout is cut to maxWaitSeconds")
    func waitLimits() async throws {
        try await ListenerHarness.run(configure: {
            $0.maxWaiters = 2
            $0.maxWaitSeconds = 1
        }) { harness in
            let waits = (0..<2).map { _ in
                Task {
                    // longer than a loaded machine takes to answer the cut wait: the 408 must come from the cut,
                    // not from the client giving up (its default is 10 s); the 20 s bound below still holds it
                    try await CurlClient(configuration: .init(timeout: 120)).send(
                        CurlRequest(method: "GET", url: harness.baseURL + "/testControl/v1/wait?count=1&timeout=60")
                    )
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while harness.listener.store.openWaitCount < 2, ContinuousClock.now < deadline { await Task.yield() }
            let third = try await harness.get("/testControl/v1/wait?count=1&timeout=60")
            #expect(third.status == 503)
            #expect(third.header("Retry-After") == "1")
            // both were cut to one second, though they asked for sixty
            let started = ContinuousClock.now
            for wait in waits { #expect(try await wait.value.status == 408) }
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(try await harness.get("/testControl/v1/wait?count=1&timeout=x").status == 400)
        }
    }

    @Test("a record kept in memory holds about its line's size, semantic warnings included")
    func keptLineIsSizedOnce() throws {
        let store = try RecordStore(
            recordPath: nil,
            maxRecordsInMemory: 10,
            fsyncRecords: false,
            logger: .init(label: "t")
        )
        try store.append([RecordDurabilityTests.draft(eventId: "same")])
        // the same eventId again: the store adds a semantic warning to the line it renders
        let stored = try store.append([RecordDurabilityTests.draft(eventId: "same")])
        #expect(!stored[0].warnings.isEmpty)
        let (entries, _) = store.newestEntries(before: .max, maxTaken: 1) { _ in true }
        let line = try #require(entries.first?.line)
        #expect(String(decoding: line, as: UTF8.self).contains("\"warnings\":[{"))
        // a line that outgrew its reservation would be held at about twice its size for as long as it is kept
        #expect(line.capacity <= line.count + 128, "capacity \(line.capacity) for \(line.count) bytes")
    }

    @Test("waits that end as their records arrive, at their timeout or by cancellation leave no slot behind")
    func waitSlotsAreFreed() async throws {
        let store = try RecordStore(recordPath: nil)
        let draft = try RecordDurabilityTests.draft(eventId: "w")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<2000 {
                group.addTask {
                    _ = await store.wait(for: 1 + index % 3, matching: RecordFilter(), timeout: .zero)
                }
                if index % 10 == 0 { _ = try? store.append([draft]) }
            }
            let cancelled = Task { await store.wait(for: 1_000_000, matching: RecordFilter(), timeout: .seconds(60)) }
            cancelled.cancel()
            group.addTask { _ = await cancelled.value }
        }
        #expect(store.openWaitCount == 0)
        #expect(store.pendingWaitCount == 0)
    }
}
