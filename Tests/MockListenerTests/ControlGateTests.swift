import CurlClient
import JSON
import MockListener
import Testing
import VESModel

/// A request to the harness's listener with the headers and credentials a test chooses.
extension ListenerHarness {
    func control(
        _ method: String,
        _ endpoint: String,
        headers: [(name: String, value: String)] = [],
        body: String = "",
        username: String? = nil,
        password: String? = nil
    ) async throws -> CurlResponse {
        try await client.send(
            CurlRequest(
                method: method,
                url: baseURL + "/testControl/v1/" + endpoint,
                headers: headers,
                body: Array(body.utf8),
                username: username,
                password: password
            )
        )
    }

    /// `Host: NAME:PORT` for this listener's port.
    func host(_ name: String, port: Int? = nil) -> [(name: String, value: String)] {
        [(name: "Host", value: "\(name):\(port ?? self.port)")]
    }
}

private let json = [(name: "Content-Type", value: "application/json")]
private let fault = #"{"status": 503, "count": 1}"#

@Suite("Test control: Host, credentials, media type and queue limits")
struct ControlGateTests {
    @Test("only a Host of this listener is answered: other names, other ports and no Host get 421")
    func hostMustNameTheListener() async throws {
        try await ListenerHarness.run { harness in
            #expect(try await harness.control("GET", "stats").status == 200, "curl's own Host: 127.0.0.1:PORT")
            #expect(try await harness.control("GET", "stats", headers: harness.host("localhost")).status == 200)
            #expect(try await harness.control("GET", "stats", headers: harness.host("[::1]")).status == 200)
            #expect(try await harness.control("GET", "stats", headers: harness.host("LOCALHOST.")).status == 200)

            let rebound = try await harness.control("GET", "stats", headers: harness.host("attacker.example"))
            #expect(rebound.status == 421)
            #expect(rebound.requestError?.variables.first?.contains("does not name this listener") == true)
            let wrongPort = harness.host("127.0.0.1", port: harness.port == 1 ? 2 : harness.port - 1)
            #expect(try await harness.control("GET", "stats", headers: wrongPort).status == 421)
            let noPort = [(name: "Host", value: "127.0.0.1")]
            #expect(try await harness.control("GET", "stats", headers: noPort).status == 421, "port 80 is implied")
            let noHost = [(name: "Host", value: "")]
            #expect(try await harness.control("GET", "stats", headers: noHost).status == 421)
            let deleted = try await harness.control("DELETE", "events", headers: harness.host("evil.example"))
            #expect(deleted.status == 421)
            // the event routes are not test control: any Host may post events
            let event = try await harness.post(
                "/eventListener/v1",
                body: Array(SampleEvents.body(SampleEvents.fault()).utf8),
                headers: harness.host("collector.example", port: 80)
            )
            #expect(event.status == 202)
        }
    }

    @Test("a body must be JSON: text/plain, a form or no Content-Type on POST get 415; a DELETE without body is fine")
    func bodiesMustBeJSON() async throws {
        try await ListenerHarness.run { harness in
            let plain = [(name: "Content-Type", value: "text/plain")]
            let form = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
            let none = [(name: "Content-Type", value: "")]
            #expect(try await harness.control("POST", "faults", headers: plain, body: fault).status == 415)
            #expect(try await harness.control("POST", "faults", headers: form, body: fault).status == 415)
            #expect(try await harness.control("POST", "faults", headers: none, body: fault).status == 415)
            #expect(try await harness.control("POST", "commandList", headers: plain, body: "[]").status == 415)
            #expect(harness.listener.control.pendingFaultCount == 0, "nothing refused was queued")

            #expect(try await harness.control("DELETE", "events", headers: plain, body: "x").status == 415)
            #expect(try await harness.control("DELETE", "events", headers: plain).status == 200, "no body")
            #expect(try await harness.control("DELETE", "events").status == 200)
            #expect(try await harness.control("DELETE", "faults", headers: json).status == 200)
            let queued = try await harness.control("POST", "faults", headers: json, body: fault)
            #expect(queued.status == 200)
            let typed = [(name: "Content-Type", value: "application/json; charset=utf-8")]
            #expect(try await harness.control("POST", "faults", headers: typed, body: fault).status == 200)
            #expect(harness.listener.control.pendingFaultCount == 2)
        }
    }

