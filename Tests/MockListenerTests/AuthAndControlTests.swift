import CurlClient
import JSON
import MockListener
import Testing
import VESModel

@Suite("Basic authentication")
struct AuthTests {
    let body = SampleEvents.body(SampleEvents.fault())

    @Test("missing Authorization is 400 with a challenge, wrong is 401 POL0001 with a challenge, right is 202")
    func credentials() async throws {
        let (_, summary) = try await ListenerHarness.run(configure: {
            $0.credentials = Credentials(username: "ves", password: "s3cret:with:colons")
        }) { harness in
            let missing = try await harness.post("/eventListener/v1", json: body)
            #expect(missing.status == 400)
            #expect(missing.requestError?.messageId == "SVC2000")
            #expect(missing.requestError?.variables.first?.contains("Authorization") == true)
            #expect(missing.header("WWW-Authenticate") == #"Basic realm="VES event listener""#)

            let wrong = try await harness.post("/eventListener/v1", json: body, username: "ves", password: "guess")
            #expect(wrong.status == 401)
            let error = try #require(wrong.requestError)
            #expect(error.kind == .policyException)
            #expect(error.messageId == "POL0001")
            #expect(wrong.header("WWW-Authenticate")?.hasPrefix("Basic") == true)

            let right = try await harness.post(
                "/eventListener/v1",
                json: body,
                username: "ves",
                password: "s3cret:with:colons"
            )
            #expect(right.status == 202)
            // test control needs the same credentials
            #expect(try await harness.get("/testControl/v1/stats").status == 401)
            let listed = try await harness.control("GET", "events", username: "ves", password: "s3cret:with:colons")
            #expect(listed.status == 200)
            let records = listed.json?["events"]?.arrayValue ?? []
            #expect(records.map { $0["status"] } == [400, 401, 202].map { JSONValue.integer($0) })
            // nothing of the secret is recorded
            let text = records.map { $0.jsonString() }.joined()
            #expect(!text.contains("s3cret") && !text.contains("guess"))
        }
        #expect(summary == ListenerSummary(events: 3, valid: 1, invalid: 2, rejected: 2))
    }
}

