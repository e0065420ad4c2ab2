import Collectd
import Testing

/// Builds datagrams part by part, for decoder edge cases.
struct DatagramBuilder {
    var bytes: [UInt8] = []

    mutating func header(_ type: UInt16, _ length: Int) {
        bytes += [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    }

    mutating func string(_ type: UInt16, _ text: String) {
        let utf8 = Array(text.utf8)
        header(type, utf8.count + 5)
        bytes += utf8 + [0]
    }

    mutating func number(_ type: UInt16, _ value: UInt64) {
        header(type, 12)
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    mutating func gauge(_ value: Double) {
        header(6, 15)
        bytes += [0, 1, 1]
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt64($0))) }
    }

    /// host, time_hr, plugin, type: enough for a value list to be dispatched.
    static func identified(host: String = "h", time: UInt64 = 1 << 40) -> DatagramBuilder {
        var builder = DatagramBuilder()
        builder.string(0, host)
        builder.number(8, time)
        builder.string(2, "load")
        builder.string(4, "gauge")
        return builder
    }
}

@Suite("Network decoder behaviour") struct DecoderBehaviourTests {
    func decode(_ bytes: [UInt8], level: SecurityLevel = .none) -> ([CollectdRecord], DecodeFailure?) {
        var decoder = NetworkDecoder(securityLevel: level)
        return decoder.decode(bytes)
    }

