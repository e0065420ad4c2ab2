import ArgumentParser
import BenchmarkWork
import Collectd
import Foundation
import JSON
import JSONSchema
import Logging
import MockListener
import NIOCore
import NIOPosix
import Platform
import Replay
import ServiceLifecycle
import Synchronization
import VESModel

/// Benchmarks of the harness, printed as lines a person reads and BENCHMARKS.md records.
@main
struct VESBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ves-benchmarks",
        abstract: "Measure the harness (build with -c release).",
        subcommands: [
            ListenerBenchmark.self, Listener721Benchmark.self, VES541ValidationBenchmark.self,
            VES721ValidationBenchmark.self,
            CollectdBenchmark.self,
            AgentBenchmark.self,
            AgentMemoryBenchmark.self, BatchBenchmark.self, BareServerCommand.self,
        ]
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

    @OptionGroup var http: HTTPLoadOptions

    func run() async throws {
        let body = try Array(Data(contentsOf: URL(fileURLWithPath: event)))
        print("event: \(event) (\(body.count) bytes)")
        let parser = JSONParser(internTable: KnownNames.table)
        let builtIn = VES11FieldSet.validator
        let official = try JSONSchemaValidator(contentsOfFile: officialSchema)
        let document = try parser.parse(body)
        guard builtIn.validate(document).isEmpty, official.validate(document).isEmpty else {
            throw ValidationError("the event is not valid under VES 1.1; pick a valid one")
        }

        let parseAndValidate = itemsPerSecond(seconds: seconds, batch: 1000) {
            let value = try! parser.parse(body)
            return builtIn.validate(value).count
        }
        print(rateLine("parse+validate, built-in ves-1.1, 1 core", parseAndValidate))
        let validateOnly = itemsPerSecond(seconds: seconds, batch: 1000) { builtIn.validate(document).count }
        print(rateLine("validate only, built-in ves-1.1, 1 core", validateOnly))
        let officialRate = itemsPerSecond(seconds: seconds, batch: 1000) {
            let value = try! parser.parse(body)
            return official.validate(value).count
        }
        print(rateLine("parse+validate, official 2016 file, 1 core", officialRate))
        try printGrowth(
            label: "built-in ves-1.1",
            document: document,
            bytes: body.count,
            rate: parseAndValidate,
            parser: parser,
            seconds: seconds
        ) { builtIn.validate($0).count }
        if let python = pythonRate() {
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

    /// `value` with every array's elements repeated `factor` times (arrays inside them are left as they are), for
    /// a larger event of the same shape.
    static func grown(_ value: JSONValue, factor: Int) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(Array(repeating: elements, count: factor).flatMap { $0 })
        case .object(let object):
            return .object(JSONObject(object.storage.map { ($0.key, grown($0.value, factor: factor)) }))
        default:
            return value
        }
    }

    private func pythonRate() -> Double? {
        let rate = pythonEventsPerSecond(
            script: pythonScript,
            schema: officialSchema,
            event: event,
            seconds: seconds
        )
        if rate == nil { print("python jsonschema: not measured (python3 with jsonschema is needed)") }
        return rate
    }

    /// Loads a bare Hummingbird server (the ceiling), then the listener in this process, with the same wrk
    /// settings, and prints both with the listener's share of the ceiling.
    private func httpLoad(body: [UInt8]) async throws {
        HeapSettings.keepFreedMemory()
        // as ves-listener's main does (here later than there, but before any server starts); the bare server gets
        // the same executor and heap
        ListenerRunner.runTasksOnEventLoops()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bodyFile = directory.appendingPathComponent("body.json")
        try Data(body).write(to: bodyFile)
        let script = try WrkLoad.script(posting: bodyFile)
        let load = http.load

        let bare = try await BareHummingbird.serving { url in
            try await load.run(url: url + "/eventListener/v1", script: script)
        }
        guard let bare else {
            print("http: not measured (wrk is needed: apt-get install -y wrk)")
            return
        }
        print(
            String(
                format: "http keep-alive, %@, bare Hummingbird (reads the body, answers 202): %.0f requests/s, "
                    + "%.1f µs CPU per request",
                load.settings,
                bare.requestsPerSecond,
                bare.cpuMicrosecondsPerRequest
            )
        )

        var configuration = ListenerConfiguration()
        configuration.port = 0
        configuration.recordPath = directory.appendingPathComponent("record.jsonl").path
        let path = "/eventListener/v1"
        guard let (result, summary, peak) = try await load.run(listener: configuration, path: path, script: script)
        else {
            print("http: the listener's run failed (wrk exited with an error)")
            return
        }
        let recordLines = try Self.lines(in: configuration.recordPath!)
        print(
            String(
                format: "http keep-alive, %@, listener in-process with --record: %.0f events/s, %.1f µs CPU per "
                    + "event, %.0f%% of the bare server; %@; %d record lines; peak resident %.0f MB",
                load.settings,
                result.requestsPerSecond,
                result.cpuMicrosecondsPerRequest,
                bare.requestsPerSecond > 0 ? result.requestsPerSecond / bare.requestsPerSecond * 100 : 0,
                summary.description,
                recordLines,
                peak
            )
        )
        print("  wrk: \(result.requests)")
        print("  wrk: \(result.latency)")
        for error in bare.errors { print("  wrk (bare): \(error)") }
        for error in result.errors { print("  wrk: \(error)") }
    }

    /// Newlines in a file, read in blocks.
    static func lines(in path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        var count = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            count += block.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        }
        return count
    }
}

