import Foundation
import TestSupport
import Testing

@testable import Collectd

/// The primitives under collectd's network security, against crypto_vectors.txt.
@Suite(.needsShared("collectd/vectors")) struct CryptoPrimitiveTests {
    static func fields() throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in try SharedMaterial.text(CollectdVectors.path("crypto_vectors.txt")).split(separator: "\n")
        where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    @Test("hmac SHA256") func hmacSHA256() throws {
        let fields = try Self.fields()
        let key = Array(try #require(fields["password"]).utf8)
        let message = Array(try #require(fields["username"]).utf8) + Array(try #require(fields["payload_ascii"]).utf8)
        let mac = message.withUnsafeBytes { NetworkCrypto.hmacSHA256(key: key, $0) }
        #expect(CollectdVectors.hex(mac) == fields["hmac_sha256"])
    }

    @Test("aes 256 OFB and key derivation") func aes256OFBAndKeyDerivation() throws {
        let fields = try Self.fields()
        let password = try #require(fields["aes_password"])
        let credentials = AuthFile.credentials(password)
        #expect(CollectdVectors.hex(credentials.encryptionKey) == fields["aes_key_sha256_of_password"])
        let iv = CollectdVectors.hexBytes(try #require(fields["iv"]))
        var data = CollectdVectors.hexBytes(try #require(fields["ciphertext"]))
        let ok = data.withUnsafeMutableBytes { bytes in
            iv.withUnsafeBytes { NetworkCrypto.aes256OFB(bytes, key: credentials.encryptionKey, iv: $0) }
        }
        #expect(ok)
        #expect(CollectdVectors.hex(data) == fields["plaintext"])
        let payload = Array(data[20...])
        #expect(String(decoding: payload, as: UTF8.self) == "collectd")
        #expect(payload.withUnsafeBytes { NetworkCrypto.sha1($0) } == Array(data[0..<20]))
    }

    @Test("ofb is its own inverse over many blocks") func ofbIsItsOwnInverseOverManyBlocks() {
        let key = [UInt8](repeating: 7, count: 32)
        let iv = [UInt8](0..<16)
        let original = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        var data = original
        for _ in 0..<2 {
            _ = data.withUnsafeMutableBytes { bytes in
                iv.withUnsafeBytes { NetworkCrypto.aes256OFB(bytes, key: key, iv: $0) }
            }
        }
        #expect(data == original)
    }
}
