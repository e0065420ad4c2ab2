import Collectd
import Foundation
import TestSupport

/// The public collectd network protocol vectors in the shared material (`collectd/vectors`), and hex helpers.
enum CollectdVectors {
    /// A vector file's path.
    static func path(_ name: String) -> String {
        SharedMaterial.path("collectd/vectors/" + name)
    }

    /// The datagrams of a vector file: hex lines (`#` lines are comments) or one `.bin` datagram.
    static func datagrams(_ name: String) throws -> [[UInt8]] {
        let path = path(name)
        if name.hasSuffix(".bin") { return [try SharedMaterial.bytes(path)] }
        return try SharedMaterial.text(path).split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
            return hexBytes(trimmed)
        }
    }

    static let files = [
        "collectd_libcollectdclient_network_parse_test.hex",
        "go-collectd_packet1.bin",
        "go-collectd_packet2.bin",
        "influxdb_collectd_wireshark_captures.hex",
        "logstash_codec_collectd_spec.hex",
    ]

    /// Every vector datagram, for seeding the fuzzer.
    static func allDatagrams() throws -> [[UInt8]] {
        try files.flatMap { try datagrams($0) }
    }

    /// The auth file of the logstash vectors.
    static let pieterAuth = AuthFile(users: ["pieter": "aapje1234"])

    static func hexBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