struct CollectdBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collectd",
        abstract: "Decode and encode speed on recorded datagrams, and ves-replay send --speed max over loopback UDP."
    )

    @Option(help: "Traces recorded from collectd; their records are packed into datagrams as collectd packs them.")
    var trace: [String]

    @Option(help: "The Python decoder to compare with (collectd_decode.py).")
    var pythonDecoder: String?

    @Option(help: "Seconds per measurement.")
    var seconds = 3.0

    @Option(help: "Value lists to send in the UDP measurement.")
    var sendValueLists = 3_000_000

    func run() async throws {
        let typesDB = TypesDB.systemOrBuiltIn()
        var records: [CollectdRecord] = []
        for path in trace {
            let loaded = try LoadedTrace.load(path: path, typesDB: typesDB)
            for entry in loaded.entries {
                if case .records(let found) = entry.payload { records += found }
            }
        }
        var encoder = NetworkEncoder()
        var datagrams: [[UInt8]] = []
        for record in records { datagrams += encoder.add(record) }
        datagrams += encoder.flush()
        var probe = NetworkDecoder()
        let listsPerPass = datagrams.reduce(0) {
            $0 + probe.decode($1).records.count { if case .values = $0 { true } else { false } }
        }
        let bytes = datagrams.reduce(0) { $0 + $1.count }
        print(
            "datagrams: \(datagrams.count) from \(trace.count) recorded traces, \(listsPerPass) value lists, "
                + "\(bytes / max(1, datagrams.count)) bytes each on average"
        )

        let decodeRate = itemsPerSecond(seconds: seconds, itemsPerPass: listsPerPass) {
            var decoder = NetworkDecoder()
            var count = 0
            for datagram in datagrams {
                _ = datagram.withUnsafeBytes { decoder.decode($0) { _ in count += 1 } }
            }
            return count
        }
        print(String(format: "decode, 1 core: %.2f million value lists/s", decodeRate / 1e6))
        // growth: generated virt traces of 100, 1,000 and 10,000 VMs (10 series each, every VM a name of its own)
        // decoded by one long-lived decoder, as the agent's; the cost per value list should stay flat
        for vms in [100, 1000, 10_000] {
            let generated = FixedWork.datagrams(FixedWork.records(FixedWork.generator(vms: vms, samples: 1).entries()))
            var decoder = NetworkDecoder()
            var lists = 0
            let rate = itemsPerSecond(seconds: seconds, itemsPerPass: vms * 10) {
                for datagram in generated {
                    _ = datagram.withUnsafeBytes { decoder.decode($0) { _ in lists += 1 } }
                }
                return lists
            }
            precondition(lists % (vms * 10) == 0, "every generated value list decodes")
            print(
                String(
                    format: "decode, %d VMs (%d value lists in %d datagrams): %.2f million value lists/s, %.1f ns each",
                    vms,
                    vms * 10,
                    generated.count,
                    rate / 1e6,
                    1e9 / rate
                )
            )
        }
        let encodeRate = itemsPerSecond(seconds: seconds, itemsPerPass: records.count) {
            var encoder = NetworkEncoder()
            var count = 0
            for record in records { count += encoder.add(record).count }
            return count + encoder.flush().count
        }
        print(String(format: "encode, 1 core: %.2f million value lists/s", encodeRate / 1e6))
        if let pythonDecoder {
            try python(decoder: pythonDecoder, datagrams: datagrams, listsPerPass: listsPerPass, swiftRate: decodeRate)
        }
        try await sendMax(records: records, typesDB: typesDB)
    }

    /// Times the Python decoder on the same datagrams (repeated so the run lasts a few seconds).
    private func python(decoder: String, datagrams: [[UInt8]], listsPerPass: Int, swiftRate: Double) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-bench-py-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let repeats = max(1, 600_000 / max(1, listsPerPass))
        let hex = datagrams.map { $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n")
        let file = directory.appendingPathComponent("datagrams.hex")
        try Array(repeating: hex, count: repeats).joined(separator: "\n").write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", decoder, file.path]
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            print("python decoder: failed (exit \(process.terminationStatus))")
            return
        }
        let seconds = elapsed.inSeconds
        let pythonRate = Double(listsPerPass * repeats) / seconds
        print(
            String(
                format: "python collectd_decode.py on the same datagrams: %.0f value lists/s; ratio %.0fx",
                pythonRate,
                swiftRate / pythonRate
            )
        )
    }

    /// `ves-replay send --speed max` of the records into a receiver in this process that decodes and counts.
    private func sendMax(records: [CollectdRecord], typesDB: TypesDB) async throws {
        let receiver = try await DatagramSocket.receiver(host: "127.0.0.1", port: 0, receiveBuffer: 64 << 20)
        let port = receiver.localAddress.port ?? 0
        let lists = records.filter { if case .values = $0 { true } else { false } }
        let loops = max(1, sendValueLists / max(1, lists.count))
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: port))
        options.speed = nil
        options.loops = loops
        options.typesDB = typesDB
        let trace = LoadedTrace(
            path: "bench",
            format: .json,
            entries: [TraceEntry(payload: .records(lists))].flatMap { entry in
                // one entry per 30 value lists, as a recorded trace holds them per datagram
                stride(from: 0, to: lists.count, by: 30).map {
                    TraceEntry(payload: .records(Array(lists[$0..<min($0 + 30, lists.count)])))
                }
            }
        )
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let session = ReplaySession(traces: [trace], options: options, showProgress: false, logger: logger)
        let received = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await receiver.withStreams { inbound, _ in
                    var decoder = NetworkDecoder()
                    for try await envelope in inbound {
                        let count = envelope.data.withUnsafeReadableBytes { bytes in
                            var lists = 0
                            _ = decoder.decode(bytes) { _ in lists += 1 }
                            return lists
                        }
                        received.add(count)
                    }
                }
            }
            try await session.run()
            // whatever is still in the socket buffer arrives within moments; then the receiver stops
            var last = -1
            while received.value != last {
                last = received.value
                try await Task.sleep(for: .milliseconds(200))
            }
            receiver.close()
            try await group.waitForAll()
        }
        let summary = session.summary
        let sent = summary.valueLists
        let got = received.value
        print(
            String(
                format: "send --speed max over loopback UDP: %.0f value lists/s (%d in %d datagrams in %.2f s); "
                    + "received %d, lost %d (%.2f%%)",
                Double(sent) / summary.seconds,
                sent,
                summary.datagrams,
                summary.seconds,
                got,
                sent - got,
                Double(sent - got) / Double(max(1, sent)) * 100
            )
        )
    }
}