@Suite("Test control")
struct ControlTests {
    @Test("a queued commandList comes back in the next 202 only")
    func commandList() async throws {
        try await ListenerHarness.run { harness in
            let commands =
                #"{"commandList": [{"command": {"commandType": "measurementIntervalChange", "measurementInterval": 60}}]}"#
            let queued = try await harness.post("/testControl/v1/commandList", json: commands)
            #expect(queued.status == 200)
            let first = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(first.status == 202)
            #expect(first.header("Content-Type") == "application/json")
            let list = try #require(first.json?["commandList"]?.arrayValue)
            #expect(list.first?["command"]?["measurementInterval"] == .integer(60))
            let second = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.fault(eventId: "2"))
            )
            #expect(second.status == 202)
            #expect(second.body.isEmpty)
            let bad = try await harness.post("/testControl/v1/commandList", json: #"{"commands": 1}"#)
            #expect(bad.status == 400)
        }
    }

    @Test("faults: the next N event POSTs get the status, then events are accepted again")
    func faults() async throws {
        try await ListenerHarness.run { harness in
            let queued = try await harness.post("/testControl/v1/faults", json: #"{"status": 503, "count": 2}"#)
            #expect(queued.status == 200)
            var statuses: [Int] = []
            for index in 0..<3 {
                let response = try await harness.post(
                    "/eventListener/v1",
                    json: SampleEvents.body(SampleEvents.fault(eventId: "f\(index)"))
                )
                statuses.append(response.status)
                if response.status == 503 {
                    #expect(response.requestError?.messageId == "SVC1000")
                    #expect(response.header("Retry-After") == "1")
                }
            }
            #expect(statuses == [503, 503, 202])
            let events = try await harness.records("kind=event")
            #expect(events.count == 1)
            let faults = try await harness.records("kind=fault")
            #expect(faults.count == 2)
            #expect(faults.first?["event"]?["commonEventHeader"]?["eventId"] == .string("f0"))
            let bad = try await harness.post("/testControl/v1/faults", json: #"{"status": "soon"}"#)
            #expect(bad.status == 400)
            let unknown = try await harness.post("/testControl/v1/faults", json: #"{"stauts": 503}"#)
            #expect(unknown.status == 400)
        }
    }

    @Test("drop_connection closes the connection without an answer; delay_ms delays a normal answer")
    func dropAndDelay() async throws {
        try await ListenerHarness.run { harness in
            _ = try await harness.post("/testControl/v1/faults", json: #"{"drop_connection": true}"#)
            // a fresh connection: curl silently retries a request whose reused keep-alive connection was closed
            let fresh = CurlClient()
            let body = Array(SampleEvents.body(SampleEvents.fault()).utf8)
            await #expect(throws: CurlError.self) {
                try await fresh.send(CurlRequest(url: harness.baseURL + "/eventListener/v1", body: body))
            }
            _ = try await harness.post("/testControl/v1/faults", json: #"{"status": 202, "delay_ms": 300}"#)
            let clock = ContinuousClock()
            let start = clock.now
            let delayed = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(delayed.status == 202)
            #expect(clock.now - start >= .milliseconds(300))
            #expect(try await harness.records("kind=fault").first?["status"] == .integer(0))
        }
    }

    @Test("wait answers as soon as N matching events arrived, and 408 at the timeout")
    func wait() async throws {
        try await ListenerHarness.run { harness in
            let waiting = Task {
                try await harness.client.send(
                    CurlRequest(
                        method: "GET",
                        url: harness.baseURL + "/testControl/v1/wait?count=3&domain=fault&timeout=30"
                    )
                )
            }
            // the wait must not be answered by events of another domain
            let sender = CurlClient()
            for index in 0..<2 {
                let measurement = SampleEvents.body(SampleEvents.measurement(eventId: "m\(index)"))
                _ = try await sender.send(
                    CurlRequest(
                        url: harness.baseURL + "/eventListener/v1",
                        headers: [("Content-Type", "application/json")],
                        body: Array(measurement.utf8)
                    )
                )
            }
            for index in 0..<3 {
                let fault = SampleEvents.body(SampleEvents.fault(eventId: "w\(index)"))
                _ = try await sender.send(
                    CurlRequest(
                        url: harness.baseURL + "/eventListener/v1",
                        headers: [("Content-Type", "application/json")],
                        body: Array(fault.utf8)
                    )
                )
            }
            let answer = try await waiting.value
            #expect(answer.status == 200)
            #expect(answer.json?["count"] == .integer(3))
            let timedOut = try await harness.get("/testControl/v1/wait?count=10&timeout=0.2")
            #expect(timedOut.status == 408)
            #expect(timedOut.json?["count"] == .integer(5))
            let bad = try await harness.get("/testControl/v1/wait?count=x")
            #expect(bad.status == 400)
        }
    }

    @Test("a pending wait ends when the listener shuts down")
    func waitEndsAtShutdown() async throws {
        let (answer, _) = try await ListenerHarness.run { harness in
            // the client waits longer than a loaded machine may take to shut the listener down: the 408 must come
            // from the shutdown, not from the client giving up (its default is 10 s)
            let client = CurlClient(configuration: .init(timeout: 300))
            let url = harness.baseURL + "/testControl/v1/wait?count=1&timeout=600"
            let answer = Task { try await client.send(CurlRequest(method: "GET", url: url)) }
            while harness.listener.store.pendingWaitCount == 0 { await Task.yield() }
            return answer
        }
        #expect(try await answer.value.status == 408)
    }

    @Test("events can be filtered by domain, validity and sequence, counted, and deleted")
    func queryStatsDelete() async throws {
        try await ListenerHarness.run { harness in
            _ = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault(eventId: "1")))
            _ = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.measurement(eventId: "2"))
            )
            _ = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.fault(eventId: "3", severity: "BAD"))
            )
            _ = try await harness.post("/eventListener/v1", json: "nope")
            #expect(try await harness.records("domain=fault").count == 2)
            #expect(try await harness.records("valid=false").count == 2)
            #expect(try await harness.records("valid=true&domain=fault").count == 1)
            #expect(try await harness.records("since=2").map { $0["seq"] } == [.integer(3), .integer(4)])
            #expect(try await harness.get("/testControl/v1/events?valid=maybe").status == 400)

            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["events"] == .integer(3))
            #expect(stats["valid"] == .integer(2))
            #expect(stats["invalid"] == .integer(1))
            #expect(stats["rejected"] == .integer(1))
            #expect(stats["byDomain"]?["fault"]?["total"] == .integer(2))
            #expect(stats["byDomain"]?["fault"]?["invalid"] == .integer(1))
            #expect(stats["byDomain"]?["measurementsForVfScaling"]?["valid"] == .integer(1))
            #expect(stats["byStatus"]?["202"] == .integer(2))
            #expect(stats["byStatus"]?["400"] == .integer(2))

            let deleted = try await harness.delete("/testControl/v1/events")
            #expect(deleted.json?["deleted"] == .integer(4))
            #expect(try await harness.records().isEmpty)
            _ = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault(eventId: "5")))
            #expect(try await harness.records().map { $0["seq"] } == [.integer(5)])
            // a JSON POST, so test control's media-type check (415) lets it reach the method check
            #expect(try await harness.post("/testControl/v1/stats", json: "{}").status == 405)
            #expect(try await harness.get("/testControl/v1/nothing").status == 404)
        }
    }
}

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("a request in flight at shutdown is finished, answered and recorded")
    func inFlightRequestFinishes() async throws {
        let (answer, summary) = try await ListenerHarness.run { harness in
            _ = try await harness.post("/testControl/v1/faults", json: #"{"status": 202, "delay_ms": 500}"#)
            let client = CurlClient()
            let url = harness.baseURL + "/eventListener/v1"
            let body = Array(SampleEvents.body(SampleEvents.fault()).utf8)
            let answer = Task {
                try await client.send(
                    CurlRequest(url: url, headers: [("Content-Type", "application/json")], body: body)
                )
            }
            // the request has taken the queued delay: it is in flight when the harness shuts the listener down
            while harness.listener.control.pendingFaultCount > 0 { await Task.yield() }
            return answer
        }
        #expect(try await answer.value.status == 202)
        #expect(summary == ListenerSummary(events: 1, valid: 1, invalid: 0, rejected: 0))
    }
}
