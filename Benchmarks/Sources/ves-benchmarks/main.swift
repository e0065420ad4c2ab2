import ArgumentParser
import Foundation
import Logging
import MockListener
import ServiceLifecycle
import VESModel

/// Benchmarks of the harness, printed as lines a person reads and BENCHMARKS.md records.
@main
struct VESBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ves-benchmarks",
        abstract: "Measure the harness (build with -c release).",
        subcommands: [ListenerBenchmark.self]
    )
}

struct ListenerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listener",
        abstract: "Validation speed of one VES 1.1 event and listener throughput over HTTP keep-alive."
    )

    @Option(help: "A single-event body ({\"event\": ...}) to validate and post.")
    var event: String

    @Option(help: "The official 2016 schema file, for the Python comparison and a cross-check.")
    var officialSchema: String

    @Option(help: "Python script that measures jsonschema on the same event.")
    var pythonScript: String

    @Option(help: "Seconds per validation measurement.")
    var seconds = 3.0

    @Option(help: "Seconds of HTTP load.")
    var httpSeconds = 10

    @Option(help: "Concurrent keep-alive connections of the load generator.")
    var connections = 32

    func run() async throws {
        let body = try Array(Data(contentsOf: URL(fileURLWithPath: event)))
        print("event: \(event) (\(body.count) bytes)")
        let parser = JSONParser()
        let builtIn = VES11FieldSet.validator
        let official = try JSONSchemaValidator(contentsOfFile: officialSchema)
        let document = try parser.parse(body)
        guard builtIn.validate(document).isEmpty, official.validate(document).isEmpty else {
            throw ValidationError("the event is not valid under VES 1.1; pick a valid one")
        }

        let parseAndValidate = measure(seconds: seconds) {
            let value = try! parser.parse(body)
            return builtIn.validate(value).count
        }
        print(line("parse+validate, built-in ves-1.1, 1 core", parseAndValidate))
        let validateOnly = measure(seconds: seconds) { builtIn.validate(document).count }
        print(line("validate only, built-in ves-1.1, 1 core", validateOnly))
        let officialRate = measure(seconds: seconds) {
            let value = try! parser.parse(body)
            return official.validate(value).count
        }
        print(line("parse+validate, official 2016 file, 1 core", officialRate))
        if let python = try pythonRate() {
            print(
                String(
                    format: "python jsonschema (Draft4Validator, official 2016 file): %.0f events/s; ratio %.1fx",
                    python,
                    parseAndValidate / python
                )
            )
        }
        try await httpLoad(body: body)
    }

    /// Runs `work` repeatedly for about `seconds`; returns operations per second.
    private func measure(seconds: Double, _ work: () -> Int) -> Double {
        var sink = 0
        for _ in 0..<2000 { sink &+= work() }
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while true {
            for _ in 0..<1000 { sink &+= work() }
            count += 1000
            let elapsed = clock.now - start
            if elapsed >= .milliseconds(Int64(seconds * 1000)) {
                if sink == -1 { print("") }
                return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
        }
    }

    private func line(_ name: String, _ rate: Double) -> String {
        String(format: "%@: %.0f events/s (%.2f µs/event)", name, rate, 1e6 / rate)
    }

    private func pythonRate() throws -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", pythonScript, "--schema", officialSchema, "--event", event, "--seconds", String(seconds)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let value = try? JSONParser().parse(Array(data)) else {
            print("python jsonschema: not measured (python3 with jsonschema is needed)")
            return nil
        }
        return value["per_second"]?.doubleValue
    }

    /// Starts the listener in this process and drives it with wrk over keep-alive connections.
    private func httpLoad(body: [UInt8]) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("post.lua")
        let bodyFile = directory.appendingPathComponent("body.json")
        try Data(body).write(to: bodyFile)
        try """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        local file = io.open("\(bodyFile.path)", "rb")
        wrk.body = file:read("*a")
        file:close()
        """.write(to: script, atomically: true, encoding: .utf8)

        var configuration = ListenerConfiguration()
        configuration.port = 0
        configuration.recordPath = directory.appendingPathComponent("record.jsonl").path
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let listener = try EventListener(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [listener], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            guard let address = await listener.address else { throw ValidationError("listener did not start") }
            let wrk = Process()
            wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            wrk.arguments = [
                "wrk", "-t1", "-c\(connections)", "-d\(httpSeconds)s", "-s", script.path,
                "\(address)/eventListener/v1",
            ]
            let output = Pipe()
            wrk.standardOutput = output
            try wrk.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            wrk.waitUntilExit()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            guard wrk.terminationStatus == 0 else {
                print("http: not measured (wrk is needed: apt-get install -y wrk)")
                return
            }
            let summary = try listener.finish()
            let rate = text.split(separator: "\n").first { $0.contains("Requests/sec:") }.map {
                $0.split(separator: " ").last.map(String.init) ?? "?"
            } ?? "?"
            let latency = text.split(separator: "\n").first { $0.contains("Latency") }.map(String.init) ?? ""
            let errors = text.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }
            let recordBytes = try Data(contentsOf: URL(fileURLWithPath: configuration.recordPath!))
            let recordLines = recordBytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let requests = text.split(separator: "\n").first { $0.contains("requests in") }.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
            print(
                "http keep-alive, wrk -t1 -c\(connections) \(httpSeconds)s, listener in-process with --record: "
                    + "\(rate) events/s; \(summary); \(recordLines) record lines"
            )
            print("  wrk: \(requests)")
            print("  wrk:\(latency.isEmpty ? "" : " " + latency.trimmingCharacters(in: .whitespaces))")
            for error in errors { print("  wrk: \(error.trimmingCharacters(in: .whitespaces))") }
        }
    }
}
