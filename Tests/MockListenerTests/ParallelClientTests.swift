import CurlClient
import Foundation
import MockListener
import Testing

/// ves-agent's parallel client (several POSTs at once through libcurl's multi interface) against the real listener:
/// each answer lands in its request's place, a failed transfer only fails its own, and connections are kept.
@Suite("Parallel client")
struct ParallelClientTests {
    static func request(_ url: String, _ body: String) -> CurlRequest {
        CurlRequest(
            method: "POST",
            url: url,
            headers: [(name: "Content-Type", value: "application/json")],
            body: Array(body.utf8)
        )
    }

    @Test("eight POSTs at once: each answer in its request's place, an invalid event's 400 in its own, twice over")
    func answersInOrder() async throws {
        try await ListenerHarness.run { harness in
            let client = CurlParallelClient(connections: 8, configuration: .init(timeout: 20))
            let url = harness.baseURL + "/eventListener/v1"
            for round in 0..<2 {
                let requests = (0..<8).map { index in
                    index == 5
                        ? Self.request(url, "{\"event\": {}}")
                        : Self.request(url, SampleEvents.body(SampleEvents.fault(eventId: "\(round)-\(index)")))
                }
                let statuses = await client.send(requests).map { try? $0.get().status }
                #expect(statuses == [202, 202, 202, 202, 202, 400, 202, 202])
            }
            let records = try await harness.records()
            #expect(records.count == 16)
        }
    }

    @Test("a request nobody answers fails alone; the others are answered")
    func oneFailureStaysInItsPlace() async throws {
        try await ListenerHarness.run { harness in
            // tcpmux: nothing listens on port 1, so the connection is refused
            let deadURL = "http://127.0.0.1:1/eventListener/v1"
            let client = CurlParallelClient(connections: 3, configuration: .init(timeout: 20, connectTimeout: 2))
            let url = harness.baseURL + "/eventListener/v1"
            let results = await client.send([
                Self.request(url, SampleEvents.body(SampleEvents.fault(eventId: "a"))),
                Self.request(deadURL, SampleEvents.body(SampleEvents.fault(eventId: "b"))),
                Self.request(url, SampleEvents.body(SampleEvents.fault(eventId: "c"))),
            ])
            #expect((try? results[0].get().status) == 202)
            #expect(throws: CurlError.self) { try results[1].get() }
            #expect((try? results[2].get().status) == 202)
        }
    }
}