    @Test("value list and time resolutions") func valueListAndTimeResolutions() {
        var builder = DatagramBuilder.identified()
        builder.number(7, 10)  // Low-resolution interval: seconds.
        builder.gauge(1.5)
        builder.number(1, 1_400_000_000)  // Low-resolution time: seconds.
        builder.gauge(2.5)
        let (records, failure) = decode(builder.bytes)
        #expect(failure == nil)
        #expect(
            records == [
                .values(
                    ValueList(
                        host: "h",
                        plugin: "load",
                        type: "gauge",
                        time: CollectdTime(raw: 1 << 40),
                        interval: CollectdTime(wholeSeconds: 10),
                        values: [.gauge(1.5)]
                    )
                ),
                .values(
                    ValueList(
                        host: "h",
                        plugin: "load",
                        type: "gauge",
                        time: CollectdTime(wholeSeconds: 1_400_000_000),
                        interval: CollectdTime(wholeSeconds: 10),
                        values: [.gauge(2.5)]
                    )
                ),
            ]
        )
    }

    @Test("truncated datagrams keep what came before") func truncatedDatagramsKeepWhatCameBefore() {
        var builder = DatagramBuilder.identified()
        builder.gauge(1)
        builder.gauge(2)
        let whole = builder.bytes
        for cut in 1..<whole.count {
            let (records, failure) = decode(Array(whole[..<cut]))
            let expectedRecords = cut >= whole.count - 15 ? 1 : 0
            #expect(records.count == expectedRecords, "cut at \(cut)")
            // Cutting inside a part is truncation; a cut on a part boundary is a complete (shorter) datagram.
            let boundaries = [0, 6, 18, 27, 37, whole.count - 15]
            #expect((failure == nil) == boundaries.contains(cut), "cut at \(cut): \(String(describing: failure))")
            if let failure { #expect(failure == .truncated, "cut at \(cut)") }
        }
    }

    @Test("impossible lengths are bad length") func impossibleLengthsAreBadLength() {
        var short = DatagramBuilder.identified()
        short.header(0x0300, 3)  // Shorter than its own header.
        short.bytes += [0, 0, 0, 0]
        #expect(decode(short.bytes).1 == .badLength)

        var number = DatagramBuilder.identified()
        number.header(8, 13)
        number.bytes += Array(repeating: 0, count: 9)
        #expect(decode(number.bytes).1 == .badLength)

        var emptyString = DatagramBuilder.identified()
        emptyString.header(0, 4)
        emptyString.bytes += [0]
        #expect(decode(emptyString.bytes).1 == .badLength)

        var values = DatagramBuilder.identified()
        values.header(6, 16)  // One value needs 15 bytes.
        values.bytes += [0, 1, 1] + Array(repeating: 0, count: 9)
        #expect(decode(values.bytes).1 == .badLength)
    }

    @Test("bad strings and values") func badStringsAndValues() {
        var unterminated = DatagramBuilder.identified()
        unterminated.header(5, 7)
        unterminated.bytes += [0x61, 0x62, 0x63]
        #expect(decode(unterminated.bytes).1 == .badString)

        var tooLong = DatagramBuilder.identified()
        tooLong.string(0, String(repeating: "x", count: 128))  // 129 bytes with the NUL; collectd holds 128.
        tooLong.gauge(1)
        #expect(decode(tooLong.bytes) == ([], .badString))

        var longestHost = DatagramBuilder.identified()
        longestHost.string(0, String(repeating: "x", count: 127))
        longestHost.gauge(1)
        #expect(decode(longestHost.bytes).0.first?.host.count == 127)

        var unknownType = DatagramBuilder.identified()
        unknownType.header(6, 15)
        unknownType.bytes += [0, 1, 9] + Array(repeating: 0, count: 8)
        #expect(decode(unknownType.bytes).1 == .badValues)

        var noValues = DatagramBuilder.identified()
        noValues.header(6, 6)
        noValues.bytes += [0, 0]
        #expect(decode(noValues.bytes).1 == .badValues)
    }

    @Test("embedded nul ends a string as in c") func embeddedNulEndsAStringAsInC() {
        var builder = DatagramBuilder.identified()
        builder.header(5, 12)
        builder.bytes += Array("abc".utf8) + [0] + Array("def".utf8) + [0]
        builder.gauge(1)
        guard case .values(let list)? = decode(builder.bytes).0.first else {
            Issue.record("no value list")
            return
        }
        #expect(list.typeInstance == "abc")
    }

    @Test("incomplete records are dropped but parsing goes on") func incompleteRecordsAreDroppedButParsingGoesOn() {
        var builder = DatagramBuilder()
        builder.number(8, 1 << 40)
        builder.string(2, "load")
        builder.string(4, "gauge")
        builder.gauge(1)  // No host: dropped.
        builder.string(0, "h")
        builder.gauge(2)
        let (records, failure) = decode(builder.bytes)
        #expect(records.count == 1)
        #expect(failure == .missingFields)

        var noTime = DatagramBuilder()
        noTime.string(0, "h")
        noTime.string(2, "load")
        noTime.string(4, "gauge")
        noTime.gauge(1)
        #expect(decode(noTime.bytes) == ([], .missingFields))

        var notification = DatagramBuilder.identified()
        notification.number(0x0101, 3)  // Not a severity collectd knows.
        notification.string(0x0100, "message")
        notification.number(0x0101, 1)
        notification.string(0x0100, "")  // Empty message.
        notification.string(0x0100, "real")
        let (notifications, notificationFailure) = decode(notification.bytes)
        #expect(notificationFailure == .missingFields)
        #expect(
            notifications == [
                .notification(
                    Collectd.Notification(
                        severity: .failure,
                        time: CollectdTime(raw: 1 << 40),
                        message: "real",
                        host: "h",
                        plugin: "load",
                        type: "gauge"
                    )
                )
            ]
        )
    }

    @Test("unknown parts are skipped and every datagram starts fresh")
    func unknownPartsAreSkippedAndEveryDatagramStartsFresh() {
        var builder = DatagramBuilder.identified()
        builder.header(0x7777, 9)
        builder.bytes += [1, 2, 3, 4, 5]
        builder.gauge(1)
        var decoder = NetworkDecoder()
        #expect(decoder.decode(builder.bytes).records.count == 1)

        var valuesOnly = DatagramBuilder()
        valuesOnly.gauge(1)
        #expect(decoder.decode(valuesOnly.bytes) == ([], .missingFields))
        #expect(decoder.decode([]) == ([], nil))
        #expect(decoder.decode([0, 0, 0]) == ([], .truncated))

        decoder.maxDatagramSize = 10
        #expect(decoder.decode(builder.bytes) == ([], .tooLarge))

        let counters = decoder.counters
        #expect(counters.datagrams == 5)
        #expect(counters.ok == 2)
        #expect(counters.bad == 3)
        #expect(counters.badByReason == [.missingFields: 1, .truncated: 1, .tooLarge: 1])
        #expect(counters[.tooLarge] == 1)
        #expect(counters.valueLists == 1)
    }

    @Test("plain parts after an encrypted part still count at security level none")
    func plainPartsAfterAnEncryptedPartStillCountAtSecurityLevelNone() {
        var inner = DatagramBuilder.identified(host: "secret")
        inner.gauge(1)
        let encrypted = EncoderSecurity.encrypt(user: "u", password: "p").seal(inner.bytes)
        var outer = DatagramBuilder.identified(host: "plain")
        outer.gauge(2)
        let auth = AuthFile(users: ["u": "p"])
        var decoder = NetworkDecoder(securityLevel: .none, authFile: auth)
        var seen: [(String, RecordOrigin)] = []
        let failure = (encrypted + outer.bytes).withUnsafeBytes { bytes in
            decoder.decode(bytes) { seen.append(($0.host, $1)) }
        }
        #expect(failure == nil)
        #expect(seen.map(\.0) == ["secret", "plain"])
        #expect(seen.map(\.1) == [RecordOrigin(security: .encrypt, user: "u"), .plain])

        var strict = NetworkDecoder(securityLevel: .encrypt, authFile: auth)
        let (records, strictFailure) = strict.decode(encrypted + outer.bytes)
        #expect(records.map(\.host) == ["secret"])
        #expect(strictFailure == .securityLevel)
    }

    @Test("signature covers the rest of the datagram") func signatureCoversTheRestOfTheDatagram() {
        var inner = DatagramBuilder.identified()
        inner.gauge(1)
        var signed = EncoderSecurity.sign(user: "u", password: "p").seal(inner.bytes)
        var decoder = NetworkDecoder(securityLevel: .sign, authFile: AuthFile(users: ["u": "p"]))
        #expect(decoder.decode(signed).records.count == 1)
        signed += [0, 0, 0, 5, 0x41]  // Anything appended breaks the signature.
        #expect(decoder.decode(signed) == ([], .badSignature))
    }
}
