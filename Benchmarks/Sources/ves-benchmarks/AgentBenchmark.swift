import ArgumentParser
import BenchmarkWork
import Collectd
import Foundation
import Logging
import Replay
import Synchronization
import VESAgent
import VESModel

/// The agent's speed: ingest (decode and cache update), one tick for many VMs, memory with many series, and the
/// whole run against the reference plugin (run by seed_oracle.py) on the same traces.
struct AgentBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Agent ingest and tick speed, and the reference plugin's run time on the same traces."
    )

    @Option(help: "Seconds per rate measurement.")
    var seconds = 3.0

    @Option(help: "seed_oracle.py, to time the reference plugin on the same traces.")
    var oracle: String?

    @Option(help: "The reference plugin (ves_plugin.py) for --oracle.")
    var plugin: String?

    @Option(help: "collectd's types.db for --oracle.")
    var typesDb: String?

    @Option(name: .customLong("compare-vms"), help: "VM counts for the comparison with the reference plugin.")
    var compareVMs: [Int] = [100, 400, 1000]

    @Option(name: .customLong("tick-vms"), parsing: .upToNextOption, help: "VM counts for the tick times.")
    var tickVMs: [Int] = [100, 1000, 10_000]

    func validate() throws {
        for vms in tickVMs + compareVMs where !(1...100_000).contains(vms) {
            throw ValidationError("a VM count must be from 1 to 100000, not \(vms)")
        }
    }

    /// Median and worst of `rounds` ticks (ms) with every VM up to date: a new sample is ingested (not timed)
    /// before each tick, and ticks are 20 s apart as the wall clock gives them (7.2.1 sends one event per VM and period).
    static func tickTimes(vms: Int, version: VESVersion, rounds: Int) -> (median: Double, worst: Double) {
        // a fresh sample per tick: a value older than its series' last one is refused
        let records = Self.records(Self.generator(vms: vms, samples: rounds + 1).entries())
        let samples = Dictionary(grouping: records) { $0.time }.sorted { $0.key < $1.key }.map(\.value)
        let built = Counter()
        let core = Self.core(clock: .wall, built: built, version: version)
        core.ingest(samples[0])
        var times: [Double] = []
        let clock = ContinuousClock()
        for round in 0..<rounds {
            core.ingest(samples[1 + round])
            let before = built.value
            let start = clock.now
            core.tick(now: 1_795_600_100 + Double(round) * 20)
            times.append((clock.now - start).inSeconds * 1000)
            precondition(built.value - before == vms, "every VM gives an event")
        }
        times.sort()
        return (times[times.count / 2], times[times.count - 1])
    }

    static func generator(vms: Int, samples: Int) -> VirtTraceGenerator {
        FixedWork.generator(vms: vms, samples: samples)
    }

    static func records(_ entries: [TraceEntry]) -> [CollectdRecord] { FixedWork.records(entries) }

    static func datagrams(_ records: [CollectdRecord]) -> [[UInt8]] { FixedWork.datagrams(records) }

    static func core(
        clock: AgentConfiguration.ClockMode,
        built: Counter,
        version: VESVersion = .ves11
    ) -> AgentCore {
        FixedWork.agentCore(clock: clock, version: version) { built.add($0.count) }
    }

    func run() async throws {
        // Ingest: 1,000 VMs x 10 series, 3 samples, packed as collectd packs them.
        let generator = Self.generator(vms: 1000, samples: 3)
        let records = Self.records(generator.entries())
        let datagrams = Self.datagrams(records)
        print(
            "trace: \(generator.vms) VMs x \(generator.seriesPerVM) series x \(generator.samples) samples = "
                + "\(records.count) value lists in \(datagrams.count) datagrams"
        )
        let built = Counter()
        let ingestCore = Self.core(clock: .wall, built: built)
        let ingestRate = itemsPerSecond(seconds: seconds, itemsPerPass: records.count) {
            for datagram in datagrams {
                datagram.withUnsafeBytes { ingestCore.ingest(datagram: $0) }
            }
            return datagrams.count
        }
        print(String(format: "ingest (decode + cache update), 1 core: %.2f million value lists/s", ingestRate / 1e6))

        // One tick with every VM up to date, at 100, 1,000 and 10,000 VMs (the cost per VM must stay flat); VES 1.1
        // (the reference plugin's events) beside 7.2.1 (the spec builder and writer).
        for version in [VESVersion.ves11, .ves721] {
            for vms in tickVMs {
                let (median, worst) = Self.tickTimes(vms: vms, version: version, rounds: vms >= 10_000 ? 10 : 30)
                print(
                    "tick " + version.rawValue
                        + String(
                            format: ", %d VMs x %d series: median %.2f ms, worst %.2f ms (%d events per tick), "
                                + "%.2f µs per VM",
                            vms,
                            generator.seriesPerVM,
                            median,
                            worst,
                            vms,
                            median * 1000 / Double(vms)
                        )
                )
            }
        }

        if let oracle, let plugin, let typesDb {
            try compare(oracle: oracle, plugin: plugin, typesDB: typesDb)
        }
    }

    /// The reference plugin and the agent on the same traces of three ticks (60 s of 10 s samples).
    private func compare(oracle: String, plugin: String, typesDB: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-bench-agent-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for vms in compareVMs {
            let generator = Self.generator(vms: vms, samples: 6)
            let entries = generator.entries()
            let path = directory.appendingPathComponent("virt-\(vms).jsonl").path
            try TraceFile.write(entries, format: .json, to: path, typesDB: .systemOrBuiltIn())
            let series = vms * generator.seriesPerVM

            let pythonStart = Date()
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = [
                "python3", oracle, "--plugin", plugin, "--types-db", typesDB, "--hostname", "compute-0",
                "--interval", "20", "--final-tick",
            ]
            python.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            let output = Pipe()
            python.standardOutput = output
            python.standardError = FileHandle.nullDevice
            try python.run()
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            python.waitUntilExit()
            let pythonSeconds = Date().timeIntervalSince(pythonStart)
            let pythonEvents = outputData.split(separator: UInt8(ascii: "\n")).count

            // The agent on the same trace: datagrams decoded, cache, trace clock, events as JSON text.
            let loaded = try LoadedTrace.load(path: path, typesDB: .systemOrBuiltIn())
            let datagrams = Self.datagrams(Self.records(loaded.entries))
            let built = Counter()
            let clock = ContinuousClock()
            let start = clock.now
            let core = Self.core(clock: .trace, built: built)
            for datagram in datagrams {
                datagram.withUnsafeBytes { core.ingest(datagram: $0) }
            }
            core.finalTraceTick()
            let agentSeconds = (clock.now - start).inSeconds
            print(
                String(
                    format:
                        "%5d VMs (%6d series, 3 ticks): reference plugin %.2f s (%d events), agent %.4f s (%d events): %.0fx",
                    vms,
                    series,
                    pythonSeconds,
                    pythonEvents,
                    agentSeconds,
                    built.value,
                    pythonSeconds / agentSeconds
                )
            )
        }
    }
}

