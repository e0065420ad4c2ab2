import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MockListener
import NIOCore
import ServiceLifecycle

/// What one wrk run printed, with the CPU this process spent meanwhile (the server under load runs in it).
struct WrkResult {
    var requestsPerSecond: Double
    /// `N requests in Ts, X read`.
    var requests: String
    var latency: String
    /// `Non-2xx` and `Socket errors` lines.
    var errors: [String]
    var serverCPUSeconds: Double
    var completed: Int

    /// Microseconds of this process's CPU per request wrk completed.
    var cpuMicrosecondsPerRequest: Double { completed > 0 ? serverCPUSeconds / Double(completed) * 1e6 : 0 }
}

/// The wrk settings every HTTP benchmark takes.
struct HTTPLoadOptions: ParsableArguments {
    @Option(help: "Seconds of load per run.")
    var httpSeconds = 10

    @Option(help: "Concurrent keep-alive connections of the load generator.")
    var connections = 32

    var load: WrkLoad { WrkLoad(seconds: httpSeconds, connections: connections) }
}

/// Drives an HTTP server with wrk over keep-alive connections, posting one body again and again.
struct WrkLoad {
    var seconds: Int
    var connections: Int
    var threads = 1

    /// A wrk script that posts the file's bytes as `application/json` with `headers`, written beside it.
    static func script(posting bodyFile: URL, headers: [String: String] = [:]) throws -> URL {
        let script = bodyFile.deletingPathExtension().appendingPathExtension("lua")
        let extra = headers.map { "wrk.headers[\"\($0.key)\"] = \"\($0.value)\"\n" }.joined()
        try """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        \(extra)
        local file = io.open("\(bodyFile.path)", "rb")
        wrk.body = file:read("*a")
        file:close()
        """.write(to: script, atomically: true, encoding: .utf8)
        return script
    }

    var settings: String { "wrk -t\(threads) -c\(connections) \(seconds)s" }

    /// Runs wrk against `url`; nil when wrk is missing or failed.
    func run(url: String, script: URL) async throws -> WrkResult? {
        let wrk = Process()
        wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        wrk.arguments = ["wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "-s", script.path, url]
        let output = Pipe()
        wrk.standardOutput = output
        wrk.standardError = FileHandle.nullDevice
        let cpuBefore = BatchBenchmark.processCPUSeconds()
        try wrk.run()
        // read on a thread of its own: no task of the server under load waits behind this one
        let text = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                wrk.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        let cpu = BatchBenchmark.processCPUSeconds() - cpuBefore
        guard wrk.terminationStatus == 0 else { return nil }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let rate = lines.first { $0.hasPrefix("Requests/sec:") }?.split(separator: " ").last.flatMap { Double($0) }
        let requests = lines.first { $0.contains("requests in") } ?? ""
        return WrkResult(
            requestsPerSecond: rate ?? 0,
            requests: requests,
            latency: lines.first { $0.hasPrefix("Latency") } ?? "",
            errors: lines.filter { $0.contains("Non-2xx") || $0.contains("Socket errors") },
            serverCPUSeconds: cpu,
            completed: requests.split(separator: " ").first.flatMap { Int($0) } ?? 0
        )
    }
}

extension WrkLoad {
    /// Loads a listener started in this process with `configuration` (logging errors only) at `path`, then stops
    /// it; nil when wrk failed, else what wrk printed, the listener's summary and the process's peak resident size
    /// (MB) while it ran.
    func run(listener configuration: ListenerConfiguration, path: String, script: URL) async throws
        -> (result: WrkResult, summary: ListenerSummary, peakMegabytes: Double)?
    {
        BatchBenchmark.resetPeakResident()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let listener = try EventListener(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [listener], logger: logger))
        let result = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            guard let address = await listener.address else { throw ValidationError("listener did not start") }
            let result = try await run(url: "\(address)\(path)", script: script)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
        guard let result else { return nil }
        let peak = BatchBenchmark.peakResidentMegabytes()
        return (result, try listener.finish(), peak)
    }
}

/// The ceiling the listener is measured against: Hummingbird with the listener's HTTP/1.1 settings, reading each
/// body whole (up to the listener's 1 MiB limit) and answering 202 with no body, nothing validated or recorded.
struct BareHummingbird: HTTPResponder {
    typealias Context = BasicRequestContext

    func respond(to request: Request, context: Context) async throws -> Response {
        _ = try await request.body.collect(upTo: 1024 * 1024)
        return Response(status: .accepted)
    }

    /// Serves on a free loopback port while `body` runs with the server's URL.
    static func serving<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bare")
        // stopping it by cancellation logs errors that mean nothing here
        logger.logLevel = .critical
        let application = Application(
            responder: BareHummingbird(),
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await application.runService() }
            var ports = stream.makeAsyncIterator()
            guard let port = await ports.next(), port > 0 else {
                throw ValidationError("the bare server did not start")
            }
            let result = try await body("http://127.0.0.1:\(port)")
            tasks.cancelAll()
            return result
        }
    }
}
