import CurlClient
import JSON
import MockListener
import Synchronization
import Testing
import VESModel

/// Issue 15, H2: what one eventBatch may cost the listener.
@Suite("Intake limits: a batch costs time linear in its items, and an answer stays small")
struct IntakeLimitTests {
    /// `{"eventList":[0,0,...]}` with `count` items: each item is its own violation.
    static func zeros(_ count: Int) -> [UInt8] {
        var body = Array(#"{"eventList":["#.utf8)
        body.reserveCapacity(count * 2 + 16)
        for index in 0..<count {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(UInt8(ascii: "0"))
        }
        body += Array("]}".utf8)
        return body
    }

    /// Posts `body` as a batch while a second connection asks `/healthz` back to back; returns the batch's answer,
    /// how many health checks were answered meanwhile and the slowest of them.
    static func postWhileCheckingHealth(
        _ body: [UInt8],
        to harness: ListenerHarness
    ) async throws -> (response: CurlResponse, answeredMeanwhile: Int, slowest: Duration) {
        let done = Mutex(false)
        let started = ContinuousClock.now
        let big = Task {
            defer { done.withLock { $0 = true } }
            return try await harness.post("/eventListener/v1/eventBatch", body: body)
        }
        let health = CurlClient(configuration: CurlClientConfiguration(timeout: 30))
        var answeredMeanwhile = 0
        var slowest: Duration = .zero
        while !done.withLock({ $0 }) {
            let asked = ContinuousClock.now
            let answer = try await health.send(CurlRequest(method: "GET", url: harness.baseURL + "/healthz"))
            #expect(answer.status == 200)
            slowest = max(slowest, ContinuousClock.now - asked)
            if !done.withLock({ $0 }) { answeredMeanwhile += 1 }
        }
        let response = try await big.value
        print(
            "\(body.count)-byte batch answered in \(ContinuousClock.now - started); slowest /healthz meanwhile \(slowest)"
        )
        return (response, answeredMeanwhile, slowest)
    }

    @Test("with the default limits a 1 MiB batch of 500,000 items is answered 400 POL9003 as one record")
    func bigBatchAtTheDefaultLimit() async throws {
        let body = Self.zeros(500_000)
        #expect(body.count <= 1024 * 1024)
        let (_, summary) = try await ListenerHarness.run { harness in
            let (response, _, slowest) = try await Self.postWhileCheckingHealth(body, to: harness)
            #expect(response.status == 400)
            #expect(response.requestError?.messageId == "POL9003")
            #expect(slowest < .seconds(10))
            let records = try await harness.records()
            #expect(records.count == 1)
            #expect(records.first?["kind"] == .string("rejected"))
        }
        #expect(summary.rejected == 1)
    }

    @Test(
        "with the limit raised, a 1 MiB batch of 500,000 invalid items is validated item by item, with /healthz answered meanwhile"
    )
    func bigBatchIsLinear() async throws {
        let body = Self.zeros(500_000)
        try await ListenerHarness.run(
            configure: { $0.maxBatchItems = 600_000 },
            client: CurlClientConfiguration(timeout: 240)
        ) { harness in
            let (response, answeredMeanwhile, slowest) = try await Self.postWhileCheckingHealth(body, to: harness)
            #expect(response.status == 400)
            #expect(answeredMeanwhile > 0)
            #expect(slowest < .seconds(10))
            let json = try #require(response.json)
            #expect(json["violations"]?.arrayValue?.count == 100)
            #expect(json["violationsNotListed"] == .integer(499_900))
            #expect(response.requestError?.variables.count == 100)
            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["invalid"] == .integer(500_000))
            #expect(stats["inMemory"] == .integer(100_000))
            #expect(stats["forgotten"] == .integer(400_000))
        }
    }

    @Test("past maxBatchItems (10,000 by default) a batch is 400 POL9003 without validating its items")
    func batchOverTheLimit() async throws {
        let (_, summary) = try await ListenerHarness.run { harness in
            let response = try await harness.post("/eventListener/v1/eventBatch", body: Self.zeros(10_001))
            #expect(response.status == 400)
            #expect(response.requestError?.messageId == "POL9003")
            let records = try await harness.records()
            #expect(records.count == 1)
            #expect(records.first?["kind"] == .string("rejected"))
            let message = records.first?["errors"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.contains("10001 events; at most 10000"))
            #expect(try await harness.post("/eventListener/v1/eventBatch", body: Self.zeros(10_000)).status == 400)
            #expect(try await harness.records("kind=event&limit=1").count == 1)
        }
        #expect(summary.rejected == 1)
        #expect(summary.invalid == 10_001)
    }

    @Test("an answer lists at most maxViolationsPerAnswer violations and says how many it left out")
    func violationsPerAnswer() async throws {
        try await ListenerHarness.run(configure: { $0.maxViolationsPerAnswer = 3 }) { harness in
            let response = try await harness.post("/eventListener/v1/eventBatch", body: Self.zeros(5))
            #expect(response.status == 400)
            #expect(response.requestError?.variables == ["/eventList/0", "/eventList/1", "/eventList/2"])
            #expect(response.json?["violations"]?.arrayValue?.count == 3)
            #expect(response.json?["violationsNotListed"] == .integer(2))
            // the record keeps every one
            #expect(try await harness.records("valid=false").count == 5)
        }
    }

    @Test("a violation renders a huge string or integer cut, not whole")
    func renderedValuesAreCut() async throws {
        try await ListenerHarness.run { harness in
            let long = String(repeating: "a", count: 500_000)
            let response = try await harness.post("/eventListener/v1", json: #"{"event": ""# + long + #""}"#)
            #expect(response.status == 400)
            let messages = response.json?["violations"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
            #expect(!messages.isEmpty)
            #expect(messages.allSatisfy { $0.utf8.count < 5000 })
            let digits = String(repeating: "7", count: 200_000)
            let number = try await harness.post("/eventListener/v1", json: #"{"event": "# + digits + "}")
            let numberMessages = number.json?["violations"]?.arrayValue?.compactMap { $0["message"]?.stringValue }
            #expect(numberMessages?.allSatisfy { $0.utf8.count < 5000 } == true)
        }
    }
}