/// Resident memory with 100,000 series: run in its own process so nothing else is counted.
struct AgentMemoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-memory",
        abstract: "Resident memory of the agent's cache and builder with many series (run on its own)."
    )

    @Option(help: "VMs of 10 series each.")
    var vms = 10_000

    func run() async throws {
        let before = Self.residentMegabytes()
        let built = Counter()
        var configuration = AgentConfiguration()
        configuration.hostname = "compute-0"
        let core = AgentCore(
            configuration: configuration,
            typesDB: .systemOrBuiltIn(),
            authFile: nil,
            stats: AgentStats(),
            logger: Logger(label: "bench"),
            deliver: { built.add($0.count) }
        )
        // feed it a sample at a time, as the network would, without holding a whole trace
        var seriesPerVM = 0
        for sample in 0..<2 {
            var generator = AgentBenchmark.generator(vms: vms, samples: 1)
            generator.start += Double(sample) * generator.interval
            seriesPerVM = generator.seriesPerVM
            for entry in generator.entries() {
                guard case .records(let records) = entry.payload else { continue }
                for datagram in AgentBenchmark.datagrams(records) {
                    datagram.withUnsafeBytes { core.ingest(datagram: $0) }
                }
            }
        }
        // the generated trace was freed: give its pages back so only what the agent holds is counted
        MemoryRelease.releaseFreeMemory()
        let cached = Self.residentMegabytes()
        let clock = ContinuousClock()
        let tickDuration = clock.measure { core.tick(now: 1_795_600_100) }
        let tickSeconds = Double(tickDuration.components.seconds) + Double(tickDuration.components.attoseconds) / 1e18
        let after = Self.residentMegabytes()
        print(
            String(
                format: "memory: %d series (%d VMs): resident %.1f MB at start, %.1f MB with the series cached, "
                    + "%.1f MB after a tick of %d events (%.1f ms, %.2f µs per VM)",
                vms * seriesPerVM,
                vms,
                before,
                cached,
                after,
                built.value,
                tickSeconds * 1000,
                tickSeconds * 1e6 / Double(vms)
            )
        )
    }

    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}
