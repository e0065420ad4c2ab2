import Foundation
import TestSupport
import Testing

/// The `ves-replay` program as people and scripts run it.
@Suite("ves-replay executable")
struct ReplayExecutableTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test(
        "record names its port first; send ends with its summary line; record stops at --count with its own",
        arguments: [[], ["--stream"]]
    )
    func sendIntoRecord(extra: [String]) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("recorded.jsonl").path
        let recorder = try RunningProgram(
            "ves-replay",
            ["record", "--listen", "udp://127.0.0.1:0", "--out", out, "--count", "175", "--log-level", "error"]
        )
        let first = try #require(try await recorder.readLine())
        #expect(first.hasPrefix("listening on udp://127.0.0.1:"))
        let port = try #require(first.split(separator: ":").last.map(String.init))

        let sender = try RunningProgram(
            "ves-replay",
            [
                "send", SharedMaterial.fixture("model/virt-and-host.jsonl"), "--to", "udp://127.0.0.1:\(port)",
                "--speed", "max", "--no-progress",
            ] + extra
        )
        let sent = try await sender.finish()
        #expect(sent.status == 0)
        let lastLine = sent.rest.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasPrefix("sent 175 value lists, 1 notifications in "), "stdout: \(sent.rest)")
        #expect(lastLine.contains(" datagrams in ") && lastLine.hasSuffix(" s"))

        let recorded = try await recorder.finish()
        #expect(recorded.status == 0)
        #expect(recorded.rest.contains("recorded 175 value lists"), "stdout: \(recorded.rest)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 175)
    }

    @Test("SIGINT ends a recording cleanly with its summary")
    func interruptRecording() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = try RunningProgram(
            "ves-replay",
            ["record", "--listen", "udp://127.0.0.1:0", "--out", directory.appendingPathComponent("r.jsonl").path]
        )
        #expect(try await recorder.readLine()?.hasPrefix("listening on udp://") == true)
        recorder.signal(SIGINT)
        let result = try await recorder.finish()
        #expect(result.status == 0)
        #expect(result.rest.contains("recorded 0 value lists, 0 notifications from 0 datagrams (0 bad)"))
    }

    @Test(
        "bad input is a clear message and a non-zero exit",
        arguments: [
            (["send", "/nonexistent/trace.jsonl"], "does not exist"),
            (["send", "/nonexistent/trace.jsonl", "--stream"], "does not exist"),
            (["inspect", "/nonexistent/trace.jsonl"], "does not exist"),
            (["send", "x.jsonl", "--speed", "fast"], "--speed"),
            (["send", "x.jsonl", "--to", "ftp://host"], "udp://HOST:PORT"),
            (["record", "--out", "x.jsonl", "--security-level", "encrypt"], "--auth-file"),
            (["convert", "/nonexistent.jsonl", "--out", "y.unknown"], "--format"),
        ]
    )
    func badInput(arguments: [String], expected: String) async throws {
        let result = try await RunningProgram("ves-replay", arguments).finish()
        #expect(result.status != 0)
        #expect(result.errors.contains(expected), "stderr: \(result.errors)")
    }
}