final class Counter: Sendable {
    private let box = Mutex(0)
    func add(_ amount: Int) { box.withLock { $0 += amount } }
    var value: Int { box.withLock { $0 } }
}

/// Events per second of a Python script run as `script --schema S --event E --seconds N [extra...]`, which prints
/// `{"per_second": ...}`; nil when it could not run or printed something else.
func pythonEventsPerSecond(script: String, schema: String, event: String, seconds: Double, extra: [String] = [])
    -> Double?
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        ["python3", script, "--schema", schema, "--event", event, "--seconds", String(seconds)] + extra
    let output = Pipe()
    process.standardOutput = output
    guard (try? process.run()) != nil else { return nil }
    let bytes = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let value = try? JSONParser().parse(Array(bytes)) else { return nil }
    return value["per_second"]?.doubleValue
}

/// Runs `pass` (which handles `itemsPerPass` items) for about `seconds` after a warm-up, checking the clock every
/// `batch` passes; returns items per second.
/// Parse + validate of `document` (`bytes` long, measured at `rate`) and of the same event with its arrays 10 and
/// 100 times as long, in µs per KB: the cost per KB should stay flat.
func printGrowth(
    label: String,
    document: JSONValue,
    bytes: Int,
    rate: Double,
    parser: JSONParser,
    seconds: Double,
    validate: (JSONValue) -> Int
) throws {
    func perKilobyte(_ rate: Double, _ bytes: Int) -> Double { 1e6 / rate / (Double(bytes) / 1024) }
    print(String(format: "parse+validate, %@, %d bytes: %.3f µs per KB", label, bytes, perKilobyte(rate, bytes)))
    for factor in [10, 100] {
        let grownBody = ListenerBenchmark.grown(document, factor: factor).jsonBytes()
        guard validate(try parser.parse(grownBody)) == 0 else {
            throw ValidationError("the event with arrays \(factor) times as long is not valid")
        }
        let grownRate = itemsPerSecond(seconds: seconds, batch: max(1, 1000 / factor)) {
            guard let value = try? parser.parse(grownBody) else { return -1 }
            return validate(value)
        }
        print(
            String(
                format: "parse+validate, %@, arrays x%d (%d bytes): %.0f events/s, %.3f µs per KB",
                label,
                factor,
                grownBody.count,
                grownRate,
                perKilobyte(grownRate, grownBody.count)
            )
        )
    }
}

