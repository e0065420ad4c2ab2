/// Classic libpcap files: the UDP payloads they hold, and writing datagrams as a capture.
enum PcapFile {
    struct Packet {
        var time: Double
        var destinationPort: UInt16
        var payload: [UInt8]
    }

    /// Whether the bytes start with a classic pcap header (either byte order, microsecond or nanosecond times).
    static func isPcap(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let magic = Array(bytes[0..<4])
        return [
            [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],
        ]
        .contains(magic)
    }

    static func isPcapNG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == [0x0A, 0x0D, 0x0D, 0x0A]
    }

    /// What the 24-byte global header says: how to read each record.
    struct Header {
        var littleEndian: Bool
        var nanoseconds: Bool
        var linkType: UInt32

        static let size = 24
        static let recordHeaderSize = 16

        /// Reads the global header at the start of `bytes` (at least 24 bytes of them).
        init(_ bytes: ArraySlice<UInt8>) throws(CollectdError) {
            guard bytes.count >= Self.size, PcapFile.isPcap(Array(bytes.prefix(4))) else {
                throw CollectdError(code: .pcapHeader, message: "not a classic pcap file (bad magic or header)")
            }
            let first = bytes[bytes.startIndex]
            littleEndian = first == 0xD4 || first == 0x4D
            nanoseconds = first == 0x4D || bytes[bytes.startIndex + 3] == 0x4D
            linkType = 0
            linkType = word(bytes, 20) & 0x0FFF_FFFF
            guard [0, 1, 12, 14, 101, 108, 113, 228, 229, 276].contains(linkType) else {
                throw CollectdError(
                    code: .pcapLinkType,
                    message: "pcap link type \(linkType) is not supported; capture on Ethernet, loopback (lo), "
                        + "Linux cooked (any) or raw IP"
                )
            }
        }

        /// The 32-bit field at `offset` from the start of `bytes`, in the file's byte order.
        func word(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
            let at = bytes.startIndex + offset
            let value =
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                | UInt32(bytes[at + 3]) << 24
            return littleEndian ? value : value.byteSwapped
        }

        /// The captured length a record header (16 bytes at the start of `bytes`) announces.
        func capturedLength(_ bytes: ArraySlice<UInt8>) -> Int { Int(word(bytes, 8)) }

        /// The packet of one record (its 16-byte header, then the frame), or nil when it holds no UDP datagram to
        /// `port` (any port when nil).
        func packet(_ record: ArraySlice<UInt8>, port: UInt16?) -> Packet? {
            let frame = record.dropFirst(Self.recordHeaderSize)
            guard let network = PcapFile.networkLayer(frame, linkType: linkType),
                let (destinationPort, payload) = PcapFile.udpPayload(network),
                port == nil || port == destinationPort
            else { return nil }
            let time = Double(word(record, 0)) + Double(word(record, 4)) / (nanoseconds ? 1e9 : 1e6)
            return Packet(time: time, destinationPort: destinationPort, payload: Array(payload))
        }
    }

    /// The UDP payloads sent to `port` (any port when nil), over IPv4 or IPv6 on Ethernet (VLAN tags too), Linux
    /// cooked (SLL and SLL2), BSD loopback/null, OpenBSD loop and raw IP. Fragmented datagrams and payloads cut
    /// short by the snap length are skipped; a record cut off at the end of the file ends the capture.
    static func read(_ bytes: [UInt8], port: UInt16?) throws(CollectdError) -> [Packet] {
        let header = try Header(bytes[...])
        var packets: [Packet] = []
        var offset = Header.size
        while offset + Header.recordHeaderSize <= bytes.count {
            let captured = header.capturedLength(bytes[offset...])
            let frameStart = offset + Header.recordHeaderSize
            guard captured <= bytes.count - frameStart else { break }
            let record = bytes[offset..<frameStart + captured]
            offset = frameStart + captured
            if let packet = header.packet(record, port: port) { packets.append(packet) }
        }
        return packets
    }

    private static func be16(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> Int {
        Int(bytes[bytes.startIndex + offset]) << 8 | Int(bytes[bytes.startIndex + offset + 1])
    }

    /// The IP packet inside a link-layer frame, or nil for other protocols.
    fileprivate static func networkLayer(_ frame: ArraySlice<UInt8>, linkType: UInt32) -> ArraySlice<UInt8>? {
        func rest(after count: Int) -> ArraySlice<UInt8>? {
            frame.count >= count ? frame.dropFirst(count) : nil
        }
        switch linkType {
        case 0, 108:  // BSD null / OpenBSD loop: a 4-byte address family in host (null) or network (loop) order.
            guard frame.count >= 4 else { return nil }
            return rest(after: 4)
        case 1:  // Ethernet, with any number of 802.1Q / 802.1ad tags.
            var typeOffset = 12
            while frame.count >= typeOffset + 2 {
                let etherType = be16(frame, typeOffset)
                if etherType == 0x8100 || etherType == 0x88A8 {
                    typeOffset += 4
                    continue
                }
                guard etherType == 0x0800 || etherType == 0x86DD else { return nil }
                return rest(after: typeOffset + 2)
            }
            return nil
        case 113:  // Linux cooked (SLL): protocol at 14, 16-byte header.
            guard frame.count >= 16, [0x0800, 0x86DD].contains(be16(frame, 14)) else { return nil }
            return rest(after: 16)
        case 276:  // Linux cooked v2 (SLL2): protocol at 0, 20-byte header.
            guard frame.count >= 20, [0x0800, 0x86DD].contains(be16(frame, 0)) else { return nil }
            return rest(after: 20)
        default:  // Raw IP (12, 14, 101, 228, 229).
            return frame
        }
    }

    /// Destination port and payload of an unfragmented UDP datagram in an IPv4 or IPv6 packet.
    fileprivate static func udpPayload(_ packet: ArraySlice<UInt8>) -> (UInt16, ArraySlice<UInt8>)? {
        guard let first = packet.first else { return nil }
        var transport: ArraySlice<UInt8>
        switch first >> 4 {
        case 4:
            let headerLength = Int(first & 0x0F) * 4
            guard headerLength >= 20, packet.count >= headerLength else { return nil }
            guard packet[packet.startIndex + 9] == 17 else { return nil }
            let fragment = be16(packet, 6)
            guard fragment & 0x3FFF == 0 else { return nil }  // More-fragments flag or an offset.
            let totalLength = be16(packet, 2)
            // A zero total length is what captures with segmentation offload show: take the captured bytes.
            let end = totalLength == 0 ? packet.count : min(packet.count, max(totalLength, headerLength))
            transport = packet[(packet.startIndex + headerLength)..<(packet.startIndex + end)]
        case 6:
            guard packet.count >= 40 else { return nil }
            var nextHeader = packet[packet.startIndex + 6]
            var offset = 40
            while [0, 43, 60].contains(nextHeader) {  // Hop-by-hop, routing, destination options.
                guard packet.count >= offset + 8 else { return nil }
                nextHeader = packet[packet.startIndex + offset]
                offset += (Int(packet[packet.startIndex + offset + 1]) + 1) * 8
            }
            guard nextHeader == 17, packet.count >= offset else { return nil }
            transport = packet.dropFirst(offset)
        default:
            return nil
        }
        guard transport.count >= 8 else { return nil }
        let destinationPort = UInt16(be16(transport, 2))
        let udpLength = be16(transport, 4)
        guard udpLength >= 8, udpLength <= transport.count else { return nil }
        transport = transport.prefix(udpLength)
        return (destinationPort, transport.dropFirst(8))
    }

    /// A capture of the datagrams as Ethernet/IPv4/UDP frames from 127.0.0.1 to 127.0.0.1.
    static func write(_ packets: [Packet]) -> [UInt8] {
        var bytes: [UInt8] = []
        func append32(_ value: UInt32) {
            for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        func append16(_ value: Int) {
            bytes.append(UInt8(truncatingIfNeeded: value))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        append32(0xA1B2_C3D4)
        append16(2)
        append16(4)
        append32(0)
        append32(0)
        append32(65535)
        append32(1)
        for (index, packet) in packets.enumerated() where packet.payload.count <= 65507 {
            let time = packet.time.isFinite ? min(max(packet.time, 0), 4_294_967_295) : 0
            let seconds = time.rounded(.down)
            let microseconds = min(999_999, max(0, ((time - seconds) * 1e6).rounded()))
            let frame = ethernetFrame(packet, identification: UInt16(truncatingIfNeeded: index))
            append32(UInt32(clamping: Int64(seconds)))
            append32(UInt32(microseconds))
            append32(UInt32(frame.count))
            append32(UInt32(frame.count))
            bytes.append(contentsOf: frame)
        }
        return bytes
    }

    private static func ethernetFrame(_ packet: Packet, identification: UInt16) -> [UInt8] {
        let udpLength = 8 + packet.payload.count
        let ipLength = 20 + udpLength
        var frame: [UInt8] = Array(repeating: 0, count: 12) + [0x08, 0x00]
        var ip: [UInt8] = [
            0x45, 0x00, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF),
            UInt8(identification >> 8), UInt8(identification & 0xFF), 0x40, 0x00,
            64, 17, 0, 0,
            127, 0, 0, 1,
            127, 0, 0, 1,
        ]
        var sum: UInt32 = 0
        for index in stride(from: 0, to: 20, by: 2) {
            sum += UInt32(ip[index]) << 8 | UInt32(ip[index + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        ip[10] = UInt8(checksum >> 8)
        ip[11] = UInt8(checksum & 0xFF)
        frame += ip
        let sourcePort = 25827
        frame += [
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF),
            UInt8(packet.destinationPort >> 8), UInt8(packet.destinationPort & 0xFF),
            UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0,
        ]
        frame += packet.payload
        return frame
    }
}
