import Collectd
import Foundation
import Logging
import Replay
import TestSupport
import Testing

/// Traces read from their file as they are sent: the same entries, the same sends and the same errors as a trace
/// loaded whole.
@Suite("streamed traces")
struct StreamedTraceTests {
    /// A generated trace of about 3 MB in collectd JSON and 1.2 MB in pcap: longer than the reader's first read, so later reads
    /// split lines and pcap records.
    static func generatedEntries() -> [TraceEntry] {
        var generator = VirtTraceGenerator()
        generator.vms = 75
        generator.samples = 30
        return generator.entries()
    }

    @Test(
        "the reader gives the entries the whole-file parser gives, whatever the chunk size",
        arguments: [TraceFormat.json, .putval, .hex, .tsv, .pcap]
    )
    func readerMatchesWholeFileParse(format: TraceFormat) throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.\(format.rawValue)").path
        let typesDB = TypesDB.systemOrBuiltIn()
        try TraceFile.write(Self.generatedEntries(), format: format, to: path, typesDB: typesDB)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count > TraceReader.detectionBytes, "the trace must reach past the first read")
        let now = CollectdTime.now()
        let whole = try TraceFile.parse(bytes, typesDB: typesDB, now: now)
        #expect(whole.entries.count > 1000)
        for chunkSize in [4096, 65_537] {
            let reader = try TraceReader(path: path, typesDB: typesDB, now: now, chunkSize: chunkSize)
            var entries: [TraceEntry] = []
            while let entry = try reader.next() { entries.append(entry) }
            #expect(reader.format == whole.format)
            #expect(entries == whole.entries, "chunk size \(chunkSize)")
            #expect(reader.progress.read == bytes.count)
        }
    }

    @Test(
        "CRLF lines, comments, blank lines and a last line without a newline read as the whole-file parser reads them"
    )
    func lineEndings() throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.putval").path
        let text =
            "# a comment\r\n\r\nPUTVAL compute-0/load/load interval=10 1700000000:0.5:0.6:0.7\r\n"
            + "  \nPUTVAL compute-0/load/load interval=10 1700000010:0.4:0.5:0.6"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let typesDB = TypesDB.systemOrBuiltIn()
        let reader = try TraceReader(path: path, typesDB: typesDB)
        var entries: [TraceEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        #expect(entries == (try TraceFile.parse(Array(text.utf8), typesDB: typesDB).entries))
        #expect(entries.count == 2)
    }

    @Test("a bad line far into the trace is reported with its line number, as a load reports it")
    func badLine() throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.jsonl").path
        let typesDB = TypesDB.systemOrBuiltIn()
        var bytes = TraceFile.render(Self.generatedEntries(), format: .json, typesDB: typesDB)
        let lines = bytes.count { $0 == 0x0A }
        bytes += Array("{\"values\": [1], \"broken\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let scanned = #expect(throws: ReplayError.self) {
            try StreamedTrace.scan(path: path, typesDB: typesDB)
        }
        let loaded = #expect(throws: ReplayError.self) { try LoadedTrace.load(path: path, typesDB: typesDB) }
        #expect(scanned?.message.contains("line \(lines + 1):") == true, "\(scanned?.message ?? "")")
        #expect(scanned?.message == loaded?.message)
    }

    @Test("inspecting a trace as it is read says what inspecting it loaded says", arguments: [TraceFormat.json, .pcap])
    func inspection(format: TraceFormat) throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.\(format.rawValue)").path
        let typesDB = TypesDB.systemOrBuiltIn()
        try TraceFile.write(Self.generatedEntries(), format: format, to: path, typesDB: typesDB)
        let read = try TraceInspection(reading: try TraceReader(path: path, typesDB: typesDB))
        let loaded = TraceInspection(trace: try LoadedTrace.load(path: path, typesDB: typesDB))
        #expect(read.description == loaded.description)
        #expect(read.valueLists == 75 * 11 * 30)
        #expect(read.series == 75 * 11)
    }

    @Test("the scan counts the entries and finds the first and last times and the interval")
    func scan() throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.pcap").path
        let typesDB = TypesDB.systemOrBuiltIn()
        let entries = Self.generatedEntries()
        try TraceFile.write(entries, format: .pcap, to: path, typesDB: typesDB)
        let loaded = try LoadedTrace.load(path: path, typesDB: typesDB)
        let scanned = try StreamedTrace.scan(path: path, typesDB: typesDB)
        #expect(scanned.format == .pcap)
        #expect(scanned.span.entryCount == loaded.entries.count)
        let times = entries.compactMap { entry -> Double? in
            if case .records(let records) = entry.payload { records.first?.time.seconds } else { nil }
        }
        let span = try #require(scanned.span.times)
        #expect(abs(span.lowerBound - (times.min() ?? 0)) < 0.001)
        #expect(abs(span.upperBound - (times.max() ?? 0)) < 0.001)
    }

    @Test(
        "a streamed send delivers what a loaded send delivers, looped and shifted to now",
        arguments: ["trace.jsonl", "trace.pcap"]
    )
    func streamedSendMatchesLoaded(name: String) async throws {
        let directory = try ReplayExecutableTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        let typesDB = TypesDB.systemOrBuiltIn()
        var generator = VirtTraceGenerator()
        generator.samples = 3
        let entries = generator.entries()
        try TraceFile.write(entries, format: TraceFormat(path: name) ?? .json, to: path, typesDB: typesDB)
        let valueLists = 2 * entries.reduce(0) { $0 + $1.valueListCount }

        var arrivals: [[String]] = []
        for streamed in [false, true] {
            let receiver = try await CountingReceiver.start()
            async let received = receiver.collect(valueLists: valueLists)
            var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: receiver.port))
            options.speed = nil
            options.loops = 2
            options.shiftTimeToNow = true
            let trace: ReplayTrace =
                streamed
                ? .streamed(try StreamedTrace.scan(path: path, typesDB: typesDB))
                : .loaded(try LoadedTrace.load(path: path, typesDB: typesDB))
            let session = ReplaySession(
                replaying: [trace],
                options: options,
                showProgress: false,
                logger: Logger(label: "test")
            )
            try await session.run()
            #expect(session.summary.valueLists == valueLists)
            let records = try await received.records
            // times are shifted to the moment each send began: compare them relative to the first
            let first = records.map { $0.time.seconds }.min() ?? 0
            arrivals.append(
                records.compactMap { record -> String? in
                    guard case .values(let list) = record else { return nil }
                    return "\(list.host) \(list.plugin) \(list.pluginInstance) \(list.type) \(list.typeInstance) "
                        + String(format: "%.3f", list.time.seconds - first) + " \(list.values)"
                }
                .sorted()
            )
        }
        #expect(arrivals[0].count == valueLists)
        #expect(arrivals[0] == arrivals[1])
    }
}

extension TraceEntry {
    fileprivate var valueListCount: Int {
        guard case .records(let records) = payload else { return 0 }
        return records.count { if case .values = $0 { true } else { false } }
    }
}
