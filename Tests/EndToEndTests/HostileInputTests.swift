import Collectd
import CurlClient
import Foundation
import JSON
import MockListener
import ServiceLifecycle
import TestSupport
import Testing
import VESAgent

#if canImport(Glibc)
    import Glibc
#endif

/// A hostile listener or sender against a real agent (real UDP, real libcurl): intervals that would crash or
/// wedge it, answers too large to buffer, names invented without end (issue 15: H1, H3, M6, L9).
@Suite("Hostile input to the agent", .serialized)
struct HostileInputTests {
    /// Waits until `condition` holds, polling, for at most `seconds`; returns whether it held.
    static func eventually(within seconds: Double = 60, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    static func intervalChange(_ interval: JSONValue) -> JSONValue {
        [["commandType": "measurementIntervalChange", "measurementInterval": interval]]
    }

    @Test("measurementInterval inf, 0, 1e-9, 1e30 or 400 digits leaves the agent at its interval")
    func hostileIntervalsLeaveTheAgentAtItsInterval() async throws {
        let hostile: [JSONValue] = [
            "inf", "infinity", "nan", "0x1p100", .integer(0), .number(1e-9), .number(1e30), .integer(-5),
            .largeInteger("1000000000000000000000000000000"), .largeInteger(String(repeating: "9", count: 400)),
        ]
        try await Pipeline.run(
            agent: {
                $0.clock = .wall
                $0.guestRunning = true
                $0.sendEventInterval = 0.2
            }
        ) { pipeline in
            for value in hostile {
                pipeline.listener.control.enqueue(commandList: Self.intervalChange(value))
            }
            let refused = await Self.eventually {
                pipeline.agent.stats.snapshot.intervalChangesRefused == hostile.count
            }
            #expect(refused, "refused: \(pipeline.agent.stats.snapshot.intervalChangesRefused)")
            #expect(pipeline.agent.core.interval == 0.2)
            let sent = pipeline.agent.stats.snapshot.eventsSent
            #expect(
                await Self.eventually { pipeline.agent.stats.snapshot.eventsSent >= sent + 3 },
                "events keep coming"
            )
            #expect(pipeline.agent.core.interval == 0.2)
            #expect(pipeline.agent.stats.snapshot.summary.contains("refused: \(hostile.count) interval changes"))
        }
    }