    @Test("with --username, /testControl needs the same Basic credentials (401 with a challenge otherwise)")
    func credentialsProtectControl() async throws {
        try await ListenerHarness.run(configure: {
            $0.credentials = Credentials(username: "ves", password: "s3cret")
        }) { harness in
            let anonymous = try await harness.control("GET", "stats")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == #"Basic realm="VES test control""#)
            #expect(try await harness.control("GET", "stats", username: "ves", password: "guess").status == 401)
            #expect(try await harness.control("GET", "stats", username: "vex", password: "s3cret").status == 401)
            let bearer = [(name: "Authorization", value: "Bearer s3cret")]
            #expect(try await harness.control("GET", "stats", headers: bearer).status == 401, "no token is set")
            let posted = try await harness.control("POST", "faults", headers: json, body: fault)
            #expect(posted.status == 401)
            #expect(try await harness.control("DELETE", "events").status == 401)
            #expect(harness.listener.control.pendingFaultCount == 0)

            let allowed = try await harness.control("GET", "stats", username: "ves", password: "s3cret")
            #expect(allowed.status == 200)
            let queued = try await harness.control(
                "POST",
                "faults",
                headers: json,
                body: fault,
                username: "ves",
                password: "s3cret"
            )
            #expect(queued.status == 200)
            #expect(harness.listener.control.pendingFaultCount == 1)
        }
    }

    @Test("--control-token: 'Authorization: Bearer TOKEN' opens /testControl, alone or beside Basic credentials")
    func controlToken() async throws {
        try await ListenerHarness.run(configure: { $0.controlToken = "t0ken-of-the-ci-job" }) { harness in
            let anonymous = try await harness.control("GET", "stats")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == #"Bearer realm="VES test control""#)
            let wrong = [(name: "Authorization", value: "Bearer t0ken-of-the-ci-jo")]
            #expect(try await harness.control("GET", "stats", headers: wrong).status == 401)
            let right = [(name: "Authorization", value: "Bearer t0ken-of-the-ci-job")]
            #expect(try await harness.control("GET", "stats", headers: right).status == 200)
            #expect(try await harness.control("DELETE", "events", headers: right).status == 200)
            // the token protects test control only: events need no credentials
            let event = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(event.status == 202)
        }
        try await ListenerHarness.run(configure: {
            $0.credentials = Credentials(username: "ves", password: "s3cret")
            $0.controlToken = "t0ken"
        }) { harness in
            let anonymous = try await harness.control("GET", "stats")
            let challenges = anonymous.headers.filter { $0.name.lowercased() == "www-authenticate" }.map(\.value)
            #expect(challenges.contains { $0.hasPrefix("Basic") } && challenges.contains { $0.hasPrefix("Bearer") })
            let bearer = [(name: "Authorization", value: "bearer t0ken")]
            #expect(try await harness.control("GET", "stats", headers: bearer).status == 200)
            #expect(try await harness.control("GET", "stats", username: "ves", password: "s3cret").status == 200)
        }
    }

    @Test("full commandList and fault queues answer 429 and keep what they hold")
    func queuesAreBounded() async throws {
        try await ListenerHarness.run { harness in
            let control = harness.listener.control
            for _ in 0..<ControlState.maxQueued {
                #expect(control.enqueue(fault: InjectedFault(status: 503, count: 1)))
                #expect(control.enqueue(commandList: .array([])))
            }
            #expect(!control.enqueue(fault: InjectedFault()))
            #expect(!control.enqueue(commandList: .array([])))
            let fault = try await harness.control("POST", "faults", headers: json, body: fault)
            #expect(fault.status == 429)
            #expect(fault.requestError?.variables.first?.contains("the faults queue is full") == true)
            let commands = try await harness.control("POST", "commandList", headers: json, body: "[]")
            #expect(commands.status == 429)
            #expect(control.pendingFaultCount == ControlState.maxQueued)
            #expect(try await harness.control("DELETE", "faults").status == 200)
            #expect(try await harness.control("POST", "faults", headers: json, body: #"{"count": 2}"#).status == 200)
            #expect(control.pendingFaultCount == 2)
        }
    }

    @Test("command lists are bounded in bytes too: a queue of large lists refuses the next")
    func commandListBytesAreBounded() {
        let control = ControlState()
        let large = JSONValue.array([.string(String(repeating: "x", count: 1024 * 1024 - 8))])
        var queued = 0
        while control.enqueue(commandList: large) { queued += 1 }
        #expect(queued == ControlState.maxCommandListBytes / (1024 * 1024))
        #expect(control.errors.last?.contains("the commandList queue is full") == true)
        #expect(control.enqueue(commandList: .array([])), "a small list still fits")
    }

    @Test("/healthz needs nothing")
    func healthIsOpen() async throws {
        try await ListenerHarness.run(configure: { $0.controlToken = "t" }) { harness in
            let health = try await harness.get("/healthz")
            #expect(health.status == 200)
        }
    }
}
