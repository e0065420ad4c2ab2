import ArgumentParser
import CurlClient
import Foundation
import JSON
import Logging
import MockListener
import ServiceLifecycle
import VESAgent

#if canImport(Glibc)
    import Glibc
#endif

/// What one eventBatch costs the listener as it grows: the cost per item must stay flat (issue 15's H2; the review
/// found a de-duplication that made it quadratic).
struct BatchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Listener cost of one eventBatch at growing sizes, invalid items and valid events, over HTTP."
    )

    @Option(help: "A single-event body ({\"event\": ...}); its event is repeated to make the valid batches.")
    var event: String

    @Option(parsing: .upToNextOption, help: "Items per invalid batch ({\"eventList\": [0, 0, ...]}).")
    var invalidSizes: [Int] = [5_000, 50_000, 500_000]

    @Option(parsing: .upToNextOption, help: "Events per valid batch.")
    var validSizes: [Int] = [100, 1_000, 10_000]

    func validate() throws {
        for size in invalidSizes + validSizes where !(1...5_000_000).contains(size) {
            throw ValidationError("a batch size must be from 1 to 5000000, not \(size)")
        }
    }

    func run() async throws {
        let single = try JSONParser().parse(Array(Data(contentsOf: URL(fileURLWithPath: event))))
        guard let item = single["event"] else { throw ValidationError("\(event) has no 'event' member") }
        let itemBytes = item.jsonBytes()
        print("batch: the listener in-process with --record, one POST per batch, a fresh listener per size")
        let defaultLimit = ListenerConfiguration().maxBatchItems
        if let largest = invalidSizes.max(), largest > defaultLimit {
            let (status, wall, cpu, _) = try await post(Self.zeros(largest), maxBatch: nil)
            print(
                String(
                    format: "  %7d invalid items at the default --max-batch %d: %d in %.3f s wall, %.3f s CPU",
                    largest,
                    defaultLimit,
                    status,
                    wall,
                    cpu
                )
            )
        }
        for size in invalidSizes {
            let (status, wall, cpu, resident) = try await post(Self.zeros(size), maxBatch: max(size, defaultLimit))
            print(
                String(
                    format: "  %7d invalid items (--max-batch raised): %d in %.3f s wall, %.3f s CPU, "
                        + "%.2f µs CPU per item, peak resident %.0f MB",
                    size,
                    status,
                    wall,
                    cpu,
                    cpu / Double(size) * 1e6,
                    resident
                )
            )
        }
        for size in validSizes {
            var body = Array(#"{"eventList":["#.utf8)
            body.reserveCapacity(size * (itemBytes.count + 1) + 16)
            for index in 0..<size {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += itemBytes
            }
            body += Array("]}".utf8)
            let (status, wall, cpu, resident) = try await post(body, maxBatch: max(size, defaultLimit))
            print(
                String(
                    format: "  %7d valid events (%d KiB): %d in %.3f s wall, %.3f s CPU, %.2f µs CPU per event, "
                        + "peak resident %.0f MB",
                    size,
                    body.count / 1024,
                    status,
                    wall,
                    cpu,
                    cpu / Double(size) * 1e6,
                    resident
                )
            )
        }
    }

    static func zeros(_ count: Int) -> [UInt8] {
        var body = Array(#"{"eventList":["#.utf8)
        body.reserveCapacity(count * 2 + 16)
        for index in 0..<count {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(UInt8(ascii: "0"))
        }
        return body + Array("]}".utf8)
    }

    /// Posts `body` to a fresh in-process listener; returns the status, the wall and process CPU seconds of the
    /// request, and the peak resident size of the process while it was worked on.
    func post(
        _ body: [UInt8],
        maxBatch: Int?
    ) async throws -> (status: Int, wall: Double, cpu: Double, resident: Double) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-batch-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ListenerConfiguration()
        configuration.port = 0
        configuration.recordPath = directory.appendingPathComponent("record.jsonl").path
        if let maxBatch { configuration.maxBatchItems = maxBatch }
        configuration.maxBodyBytes = max(configuration.maxBodyBytes, body.count + 1024)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let listener = try EventListener(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [listener], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            guard let address = await listener.address else { throw ValidationError("listener did not start") }
            let client = CurlClient(configuration: CurlClientConfiguration(timeout: 600))
            let request = CurlRequest(
                url: "\(address)/eventListener/v1/eventBatch",
                headers: [(name: "Content-Type", value: "application/json")],
                body: body
            )
            Self.resetPeakResident()
            let cpuBefore = Self.processCPUSeconds()
            let started = ContinuousClock.now
            let response = try await client.send(request)
            let wall = (ContinuousClock.now - started) / .seconds(1)
            let cpu = Self.processCPUSeconds() - cpuBefore
            let resident = Self.peakResidentMegabytes()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            _ = try listener.finish()
            return (response.status, wall, cpu, resident)
        }
    }

    /// The process's CPU time; `clock()` counts microseconds (POSIX fixes CLOCKS_PER_SEC at a million).
    static func processCPUSeconds() -> Double {
        Double(clock()) / 1_000_000
    }

    /// Linux's clear_refs 5 starts the peak resident size (VmHWM) again from the current one, after the heap the
    /// last size freed went back to the system.
    static func resetPeakResident() {
        MemoryRelease.releaseFreeMemory()
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
        }
        return 0
    }
}
