/// The formats a recorded collectd stream is kept in, recognised by content.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// collectd JSON (write_http), one object or array per line, optionally with `recv_time`.
    case json
    /// PUTVAL / PUTNOTIF lines (exec, unixsock).
    case putval
    /// One network datagram per line in hex.
    case hex
    /// `recv_time<TAB>port<TAB>length<TAB>hex`, one datagram per line.
    case tsv
    /// Classic libpcap capture; the UDP payloads to the collectd port.
    case pcap

    /// The format a file name's extension suggests (`.jsonl`/`.json`, `.putval`/`.txt`, `.hex`, `.tsv`, `.pcap`),
    /// for choosing what to write.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "jsonl", "json", "ndjson": self = .json
        case "putval", "txt", "exec": self = .putval
        case "hex": self = .hex
        case "tsv": self = .tsv
        case "pcap", "cap": self = .pcap
        default: return nil
        }
    }

    /// Whether entries in this format are raw datagrams (rather than decoded records).
    public var holdsDatagrams: Bool {
        self == .hex || self == .tsv || self == .pcap
    }
}

/// One step of a trace: what arrived together, and when it arrived if the trace knows.
public struct TraceEntry: Sendable, Hashable {
    /// Decoded records (JSON and PUTVAL traces) or a raw datagram (hex, TSV, pcap traces).
    public enum Payload: Sendable, Hashable {
        case records([CollectdRecord])
        case datagram([UInt8])
    }

    /// Seconds since the epoch the entry was received (`recv_time`, TSV's first column, pcap's timestamp).
    public var receiveTime: Double?
    /// The UDP port the datagram was sent to, when the trace says.
    public var port: UInt16?
    public var payload: Payload

    public init(receiveTime: Double? = nil, port: UInt16? = nil, payload: Payload) {
        self.receiveTime = receiveTime
        self.port = port
        self.payload = payload
    }
}

/// Reads and writes traces: collectd JSON lines, PUTVAL/PUTNOTIF text, hex datagrams one per line, TSV
/// `recv_time<TAB>port<TAB>length<TAB>hex`, or classic pcap (Ethernet, Linux cooked, BSD loopback/null, raw IP;
/// UDP payloads to the collectd port). Text formats skip blank lines and `#` comment lines.
public enum TraceFile {
    /// collectd's network port.
    public static let defaultPort: UInt16 = 25826

    /// Recognises a trace by its content: the pcap magic, else the first line that is not blank or a comment
    /// (`{`/`[` JSON, `PUTVAL`/`PUTNOTIF`, tab-separated fields, hex digits). Nil when nothing fits.
    public static func detectFormat(_ bytes: [UInt8]) -> TraceFormat? {
        if PcapFile.isPcap(bytes) { return .pcap }
        let text = String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
        for (_, line) in TextFile.lines(text) {
            let content = line.drop(while: { $0 == " " || $0 == "\t" })
            if content.isEmpty || content.hasPrefix("#") { continue }
            if content.hasPrefix("{") || content.hasPrefix("[") { return .json }
            let word = content.prefix(while: { $0 != " " && $0 != "\t" }).uppercased()
            if word == "PUTVAL" || word == "PUTNOTIF" { return .putval }
            if line.contains("\t") { return .tsv }
            if content.allSatisfy(\.isHexDigit) { return .hex }
            return nil
        }
        return nil
    }

