import Collectd
import Foundation
import Replay
import TestSupport
import Testing

@Suite("ves-replay send --to http")
struct HTTPTargetTests {
    @Test("value lists arrive as write_http JSON arrays and notifications in write_http's own shape")
    func postsCollectdJSON() async throws {
        let trace = SharedMaterial.fixture("model/virt-and-host.jsonl")
        let expected = try records(of: trace)
        let endpoint = try LoopbackHTTPEndpoint()
        // lines recorded at the same moment go in one request, and the notification in its own: 8 requests
        async let bodies = offCooperativePool { try endpoint.receive(count: 8, status: "200 OK").map(\.body) }
        let summary = try await replay([trace]) { $0.target = .http(url: "http://127.0.0.1:\(endpoint.port)/collectd") }
        let received = try await bodies
        #expect(summary.datagrams == 8)
        #expect(summary.failedRequests == 0)
        let typesDB = TypesDB.systemOrBuiltIn()
        let alerts = received.filter { $0.contains("\"annotations\"") }
        #expect(alerts.count == 1)
        let lists = try received.filter { !$0.contains("\"annotations\"") }
            .flatMap { try CollectdJSON.decode(line: $0, typesDB: typesDB) }
        let expectedLists = expected.filter { if case .values = $0 { true } else { false } }
        #expect(sortedDescriptions(lists) == sortedDescriptions(expectedLists))
        // write_http's notification shape reads back as the notification that was sent
        let notifications = try alerts.flatMap { try CollectdJSON.decode(line: $0, typesDB: typesDB) }
        #expect(notifications.count == 1)
        if case .notification(let notification)? = notifications.first {
            #expect(notification.message == "VM instance-00000002 CPU usage is above 90%")
            #expect(notification.severity == .warning)
        } else {
            Issue.record("the alert did not read back as a notification")
        }
    }
}
