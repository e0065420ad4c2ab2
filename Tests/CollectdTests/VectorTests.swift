import Collectd
import Foundation
import TestSupport
import Testing

/// The public network-protocol vectors in ../shared/collectd/vectors decode to what an independent decoder wrote in
/// public_vectors.decoded.jsonl.
@Suite(.needsShared("collectd/vectors")) struct VectorTests {
    /// The decoded form, grouped by file and datagram index.
    static func expectations() throws -> [String: [Int: [[String: Any]]]] {
        let text = try SharedMaterial.text(CollectdVectors.path("public_vectors.decoded.jsonl"))
        var groups: [String: [Int: [[String: Any]]]] = [:]
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let file = object["file"] as! String
            let datagram = (object["datagram"] as! NSNumber).intValue
            groups[file, default: [:]][datagram, default: []].append(object)
        }
        return groups
    }

    @Test("vector file decodes as documented", arguments: CollectdVectors.files)
    func vectorFileDecodesAsDocumented(file: String) throws {
        let groups = try Self.expectations()
        let datagrams = try CollectdVectors.datagrams(file)
        let expectedByDatagram = try #require(groups[file])
        #expect(datagrams.count == expectedByDatagram.keys.count, "datagram count of \(file)")
        for (index, datagram) in datagrams.enumerated() {
            let expected = expectedByDatagram[index] ?? []
            if let length = expected.first?["datagram_len"] as? NSNumber {
                #expect(length.intValue == datagram.count, "\(file)[\(index)] length")
            }
            var decoder = NetworkDecoder(securityLevel: .none, authFile: CollectdVectors.pieterAuth)
            var decoded: [(CollectdRecord, RecordOrigin)] = []
            let failure = datagram.withUnsafeBytes { bytes in
                decoder.decode(bytes) { decoded.append(($0, $1)) }
            }
            let expectedRecords = expected.filter { ["values", "notification"].contains($0["kind"] as? String) }
            #expect(decoded.count == expectedRecords.count, "\(file)[\(index)] record count")
            for (position, (got, want)) in zip(decoded, expectedRecords).enumerated() {
                Self.check(got.0, origin: got.1, against: want, place: "\(file)[\(index)] record \(position)")
            }
            #expect(failure == Self.expectedFailure(expected), "\(file)[\(index)] failure")
            #expect(decoder.counters.datagrams == 1)
            #expect(decoder.counters.valueLists + decoder.counters.notifications == decoded.count)
        }
    }

    /// The documented failures: a part length running past the end is `truncated` (collectd: "Received truncated
    /// packet"), a corrupted signature drops the signed data.
    static func expectedFailure(_ expected: [[String: Any]]) -> DecodeFailure? {
        if expected.contains(where: { $0["error"] != nil }) { return .truncated }
        if expected.contains(where: { $0["kind"] as? String == "signature" && $0["verified"] as? Bool == false }) {
            return .badSignature
        }
        return nil
    }

    static func check(_ record: CollectdRecord, origin: RecordOrigin, against want: [String: Any], place: String) {
        func string(_ key: String) -> String { want[key] as? String ?? "" }
        func number(_ key: String) -> UInt64 { (want[key] as? NSNumber)?.uint64Value ?? 0 }
        #expect(origin.security.rawValue == string("security"), "\(place) security")
        #expect(origin.user == want["user"] as? String, "\(place) user")
        switch record {
        case .values(let list):
            #expect(want["kind"] as? String == "values", "\(place) kind")
            #expect(list.host == string("host"), "\(place) host")
            #expect(list.plugin == string("plugin"), "\(place) plugin")
            #expect(list.pluginInstance == string("plugin_instance"), "\(place) plugin_instance")
            #expect(list.type == string("type"), "\(place) type")
            #expect(list.typeInstance == string("type_instance"), "\(place) type_instance")
            #expect(list.time.raw == number("time_cdtime"), "\(place) time")
            #expect(list.interval.raw == number("interval_cdtime"), "\(place) interval")
            let types = want["dstypes"] as? [String] ?? []
            let values = want["values"] as? [Any] ?? []
            #expect(list.values.map(\.type.name) == types, "\(place) dstypes")
            #expect(list.values.count == values.count, "\(place) value count")
            for (value, expected) in zip(list.values, values) {
                #expect(matches(value, expected), "\(place) value \(value) vs \(expected)")
            }
        case .notification(let notification):
            #expect(want["kind"] as? String == "notification", "\(place) kind")
            #expect(notification.severity.rawValue == (want["severity"] as? NSNumber)?.intValue, "\(place) severity")
            #expect(notification.message == string("message"), "\(place) message")
            #expect(notification.host == string("host"), "\(place) host")
            #expect(notification.plugin == string("plugin"), "\(place) plugin")
            #expect(notification.pluginInstance == string("plugin_instance"), "\(place) plugin_instance")
            #expect(notification.type == string("type"), "\(place) type")
            #expect(notification.typeInstance == string("type_instance"), "\(place) type_instance")
            #expect(notification.time.raw == number("time_cdtime"), "\(place) time")
        }
    }

    static func matches(_ value: Value, _ expected: Any) -> Bool {
        if let text = expected as? String { return text == "NaN" && value.doubleValue.isNaN }
        guard let number = expected as? NSNumber else { return false }
        switch value {
        case .gauge(let gauge): return gauge == number.doubleValue
        case .derive(let derive): return derive == number.int64Value
        case .counter(let counter): return counter == number.uint64Value
        case .absolute(let absolute): return absolute == number.uint64Value
        }
    }

    @Test("signed datagram without auth file is accepted unverified")
    func signedDatagramWithoutAuthFileIsAcceptedUnverified() throws {
        let datagrams = try CollectdVectors.datagrams("logstash_codec_collectd_spec.hex")
        for index in [4, 5] {
            var decoder = NetworkDecoder()
            var origins: [RecordOrigin] = []
            let failure = datagrams[index].withUnsafeBytes { bytes in
                decoder.decode(bytes) { origins.append($1) }
            }
            #expect(failure == nil)
            #expect(origins.count == 24)
            #expect(origins.allSatisfy { $0 == .plain })
        }
    }

    @Test("security levels are enforced as collectd does") func securityLevelsAreEnforcedAsCollectdDoes() throws {
        let datagrams = try CollectdVectors.datagrams("logstash_codec_collectd_spec.hex")
        let (plain, signed, badSigned, encrypted) = (datagrams[0], datagrams[4], datagrams[5], datagrams[6])
        func run(_ level: SecurityLevel, _ auth: AuthFile?, _ datagram: [UInt8]) -> (Int, DecodeFailure?) {
            var decoder = NetworkDecoder(securityLevel: level, authFile: auth)
            let (records, failure) = decoder.decode(datagram)
            return (records.count, failure)
        }
        let auth = CollectdVectors.pieterAuth
        #expect(run(.none, auth, plain) == (28, nil))
        #expect(run(.sign, auth, plain) == (0, .securityLevel))
        #expect(run(.sign, auth, signed) == (24, nil))
        #expect(run(.sign, auth, badSigned) == (0, .badSignature))
        #expect(run(.sign, auth, encrypted) == (24, nil))
        #expect(run(.encrypt, auth, plain) == (0, .securityLevel))
        #expect(run(.encrypt, auth, signed) == (0, .securityLevel))
        #expect(run(.encrypt, auth, encrypted) == (24, nil))

        let stranger = AuthFile(users: ["someone": "else"])
        #expect(run(.none, stranger, signed) == (0, .unknownUser))
        #expect(run(.none, stranger, encrypted) == (0, .unknownUser))
        #expect(run(.none, nil, encrypted) == (0, .unknownUser))
        #expect(run(.sign, nil, signed) == (0, .unknownUser))

        let wrongPassword = AuthFile(users: ["pieter": "wrong"])
        #expect(run(.none, wrongPassword, signed) == (0, .badSignature))
        #expect(run(.none, wrongPassword, encrypted) == (0, .decryptFailed))
    }

    @Test("crypto vectors hold") func cryptoVectorsHold() throws {
        var fields: [String: String] = [:]
        for line in try SharedMaterial.text(CollectdVectors.path("crypto_vectors.txt")).split(separator: "\n")
        where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        let user = try #require(fields["username"])
        let password = try #require(fields["password"])
        let payload = Array(try #require(fields["payload_ascii"]).utf8)
        let signedDatagram = CollectdVectors.hexBytes(try #require(fields["signed_datagram"]))

        // Signing "collectd" as collectd's client does gives the published datagram, HMAC included.
        let sealed = EncoderSecurity.sign(user: user, password: password).seal(payload)
        #expect(CollectdVectors.hex(sealed) == fields["signed_datagram"])
        #expect(CollectdVectors.hex(Array(sealed[4..<36])) == fields["hmac_sha256"])

        // The decoder accepts the published signature; "collectd" itself is no valid part, so the signed data
        // ends truncated. A wrong password is a bad signature.
        var decoder = NetworkDecoder(securityLevel: .sign, authFile: AuthFile(users: [user: password]))
        #expect(decoder.decode(signedDatagram).failure == .truncated)
        var wrong = NetworkDecoder(securityLevel: .sign, authFile: AuthFile(users: [user: "x"]))
        #expect(wrong.decode(signedDatagram).failure == .badSignature)

        // AES-256-OFB: an encryption part built from the published IV and ciphertext decrypts, and its SHA-1 holds.
        let aesPassword = try #require(fields["aes_password"])
        let iv = CollectdVectors.hexBytes(try #require(fields["iv"]))
        let ciphertext = CollectdVectors.hexBytes(try #require(fields["ciphertext"]))
        let userBytes = Array(aesPassword.utf8)
        let length = 6 + userBytes.count + 16 + ciphertext.count
        let part: [UInt8] =
            [0x02, 0x10, UInt8(length >> 8), UInt8(length & 0xFF), 0, UInt8(userBytes.count)] + userBytes + iv
            + ciphertext
        var aesDecoder = NetworkDecoder(securityLevel: .encrypt, authFile: AuthFile(users: [aesPassword: aesPassword]))
        #expect(aesDecoder.decode(part).failure == .truncated)
        var aesWrong = NetworkDecoder(securityLevel: .encrypt, authFile: AuthFile(users: [aesPassword: "y"]))
        #expect(aesWrong.decode(part).failure == .decryptFailed)
    }
}
