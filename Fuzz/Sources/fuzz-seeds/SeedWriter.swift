import Collectd
import FuzzCredentials
import JSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file the seed writer could not read or write.
struct SeedError: Error, CustomStringConvertible {
    var description: String
}

/// Builds each fuzz target's seed corpus from the project's own fixtures: trace lines, the records they hold as
/// datagrams (plain, signed, encrypted), PUTVAL lines and traces in every format, VES events. Seeds are small
/// (a few lines or datagrams each), so libFuzzer starts deep in each format and mutates quickly.
struct SeedWriter {
    let fixtures: String
    let output: String

    /// Lines of a trace taken as seeds: the first ones and every notification.
    static let linesPerTrace = 40

    func writeAll() throws -> [(String, Int)] {
        let traces = try traceLines()
        let records = traces.map { lines in
            lines.flatMap { (try? CollectdJSON.decode(line: $0, typesDB: .builtIn)) ?? [] }
        }
        return [
            ("fuzz-network", try write("fuzz-network", networkSeeds(records))),
            ("fuzz-json-validation", try write("fuzz-json-validation", try eventSeeds())),
            ("fuzz-putval", try write("fuzz-putval", try putvalSeeds(records))),
            ("fuzz-collectd-json", try write("fuzz-collectd-json", try collectdJSONSeeds(traces))),
            ("fuzz-trace", try write("fuzz-trace", traceSeeds(traces, records))),
            ("fuzz-pcap", try write("fuzz-pcap", pcapSeeds(records))),
            ("fuzz-listener-command", 0),
        ]
    }

    /// The first lines and the notifications of each trace in Fixtures/traces.
    func traceLines() throws -> [[String]] {
        let names = ["host", "guest", "threshold", "virt-3vms", "virt-8vms-2disks"]
        return try names.map { name in
            let lines = try readText("\(fixtures)/traces/\(name).jsonl").split(separator: "\n").map(String.init)
            let notifications = lines.filter { $0.contains("\"severity\"") }.prefix(10)
            return Array(lines.prefix(Self.linesPerTrace)) + notifications
        }
    }

    /// Datagrams of each trace's records, behind the mode byte the network target reads: decoded as they are at
    /// each level, sealed by the target, and sealed here (so the security parts themselves are mutated).
    func networkSeeds(_ records: [[CollectdRecord]]) -> [[UInt8]] {
        let signing = EncoderSecurity.sign(user: FuzzCredentials.user, password: FuzzCredentials.password)
        let encryption = EncoderSecurity.encrypt(user: FuzzCredentials.user, password: FuzzCredentials.password)
        var seeds: [[UInt8]] = []
        for traceRecords in records {
            var encoder = NetworkEncoder(maxDatagramSize: 512)
            var datagrams: [[UInt8]] = []
            for record in traceRecords { datagrams += encoder.add(record) }
            datagrams += encoder.flush()
            for (index, datagram) in datagrams.prefix(12).enumerated() {
                seeds.append([0] + datagram)
                seeds.append([UInt8(3 + index % 3)] + datagram)  // signed by the target
                seeds.append([UInt8(6 + index % 3)] + datagram)  // encrypted by the target
                if index < 3 {
                    seeds.append([1] + signing.seal(datagram))
                    seeds.append([2] + encryption.seal(datagram))
                    seeds.append([0x80] + signing.seal(datagram))
                }
            }
        }
        return seeds
    }

