import Platform

/// Reads a trace file entry by entry, holding about one chunk of it at a time: a trace of a day of a large site
/// can be sent without first being loaded whole. Entries, errors and format detection are those of
/// ``TraceFile/read(path:typesDB:port:now:)``.
public final class TraceReader {
    public let path: String
    public let format: TraceFormat
    private let file: ChunkedFile
    private let typesDB: TypesDB
    private let port: UInt16?
    private let now: CollectdTime
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var lineNumber = 0
    private var pcapHeader: PcapFile.Header?

    /// How much is read from the file at once.
    private let chunkSize: Int
    /// The first read is at least this long: format detection looks at this much, as for a trace read whole.
    public static let detectionBytes = 1 << 20

    /// Opens a trace and recognises its format from its first chunk.
    ///
    /// - Parameters:
    ///   - port: for pcap, the UDP destination port to keep (nil keeps every UDP datagram).
    ///   - now: what PUTVAL's `N` stands for; give the same value to read a trace twice alike.
    ///   - chunkSize: bytes read at once after the first MiB, at least 1.
    public init(
        path: String,
        typesDB: TypesDB,
        port: UInt16? = TraceFile.defaultPort,
        now: CollectdTime = .now(),
        chunkSize: Int = 1 << 20
    ) throws(CollectdError) {
        self.chunkSize = min(max(1, chunkSize), 1 << 30)
        guard FileBytes.exists(path) else {
            throw CollectdError(code: .fileMissing, message: "trace \(path) does not exist")
        }
        do {
            file = try ChunkedFile(path: path)
        } catch {
            throw CollectdError(code: .fileRead, message: "cannot read trace \(path): \(error.message)")
        }
        self.path = path
        self.typesDB = typesDB
        self.port = port
        self.now = now
        var first: [UInt8] = []
        do {
            _ = try file.read(upTo: max(self.chunkSize, Self.detectionBytes), into: &first)
        } catch {
            throw CollectdError(code: .fileRead, message: "cannot read trace \(path): \(error.message)")
        }
        atEnd = first.count >= file.size
        do {
            format = try TraceFile.detectFormatOrExplain(first, wholeFile: atEnd)
        } catch {
            throw CollectdError(code: error.code, message: "\(path): \(error.message)")
        }
        buffer = first
        if format == .pcap {
            do {
                pcapHeader = try PcapFile.Header(buffer[...])
            } catch {
                throw CollectdError(code: error.code, message: "\(path): \(error.message)")
            }
            position = PcapFile.Header.size
        }
    }

    /// Bytes of the file read so far and its size, for progress.
    public var progress: (read: Int, size: Int) { (file.bytesRead, file.size) }

    /// The next entry, nil at the end of the trace.
    public func next() throws(CollectdError) -> TraceEntry? {
        if let pcapHeader { return try nextPacket(pcapHeader) }
        while let line = try nextLine() {
            do {
                let text = String(decoding: line, as: UTF8.self)[...]
                if let entry = try TraceFile.entry(
                    line: text,
                    number: lineNumber,
                    format: format,
                    typesDB: typesDB,
                    now: now
                ) {
                    return entry
                }
            } catch {
                throw CollectdError(code: error.code, message: "\(path): \(error.message)")
            }
        }
        return nil
    }

    /// The next line without its LF or CRLF; nil at the end.
    private func nextLine() throws(CollectdError) -> ArraySlice<UInt8>? {
        var searchFrom = position
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                var end = newline
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[position..<end]
                position = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[position..<end]
                position = buffer.count
                lineNumber += 1
                return line
            }
            searchFrom = buffer.count - position
            try readMore()
        }
    }

    /// The next UDP datagram to the port; nil at the end or at a record cut off by the end of the file.
    private func nextPacket(_ header: PcapFile.Header) throws(CollectdError) -> TraceEntry? {
        while try available(PcapFile.Header.recordHeaderSize) {
            let captured = header.capturedLength(buffer[position...])
            let fileOffset = file.bytesRead - (buffer.count - position)
            guard captured <= file.size - fileOffset - PcapFile.Header.recordHeaderSize,
                try available(PcapFile.Header.recordHeaderSize + captured)
            else { return nil }
            let end = position + PcapFile.Header.recordHeaderSize + captured
            let record = buffer[position..<end]
            position = end
            if let packet = header.packet(record, port: port) {
                return TraceEntry(
                    receiveTime: packet.time,
                    port: packet.destinationPort,
                    payload: .datagram(packet.payload)
                )
            }
        }
        return nil
    }

    /// Whether `count` unread bytes are in the buffer, reading more when needed.
    private func available(_ count: Int) throws(CollectdError) -> Bool {
        while buffer.count - position < count {
            if atEnd { return false }
            try readMore()
        }
        return true
    }

    /// Drops what was read and appends the next chunk of the file.
    private func readMore() throws(CollectdError) {
        buffer.removeFirst(position)
        position = 0
        do {
            if try file.read(upTo: self.chunkSize, into: &buffer) == 0 { atEnd = true }
        } catch {
            throw CollectdError(code: .fileRead, message: "cannot read trace \(path): \(error.message)")
        }
    }
}
