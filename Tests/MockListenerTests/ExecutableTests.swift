import CurlClient
import Foundation
import TestSupport
import Testing
import VESModel

/// The `ves-listener` program as CI runs it: flags, the first stdout line, SIGTERM, the summary and exit status.
@Suite("ves-listener executable")
struct ExecutableTests {
    /// `ves-listener` started with `arguments`.
    static func start(_ arguments: [String]) throws -> RunningProgram {
        try RunningProgram("ves-listener", arguments)
    }

    @Test("prints the real port first, and on SIGTERM writes its files, the summary, and exits 1 under --strict")
    func lifecycle() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ves-listener-exe-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("record.jsonl").path
        let junit = directory.appendingPathComponent("junit.xml").path
        let running = try Self.start([
            "--port", "0", "--record", record, "--junit", junit, "--strict", "--log-level", "error",
        ])
        let first = try #require(try await running.readLine())
        #expect(first.hasPrefix("listening on http://127.0.0.1:"))
        let base = String(first.dropFirst("listening on ".count))
        #expect(Int(base.split(separator: ":").last ?? "") ?? 0 > 0)

        let client = CurlClient()
        for body in [
            SampleEvents.body(SampleEvents.fault()),
            SampleEvents.body(SampleEvents.fault(eventId: "2", severity: "BAD")),
        ] {
            _ = try await client.send(
                CurlRequest(
                    url: base + "/eventListener/v1",
                    headers: [("Content-Type", "application/json")],
                    body: Array(body.utf8)
                )
            )
        }
        running.signal(SIGTERM)
        let (status, rest, _) = try await running.finish()
        #expect(status == 1)
        #expect(rest.contains("2 events, 1 valid, 1 invalid"))
        #expect(try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n").count == 2)
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains(#"tests="2" failures="1""#))
    }

    @Test("SIGINT without --strict exits 0")
    func interruptExitsZero() async throws {
        let running = try Self.start(["--port", "0", "--log-level", "error"])
        let first = try #require(try await running.readLine())
        #expect(first.hasPrefix("listening on "))
        running.signal(SIGINT)
        let (status, rest, _) = try await running.finish()
        #expect(status == 0)
        #expect(rest.contains("0 events, 0 valid, 0 invalid"))
    }

    @Test(
        "bad flags and unreadable schemas are clear errors with a non-zero exit",
        arguments: [
            (["--port", "70000"], "--port"),
            (["--username", "u"], "--password"),
            (["--schema", "/nonexistent/schema.json"], "cannot load schema"),
            (["--schema-for", "five=x.json"], "vN=FILE"),
            (["--tls-cert", "/nonexistent.pem"], "--tls-key"),
        ]
    )
    func badFlags(arguments: [String], expected: String) async throws {
        let running = try Self.start(arguments)
        let (status, _, errors) = try await running.finish()
        #expect(status != 0)
        #expect(errors.contains(expected), "stderr was: \(errors)")
    }

    @Test("a port already in use is a clear error")
    func portInUse() async throws {
        try await ListenerHarness.run { harness in
            let port = String(harness.port)
            let running = try Self.start(["--port", port])
            let (status, _, errors) = try await running.finish()
            #expect(status != 0)
            #expect(errors.contains("cannot listen on 127.0.0.1:\(port)"), "stderr was: \(errors)")
        }
    }
}