    /// The format of a trace starting with `bytes`, or an error saying what is wrong with it (an empty trace is
    /// only told apart when `bytes` are the whole file).
    static func detectFormatOrExplain(_ bytes: [UInt8], wholeFile: Bool) throws(CollectdError) -> TraceFormat {
        if let format = detectFormat(bytes) { return format }
        if PcapFile.isPcapNG(bytes) {
            throw CollectdError(
                code: .traceFormat,
                message: "pcapng is not supported; convert it with 'editcap -F pcap IN OUT' or capture with "
                    + "'tcpdump -w' (classic pcap)"
            )
        }
        if wholeFile, bytes.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) {
            throw CollectdError(code: .traceEmpty, message: "the trace is empty")
        }
        throw CollectdError(
            code: .traceFormat,
            message: "cannot tell the trace format: expected collectd JSON lines, PUTVAL/PUTNOTIF lines, hex "
                + "datagrams, TSV recv_time/port/length/hex or a classic pcap"
        )
    }

    /// Reads a trace file, recognising its format.
    ///
    /// - Parameters:
    ///   - typesDB: types for PUTVAL values and JSON without `dstypes`.
    ///   - port: for pcap, the UDP destination port to keep (nil keeps every UDP datagram).
    ///   - now: what PUTVAL's `N` stands for (default: the time of reading).
    public static func read(
        path: String,
        typesDB: TypesDB,
        port: UInt16? = defaultPort,
        now: CollectdTime? = nil
    ) throws(CollectdError) -> (format: TraceFormat, entries: [TraceEntry]) {
        // read a chunk at a time: the file's bytes are never all held beside the entries
        let reader = try TraceReader(path: path, typesDB: typesDB, port: port, now: now ?? .now())
        var entries: [TraceEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return (reader.format, entries)
    }

    /// Parses trace bytes, recognising their format.
    public static func parse(
        _ bytes: [UInt8],
        typesDB: TypesDB,
        port: UInt16? = defaultPort,
        now: CollectdTime? = nil
    ) throws(CollectdError) -> (format: TraceFormat, entries: [TraceEntry]) {
        let format = try detectFormatOrExplain(bytes, wholeFile: true)
        return (format, try parse(bytes, format: format, typesDB: typesDB, port: port, now: now))
    }

    /// Parses trace bytes in a known format.
    public static func parse(
        _ bytes: [UInt8],
        format: TraceFormat,
        typesDB: TypesDB,
        port: UInt16? = defaultPort,
        now: CollectdTime? = nil
    ) throws(CollectdError) -> [TraceEntry] {
        if format == .pcap {
            return try PcapFile.read(bytes, port: port).map {
                TraceEntry(receiveTime: $0.time, port: $0.destinationPort, payload: .datagram($0.payload))
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let now = now ?? CollectdTime.now()
        var entries: [TraceEntry] = []
        for (number, line) in TextFile.lines(text) {
            if let entry = try entry(line: line, number: number, format: format, typesDB: typesDB, now: now) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The entry of one line of a text trace: nil for a blank line, a `#` comment or a TSV header; an error names
    /// the line's number. Shared by whole-file parsing and ``TraceReader``.
    static func entry(
        line: Substring,
        number: Int,
        format: TraceFormat,
        typesDB: TypesDB,
        now: CollectdTime
    ) throws(CollectdError) -> TraceEntry? {
        let content = line.drop(while: { $0 == " " || $0 == "\t" })
        if content.isEmpty || content.hasPrefix("#") { return nil }
        do {
            return try parseLine(content, format: format, typesDB: typesDB, now: now)
        } catch {
            throw CollectdError(code: error.code, message: "line \(number): \(error.message)")
        }
    }

    private static func parseLine(
        _ line: Substring,
        format: TraceFormat,
        typesDB: TypesDB,
        now: CollectdTime
    ) throws(CollectdError) -> TraceEntry? {
        switch format {
        case .json:
            let (records, receiveTime) = try CollectdJSON.decodeEntry(line: line, typesDB: typesDB)
            return TraceEntry(receiveTime: receiveTime, payload: .records(records))
        case .putval:
            return TraceEntry(payload: .records(try PutvalText.parse(line: String(line), typesDB: typesDB, now: now)))
        case .hex:
            let token = line.prefix(while: { !$0.isWhitespace })
            guard line.dropFirst(token.count).allSatisfy(\.isWhitespace), let bytes = NumberText.bytes(hex: token)
            else {
                throw CollectdError(code: .traceHex, message: "not an even number of hex digits")
            }
            return TraceEntry(payload: .datagram(bytes))
        case .tsv:
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.first == "recv_time" { return nil }  // A header line.
            guard fields.count == 4, let time = Double(fields[0]), let port = UInt16(fields[1]),
                let length = Int(fields[2]),
                let bytes = NumberText.bytes(hex: fields[3].drop(while: \.isWhitespace).prefix(while: \.isHexDigit))
            else {
                throw CollectdError(
                    code: .traceTsv,
                    message: "expected recv_time<TAB>port<TAB>length<TAB>hex"
                )
            }
            guard bytes.count == length else {
                throw CollectdError(
                    code: .traceTsv,
                    message: "length says \(length) bytes but the hex holds \(bytes.count)"
                )
            }
            return TraceEntry(receiveTime: time, port: port, payload: .datagram(bytes))
        case .pcap:
            return nil
        }
    }

    /// Writes entries in a format. Datagrams become records for JSON and PUTVAL (decoded with `authFile` at
    /// SecurityLevel None; what does not decode is left out, as collectd leaves it out); records become datagrams
    /// for hex, TSV and pcap (plain, collectd's packing, one or more datagrams per entry).
    public static func write(
        _ entries: [TraceEntry],
        format: TraceFormat,
        to path: String,
        typesDB: TypesDB,
        authFile: AuthFile? = nil
    ) throws(CollectdError) {
        try TextFile.write(
            render(entries, format: format, typesDB: typesDB, authFile: authFile),
            path: path,
            what: "trace"
        )
    }

    /// The bytes ``write(_:format:to:typesDB:authFile:)`` writes.
    public static func render(
        _ entries: [TraceEntry],
        format: TraceFormat,
        typesDB: TypesDB,
        authFile: AuthFile? = nil
    ) -> [UInt8] {
        var decoder = NetworkDecoder(securityLevel: .none, authFile: authFile)
        var encoder = NetworkEncoder()
        func records(_ entry: TraceEntry) -> [CollectdRecord] {
            switch entry.payload {
            case .records(let records): return records
            case .datagram(let bytes): return decoder.decode(bytes).records
            }
        }
        func datagrams(_ entry: TraceEntry) -> [[UInt8]] {
            switch entry.payload {
            case .datagram(let bytes): return [bytes]
            case .records(let records):
                var result: [[UInt8]] = []
                for record in records { result += encoder.add(record) }
                return result + encoder.flush()
            }
        }
        switch format {
        case .json, .putval:
            var text = ""
            for entry in entries {
                for record in records(entry) {
                    if format == .json {
                        text += CollectdJSON.encode(record, typesDB: typesDB, receiveTime: entry.receiveTime)
                    } else {
                        text += PutvalText.format(record)
                    }
                    text += "\n"
                }
            }
            return Array(text.utf8)
        case .hex, .tsv:
            var text = ""
            for entry in entries {
                let port = entry.port ?? defaultPort
                let time = entry.receiveTime ?? firstRecordTime(entry) ?? 0
                for datagram in datagrams(entry) {
                    if format == .tsv {
                        text += "\(NumberText.microseconds(time))\t\(port)\t\(datagram.count)\t"
                    }
                    text += NumberText.hex(datagram) + "\n"
                }
            }
            return Array(text.utf8)
        case .pcap:
            var packets: [PcapFile.Packet] = []
            for entry in entries {
                let time = entry.receiveTime ?? firstRecordTime(entry) ?? 0
                for datagram in datagrams(entry) {
                    packets.append(
                        PcapFile.Packet(time: time, destinationPort: entry.port ?? defaultPort, payload: datagram)
                    )
                }
            }
            return PcapFile.write(packets)
        }
    }

    private static func firstRecordTime(_ entry: TraceEntry) -> Double? {
        if case .records(let records) = entry.payload, let first = records.first { return first.time.seconds }
        return nil
    }
}
