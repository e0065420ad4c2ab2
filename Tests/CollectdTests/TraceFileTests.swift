import Collectd
import Foundation
import TestSupport
import Testing

/// Builds classic pcap files byte by byte, for the trace reader.
struct PcapBuilder {
    var bytes: [UInt8] = []
    let bigEndian: Bool

    init(linkType: UInt32, bigEndian: Bool = false, nanoseconds: Bool = false) {
        self.bigEndian = bigEndian
        word(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        half(2)
        half(4)
        word(0)
        word(0)
        word(262_144)
        word(linkType)
    }

    mutating func word(_ value: UInt32) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes += $0 }
    }

    mutating func half(_ value: UInt16) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes += $0 }
    }

    mutating func record(seconds: UInt32, fraction: UInt32, frame: [UInt8], captured: Int? = nil) {
        word(seconds)
        word(fraction)
        word(UInt32(captured ?? frame.count))
        word(UInt32(frame.count))
        bytes += frame.prefix(captured ?? frame.count)
    }

    static func udp(_ payload: [UInt8], port: UInt16) -> [UInt8] {
        let length = 8 + payload.count
        return [0x9C, 0x40, UInt8(port >> 8), UInt8(port & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF), 0, 0]
            + payload
    }

    static func ipv4(_ payload: [UInt8], port: UInt16, protocolNumber: UInt8 = 17, fragment: UInt16 = 0x4000)
        -> [UInt8]
    {
        let transport = protocolNumber == 17 ? udp(payload, port: port) : payload
        let length = 20 + transport.count
        return [
            0x45, 0, UInt8(length >> 8), UInt8(length & 0xFF), 0, 1, UInt8(fragment >> 8), UInt8(fragment & 0xFF),
            64, protocolNumber, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ] + transport
    }

    static func ipv6(_ payload: [UInt8], port: UInt16) -> [UInt8] {
        let transport = udp(payload, port: port)
        return [0x60, 0, 0, 0, UInt8(transport.count >> 8), UInt8(transport.count & 0xFF), 17, 64]
            + Array(repeating: 0, count: 15) + [1] + Array(repeating: 0, count: 15) + [1] + transport
    }

    static func ethernet(_ packet: [UInt8], etherType: UInt16 = 0x0800, vlan: Bool = false) -> [UInt8] {
        var frame: [UInt8] = Array(repeating: 0x02, count: 12)
        if vlan { frame += [0x81, 0x00, 0x00, 0x2A] }
        return frame + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + packet
    }

    static func linuxCooked(_ packet: [UInt8]) -> [UInt8] {
        [0, 0, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + [0x08, 0x00] + packet
    }

    static func linuxCookedV2(_ packet: [UInt8]) -> [UInt8] {
        [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + packet
    }

    static func loopback(_ packet: [UInt8], family: UInt32 = 2) -> [UInt8] {
        withUnsafeBytes(of: family.littleEndian) { Array($0) } + packet
    }
}

@Suite("Trace files") struct TraceFileTests {
    let types = TypesDB.builtIn

    static func sampleDatagrams() throws -> [[UInt8]] {
        Array(try CollectdVectors.datagrams("collectd_libcollectdclient_network_parse_test.hex").prefix(3))
    }

    @Test("detects every format by content") func detectsEveryFormatByContent() {
        func detect(_ text: String) -> TraceFormat? { TraceFile.detectFormat(Array(text.utf8)) }
        #expect(detect("{\"values\":[1]}\n") == .json)
        #expect(detect("\n# comment\n[{\"values\":[1]}]\n") == .json)
        #expect(detect("PUTVAL \"h/p/t\" N:1\n") == .putval)
        #expect(detect("putnotif severity=okay time=1 message=x\n") == .putval)
        #expect(detect("# recorded\n0000000e6c6f63616c686f737400\n") == .hex)
        #expect(detect("recv_time\tport\tlength\thex\n1.5\t25826\t2\tabcd\n") == .tsv)
        #expect(detect("hello world\n") == nil)
        #expect(detect("") == nil)
        #expect(TraceFile.detectFormat(PcapBuilder(linkType: 1).bytes) == .pcap)
        #expect(TraceFile.detectFormat(PcapBuilder(linkType: 1, bigEndian: true, nanoseconds: true).bytes) == .pcap)
        #expect(TraceFormat(path: "trace.jsonl") == .json)
        #expect(TraceFormat(path: "/x.y/trace.PCAP") == .pcap)
        #expect(TraceFormat(path: "/x.y/trace") == nil)
    }

    @Test("reads the JSON and putval fixtures") func readsTheJSONAndPutvalFixtures() throws {
        let (jsonFormat, jsonEntries) = try TraceFile.read(
            path: SharedMaterial.fixture("collectd/host-sample.jsonl"),
            typesDB: types
        )
        #expect(jsonFormat == .json)
        #expect(jsonEntries.count == 6)
        #expect(
            jsonEntries.map(\.receiveTime) == [
                1_700_000_000.01, 1_700_000_000.01, 1_700_000_000.15, 1_700_000_000.3, 1_700_000_005.001,
                1_700_000_010.01,
            ]
        )
        let (putvalFormat, putvalEntries) = try TraceFile.read(
            path: SharedMaterial.fixture("collectd/host-sample.putval"),
            typesDB: types
        )
        #expect(putvalFormat == .putval)
        func records(_ entries: [TraceEntry]) -> [CollectdRecord] {
            entries.flatMap { entry -> [CollectdRecord] in
                if case .records(let records) = entry.payload { return records }
                return []
            }
        }
        #expect(records(jsonEntries).count == 7)
        #expect(records(jsonEntries) == records(putvalEntries))
        // Written back, the JSON fixture is the same text.
        let rendered = TraceFile.render(jsonEntries, format: .json, typesDB: types)
        let fixtureLines = try SharedMaterial.text(SharedMaterial.fixture("collectd/host-sample.jsonl"))
            .split(separator: "\n").flatMap { line -> [String] in
                line.hasPrefix("[") ? ["(array)"] : [String(line)]
            }
        let renderedLines = String(decoding: rendered, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(renderedLines.count == 7)
        for line in fixtureLines where line != "(array)" {
            #expect(renderedLines.contains(line), "\(line)")
        }
    }

    @Test("datagram formats round trip", .needsShared("collectd/vectors"), arguments: [TraceFormat.hex, .tsv, .pcap])
    func datagramFormatsRoundTrip(format: TraceFormat) throws {
        let entries = try Self.sampleDatagrams().enumerated().map { index, datagram in
            TraceEntry(receiveTime: 1_700_000_000.5 + Double(index), port: 25826, payload: .datagram(datagram))
        }
        let bytes = TraceFile.render(entries, format: format, typesDB: types)
        let (detected, read) = try TraceFile.parse(bytes, typesDB: types)
        #expect(detected == format)
        #expect(read.map(\.payload) == entries.map(\.payload))
        if format != .hex {
            #expect(read.map(\.receiveTime) == entries.map(\.receiveTime))
            #expect(read.map(\.port) == entries.map(\.port))
        }
    }

    @Test("converting keeps the records", .needsShared("collectd/vectors"), arguments: TraceFormat.allCases)
    func convertingKeepsTheRecords(format: TraceFormat) throws {
        let datagrams = try Self.sampleDatagrams()
        var decoder = NetworkDecoder()
        let records = datagrams.flatMap { decoder.decode($0).records }
        let entries = [TraceEntry(receiveTime: 1_700_000_000, payload: .records(records))]
        let bytes = TraceFile.render(entries, format: format, typesDB: types)
        let (_, read) = try TraceFile.parse(bytes, typesDB: types)
        var readRecords: [CollectdRecord] = []
        for entry in read {
            switch entry.payload {
            case .records(let records): readRecords += records
            case .datagram(let datagram): readRecords += decoder.decode(datagram).records
            }
        }
        // JSON and PUTVAL keep milliseconds, as collectd prints them; the binary formats keep every bit.
        let expected = format.holdsDatagrams ? records : records.map(Self.toMilliseconds)
        #expect(readRecords == expected)
    }

    static func toMilliseconds(_ record: CollectdRecord) -> CollectdRecord {
        var record = record
        record.time = CollectdTime(seconds: Double(record.time.description)!)
        if case .values(var list) = record {
            list.interval = CollectdTime(seconds: Double(list.interval.description)!)
            record = .values(list)
        }
        return record
    }

    @Test("reads pcap of every link type") func readsPcapOfEveryLinkType() throws {
        let payloads: [[UInt8]] = [[0, 0, 0, 5, 0x41], [1, 2, 3], Array(repeating: 7, count: 1400)]
        let port: UInt16 = 25826
        let cases: [(String, PcapBuilder, ([UInt8]) -> [UInt8])] = [
            ("ethernet", PcapBuilder(linkType: 1), { PcapBuilder.ethernet(PcapBuilder.ipv4($0, port: port)) }),
            (
                "ethernet vlan ipv6", PcapBuilder(linkType: 1, bigEndian: true),
                { PcapBuilder.ethernet(PcapBuilder.ipv6($0, port: port), etherType: 0x86DD, vlan: true) }
            ),
            ("linux cooked", PcapBuilder(linkType: 113), { PcapBuilder.linuxCooked(PcapBuilder.ipv4($0, port: port)) }),
            (
                "linux cooked v2", PcapBuilder(linkType: 276),
                { PcapBuilder.linuxCookedV2(PcapBuilder.ipv4($0, port: port)) }
            ),
            ("loopback", PcapBuilder(linkType: 0), { PcapBuilder.loopback(PcapBuilder.ipv4($0, port: port)) }),
            ("raw", PcapBuilder(linkType: 101, nanoseconds: true), { PcapBuilder.ipv4($0, port: port) }),
        ]
        for (name, start, frame) in cases {
            var pcap = start
            let nanoseconds = name == "raw"
            for (index, payload) in payloads.enumerated() {
                pcap.record(
                    seconds: 1_700_000_000 + UInt32(index),
                    fraction: nanoseconds ? 500_000_000 : 500_000,
                    frame: frame(payload)
                )
                // Noise the reader must skip: another port, TCP, a fragment, a payload cut short by the snap length.
                pcap.record(seconds: 1, fraction: 0, frame: PcapBuilder.ethernet(PcapBuilder.ipv4(payload, port: 53)))
            }
            pcap.record(seconds: 1, fraction: 0, frame: frame([9, 9]), captured: 20)
            let (format, entries) = try TraceFile.parse(pcap.bytes, typesDB: types)
            #expect(format == .pcap, "\(name)")
            #expect(entries.map(\.payload) == payloads.map { TraceEntry.Payload.datagram($0) }, "\(name)")
            #expect(entries.map(\.receiveTime) == [1_700_000_000.5, 1_700_000_001.5, 1_700_000_002.5], "\(name)")
            #expect(entries.allSatisfy { $0.port == port }, "\(name)")
            // Without a port filter, other UDP datagrams come too (the Ethernet ones, where the link is Ethernet).
            let everything = try TraceFile.parse(pcap.bytes, typesDB: types, port: nil).entries
            #expect(everything.count == (name.hasPrefix("ethernet") ? 2 * payloads.count : payloads.count), "\(name)")
        }

        var noise = PcapBuilder(linkType: 1)
        noise.record(
            seconds: 1,
            fraction: 0,
            frame: PcapBuilder.ethernet(PcapBuilder.ipv4([1, 2], port: 25826, protocolNumber: 6))
        )
        noise.record(
            seconds: 1,
            fraction: 0,
            frame: PcapBuilder.ethernet(PcapBuilder.ipv4([1, 2], port: 25826, fragment: 0x2000))
        )
        noise.record(seconds: 1, fraction: 0, frame: PcapBuilder.ethernet([0x45, 0], etherType: 0x0806))
        noise.bytes += [1, 2, 3]  // A record header cut off by the end of the file.
        #expect(try TraceFile.parse(noise.bytes, typesDB: types).entries.isEmpty)

        var unsupported = PcapBuilder(linkType: 127)
        unsupported.record(seconds: 1, fraction: 0, frame: [])
        #expect(throws: CollectdError.self) { try TraceFile.parse(unsupported.bytes, typesDB: types) }
    }

    @Test("writes and reads files", .needsShared("collectd/vectors")) func writesAndReadsFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collectd-trace-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let entries = try Self.sampleDatagrams().map { TraceEntry(receiveTime: 5, payload: .datagram($0)) }
        let path = directory.appendingPathComponent("trace.tsv").path
        try TraceFile.write(entries, format: .tsv, to: path, typesDB: types)
        let (format, read) = try TraceFile.read(path: path, typesDB: types)
        #expect(format == .tsv)
        #expect(read.map(\.payload) == entries.map(\.payload))
    }

    @Test("bad traces give errors a person can act") func badTracesGiveErrorsAPersonCanAct() {
        let cases: [(String, String)] = [
            ("", "trace.empty"),
            ("what is this\n", "trace.format"),
            ("0000zz\n", "trace.format"),
            ("00ff\n0\n", "trace.hex"),
            ("1.0\t25826\t3\tabcd\n", "trace.tsv"),
            ("1.0\t25826\tabcd\n", "trace.tsv"),
            ("{\"values\":[1],\"plugin\":\"p\",\"type\":\"t\"}\n{oops\n", "json.syntax"),
            ("PUTVAL h/cpu/cpu N:1\nPUTVAL h/cpu/cpu N:x\n", "putval.values"),
        ]
        for (text, code) in cases {
            do {
                _ = try TraceFile.parse(Array(text.utf8), typesDB: types)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.code.rawValue == code, "\(text): \(error)")
            }
        }
        do {
            _ = try TraceFile.parse([0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0], typesDB: types)
        } catch {
            #expect(error.message.contains("pcapng"))
        }
        do {
            _ = try TraceFile.parse(Array("PUTVAL h/cpu/cpu N:1\nPUTVAL h/cpu/cpu N:x\n".utf8), typesDB: types)
        } catch {
            #expect(error.message.hasPrefix("line 2:"), "\(error.message)")
        }
        #expect(throws: CollectdError.self) { try TraceFile.read(path: "/nonexistent/trace.jsonl", typesDB: types) }
    }
}