    /// VES events behind the field-set byte (0: 1.1, 1: 5.4.1, 2: 7.2.1): the model fixtures, golden 1.1 events and
    /// a batch of them.
    func eventSeeds() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for name in ["measurement-7.2.1.json", "stnd-defined-alarm-7.2.1.json"] {
            let bytes = Array(try readText("\(fixtures)/model/\(name)").utf8)
            seeds.append([2] + bytes)
            seeds.append([1] + bytes)
        }
        seeds.append([0] + Array(try readText("\(fixtures)/model/measurement-1.3k.json").utf8))
        var bodies = try readText("\(fixtures)/model/reference-events.jsonl").split(separator: "\n").prefix(8)
            .compactMap { try? JSONParser().parse(String($0)) }
        // Golden lines hold the body the plugin posted under "event".
        for name in ["threshold.virt", "virt-3vms.guest"] {
            bodies += try readText("\(fixtures)/golden/\(name).jsonl").split(separator: "\n").prefix(4)
                .compactMap { try? JSONParser().parse(String($0))["event"] }
        }
        seeds += bodies.map { [0] + $0.jsonBytes() }
        let batch = JSONValue.object(JSONObject([("eventList", .array(bodies.prefix(3).compactMap { $0["event"] }))]))
        seeds.append([0] + batch.jsonBytes())
        return seeds
    }

    /// PUTVAL and PUTNOTIF lines, a few to a seed: the text fixture's and the traces' records written as text.
    func putvalSeeds(_ records: [[CollectdRecord]]) throws -> [[UInt8]] {
        var lines = try readText("\(fixtures)/collectd/host-sample.putval").split(separator: "\n").map(String.init)
        for traceRecords in records { lines += traceRecords.prefix(20).map(PutvalText.format) }
        lines += records.joined().filter { if case .notification = $0 { true } else { false } }.prefix(10)
            .map(PutvalText.format)
        return chunks(lines, of: 4).map { Array($0.joined(separator: "\n").utf8) }
    }

    /// Trace lines one to a seed, and a few as one JSON array (as write_http posts them).
    func collectdJSONSeeds(_ traces: [[String]]) throws -> [[UInt8]] {
        var seeds = traces.joined().map { Array($0.utf8) }
        seeds += try readText("\(fixtures)/model/virt-and-host.jsonl").split(separator: "\n").prefix(4)
            .map { Array($0.utf8) }
        for lines in traces {
            seeds.append(Array("[\(lines.prefix(3).joined(separator: ","))]".utf8))
        }
        return seeds
    }

    /// Small traces in every format ves-replay reads.
    func traceSeeds(_ traces: [[String]], _ records: [[CollectdRecord]]) -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for (lines, traceRecords) in zip(traces, records) {
            seeds.append(Array(lines.prefix(10).joined(separator: "\n").utf8))
            let entries = traceRecords.prefix(10).map { TraceEntry(payload: .records([$0])) }
            for format in [TraceFormat.putval, .hex, .tsv, .pcap] {
                seeds.append(TraceFile.render(entries, format: format, typesDB: .builtIn))
            }
        }
        return seeds
    }

    /// Captures of each trace's datagrams over every link layer the reader knows.
    func pcapSeeds(_ records: [[CollectdRecord]]) -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for traceRecords in records {
            var encoder = NetworkEncoder(maxDatagramSize: 512)
            var datagrams: [[UInt8]] = []
            for record in traceRecords.prefix(20) { datagrams += encoder.add(record) }
            datagrams += encoder.flush()
            let entries = datagrams.prefix(3).map { TraceEntry(receiveTime: 1_700_000_000.25, payload: .datagram($0)) }
            seeds.append(TraceFile.render(entries, format: .pcap, typesDB: .builtIn))
            for link in PcapLink.allCases {
                seeds.append(PcapLink.capture(datagrams.prefix(2), link: link, bigEndian: link.rawValue % 2 == 1))
            }
        }
        return seeds
    }

    func chunks(_ lines: [String], of size: Int) -> [[String]] {
        stride(from: 0, to: lines.count, by: size).map { Array(lines[$0..<min($0 + size, lines.count)]) }
    }

    func readText(_ path: String) throws -> String {
        do {
            return String(decoding: try TextFileBytes.read(path), as: UTF8.self)
        } catch {
            throw SeedError(description: "cannot read \(path): \(error)")
        }
    }

    /// Writes the seeds as `OUT/target/seed-NNNN`, returning how many.
    func write(_ target: String, _ seeds: [[UInt8]]) throws -> Int {
        let folder = "\(output)/\(target)"
        mkdir(output, 0o755)
        mkdir(folder, 0o755)
        for (index, seed) in seeds.enumerated() {
            let path = "\(folder)/seed-\(String(index + 10000).dropFirst())"
            guard let file = fopen(path, "wb") else { throw SeedError(description: "cannot write \(path)") }
            defer { fclose(file) }
            guard seed.isEmpty || fwrite(seed, 1, seed.count, file) == seed.count else {
                throw SeedError(description: "cannot write \(path)")
            }
        }
        return seeds.count
    }
}

/// Reads a whole file with stdio, so the seed writer needs no Foundation.
enum TextFileBytes {
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw SeedError(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}

/// Unused: `-sanitize=fuzzer` links all of libFuzzer into every executable of the package, and its `main` object
/// refers to this symbol; fuzz-seeds runs its own `main`.
@_cdecl("LLVMFuzzerTestOneInput")
public func unusedTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    0
}