    /// An agent on the wall clock (GuestRunning, 0.2 s) posting to `port`.
    static func withAgent<T: Sendable>(
        port: Int,
        configure: (inout AgentConfiguration) -> Void = { _ in },
        _ body: (Agent) async throws -> T
    ) async throws -> T {
        var configuration = AgentConfiguration()
        configuration.port = port
        configuration.listenPort = 0
        configuration.hostname = "compute-0"
        configuration.clock = .wall
        configuration.guestRunning = true
        configuration.sendEventInterval = 0.2
        configuration.initialRetryDelay = 0.02
        configuration.maximumRetryDelay = 0.2
        configure(&configuration)
        let agent = try Agent(configuration: configuration, logger: Pipeline.quietLogger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Pipeline.quietLogger
            )
        )
        let running = Task { try await group.run() }
        let result = try await body(agent)
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        return result
    }

    @Test("an answer with measurementInterval 1e400 is refused whole and the agent goes on posting")
    func answerWith1e400IsRefused() async throws {
        let endpoint = try LoopbackHTTPEndpoint()
        let answer = #"{"commandList": [{"commandType": "measurementIntervalChange", "measurementInterval": 1e400}]}"#
        try await Self.withAgent(port: endpoint.port) { agent in
            let requests = try await offCooperativePool { try endpoint.receive(count: 3, answer: answer) }
            #expect(requests.count == 3, "the agent posted again after the answer")
            #expect(agent.core.interval == 0.2)
        }
    }

    @Test("an empty Username sends no Authorization header; a set one sends Basic")
    func emptyUsernameSendsNoAuthorization() async throws {
        let endpoint = try LoopbackHTTPEndpoint()
        let requests = try await Self.withAgent(port: endpoint.port) { _ in
            try await offCooperativePool { try endpoint.receive(count: 1) }
        }
        #expect(requests.count == 1)
        #expect(requests.first.map { !$0.head.contains("\r\nauthorization:") } == true, "\(requests)")

        let withUser = try LoopbackHTTPEndpoint()
        let client = CurlClient(configuration: .init(timeout: 10))
        async let captured = offCooperativePool { try withUser.receive(count: 2) }
        _ = try await client.send(.init(url: "http://127.0.0.1:\(withUser.port)/a", username: "", password: "pw"))
        _ = try await client.send(.init(url: "http://127.0.0.1:\(withUser.port)/b", username: "ves", password: "pw"))
        let heads = try await captured.map(\.head)
        #expect(heads.count == 2)
        #expect(heads.first.map { !$0.contains("\r\nauthorization:") } == true)
        // base64("ves:pw") = dmVzOnB3, lower-cased by the endpoint
        #expect(heads.last?.contains("\r\nauthorization: basic dmvzonb3\r\n") == true)
    }

    @Test("a response body past 16 MiB is not read: the status stands, so a 202 is not sent again forever")
    func responseBodyPast16MiBIsNotRead() async throws {
        let limit = 16 * 1024 * 1024
        for announced in [true, false] {
            let server = try RawAnswerServer(bodyBytes: limit + 1024 * 1024, announceLength: announced)
            let client = CurlClient(configuration: .init(timeout: 30))
            let response = try await client.send(.init(method: "GET", url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.status == 202)
            #expect(response.bodyOmitted)
            #expect(response.body.isEmpty)
            server.finish()
        }
        let small = try RawAnswerServer(bodyBytes: 1024 * 1024, announceLength: false)
        let response = try await CurlClient().send(.init(method: "GET", url: "http://127.0.0.1:\(small.port)/"))
        #expect(response.body.count == 1024 * 1024)
        #expect(!response.bodyOmitted)
        small.finish()
    }

    @Test("distinct names past MaxSeries are refused over UDP while the real series keep arriving")
    func namesPastMaxSeriesAreRefused() async throws {
        let start = 1_795_570_000.0
        func load(_ at: Double, host: String = "compute-0", plugin: String = "load") -> CollectdRecord {
            .load(host: host, plugin: plugin, at: at, [at - start, 1, 2])
        }
        try await Pipeline.run(
            agent: {
                $0.guestRunning = true
                $0.maxSeries = 10
            }
        ) { pipeline in
            try await pipeline.send([load(start)])
            try await pipeline.send((0..<1000).map { load(start + 1, host: "fake\($0)", plugin: "flood\($0)") })
            for step in 1...4 { try await pipeline.send([load(start + Double(step) * 10)]) }
            await pipeline.stopAgent()
            let counters = pipeline.agent.stats.snapshot
            #expect(counters.seriesRefused == 991)
            #expect(counters.series == 10)
            #expect(counters.summary.contains("refused: 991 new series"))
            await pipeline.waitForEvents(counters.eventsBuilt)
            let events = try pipeline.events
            #expect(events.count == 3)
            let last = try #require(events.last?["measurementsForVfScalingFields"]?["additionalMeasurements"])
            let load = last.arrayValue?.first { $0["name"] == "load" }
            #expect(load?["measurements"]?[0]?["value"] == "40.0", "the real series' latest value")
        }
    }
}

/// A one-connection HTTP server that answers any request with `bodyBytes` bytes, with or without a
/// Content-Length (then it closes to end the body), ignoring a client that hangs up early.
final class RawAnswerServer: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { "cannot listen on 127.0.0.1: errno \(errno)" }
    }

    let port: Int
    private let listener: Int32
    private let thread: Thread

    init(bodyBytes: Int, announceLength: Bool) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(errno: errno) }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        thread = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var head: [UInt8] = []
            var byte: UInt8 = 0
            while read(connection, &byte, 1) == 1 {
                head.append(byte)
                if head.suffix(4) == Array("\r\n\r\n".utf8) { break }
            }
            let lengthLine = announceLength ? "Content-Length: \(bodyBytes)\r\n" : "Connection: close\r\n"
            var pending = Array("HTTP/1.1 202 Accepted\r\n\(lengthLine)\r\n".utf8)
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
            var left = bodyBytes
            while true {
                if pending.isEmpty {
                    guard left > 0 else { return }
                    pending = Array(chunk.prefix(left))
                    left -= pending.count
                }
                // MSG_NOSIGNAL: a client that stopped reading gives EPIPE, not SIGPIPE
                let written = pending.withUnsafeBytes {
                    send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else { return }
                pending.removeFirst(written)
            }
        }
        thread.start()
    }

    /// Stops accepting.
    func finish() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
