/// Link layers of classic pcap files the reader accepts, to build captures that reach each of its branches.
enum PcapLink: Int, CaseIterable {
    case ethernet
    case ethernetVLANIPv6
    case null
    case linuxCooked
    case linuxCookedV2
    case rawIPv4
    case rawIPv6WithOptions

    /// The pcap LINKTYPE value.
    var linkType: UInt32 {
        switch self {
        case .ethernet, .ethernetVLANIPv6: 1
        case .null: 0
        case .linuxCooked: 113
        case .linuxCookedV2: 276
        case .rawIPv4: 228
        case .rawIPv6WithOptions: 229
        }
    }

    var isIPv6: Bool { self == .ethernetVLANIPv6 || self == .rawIPv6WithOptions }

    /// A capture of the datagrams as UDP to port 25826 over this link, little- or big-endian (big-endian with
    /// nanosecond times).
    static func capture(_ datagrams: ArraySlice<[UInt8]>, link: PcapLink, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        func word(_ value: UInt32) {
            let ordered = bigEndian ? value.byteSwapped : value
            for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: ordered >> UInt32(shift))) }
        }
        word(bigEndian ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        word(0x0004_0002)
        word(0)
        word(0)
        word(65535)
        word(link.linkType)
        for (index, datagram) in datagrams.enumerated() {
            let frame = link.header + link.ipPacket(udp(datagram))
            word(1_700_000_000 + UInt32(index))
            word(500)
            word(UInt32(frame.count))
            word(UInt32(frame.count))
            bytes += frame
        }
        return bytes
    }

    static func udp(_ payload: [UInt8]) -> [UInt8] {
        let length = 8 + payload.count
        return [0x9C, 0x40, 0x64, 0xE2, UInt8(length >> 8), UInt8(length & 0xFF), 0, 0] + payload
    }

    /// The link-layer header in front of the IP packet.
    var header: [UInt8] {
        let etherType: [UInt8] = isIPv6 ? [0x86, 0xDD] : [0x08, 0x00]
        switch self {
        case .ethernet: return [UInt8](repeating: 0x02, count: 12) + etherType
        case .ethernetVLANIPv6: return [UInt8](repeating: 0x02, count: 12) + [0x81, 0x00, 0x00, 0x05] + etherType
        case .null: return [2, 0, 0, 0]
        case .linuxCooked: return [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + etherType
        case .linuxCookedV2: return etherType + [UInt8](repeating: 0, count: 18)
        case .rawIPv4, .rawIPv6WithOptions: return []
        }
    }

    func ipPacket(_ udp: [UInt8]) -> [UInt8] {
        if isIPv6 {
            let options: [UInt8] = self == .rawIPv6WithOptions ? [17, 0, 1, 4, 0, 0, 0, 0] : []
            let payloadLength = options.count + udp.count
            let next: UInt8 = options.isEmpty ? 17 : 60
            let addresses = [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [1]
            return [0x60, 0, 0, 0, UInt8(payloadLength >> 8), UInt8(payloadLength & 0xFF), next, 64] + addresses
                + options + udp
        }
        let total = 20 + udp.count
        return [
            0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ]
            + udp
    }
}