func itemsPerSecond(seconds: Double, itemsPerPass: Int = 1, batch: Int = 1, _ pass: () -> Int) -> Double {
    var sink = 0
    for _ in 0..<batch { sink &+= pass() }
    let clock = ContinuousClock()
    let start = clock.now
    var passes = 0
    while clock.now - start < .milliseconds(Int64(seconds * 1000)) {
        for _ in 0..<batch { sink &+= pass() }
        passes += batch
    }
    let elapsed = clock.now - start
    // keeps the work from being optimised away
    if sink == -1 { print("") }
    return Double(passes * itemsPerPass) / elapsed.inSeconds
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// One printed rate line, so every validation benchmark reports events/s and µs/event the same way.
func rateLine(_ name: String, _ rate: Double) -> String {
    String(format: "%@: %.0f events/s (%.2f µs/event)", name, rate, 1e6 / rate)
}

/// Parse + validate rate of one body: the figure every validation benchmark starts from.
func parseValidateRate(
    _ parser: JSONParser,
    _ body: [UInt8],
    seconds: Double,
    batch: Int,
    _ validate: (JSONValue) -> Int
) -> Double {
    itemsPerSecond(seconds: seconds, batch: batch) {
        guard let value = try? parser.parse(body) else { return -1 }
        return validate(value)
    }
}
