import Collectd
import TestSupport
import Testing

/// Encoding then decoding gives back what went in, packed as collectd packs it.
@Suite("Network encoder and decoder round trips") struct NetworkRoundTripTests {
    static let pieter = (user: "pieter", password: "aapje1234")

    static let securities: [EncoderSecurity] = [
        .none, .sign(user: pieter.user, password: pieter.password),
        .encrypt(user: pieter.user, password: pieter.password),
    ]

    /// Value lists with every value type, extreme values, empty and non-ASCII instances, shared and changing fields.
    static func sampleLists(count: Int = 300) -> [ValueList] {
        let values: [[Value]] = [
            [.counter(0)], [.counter(.max)], [.gauge(0.5)], [.gauge(.nan)], [.gauge(-.infinity)], [.gauge(.infinity)],
            [.gauge(-0.0)], [.gauge(.leastNonzeroMagnitude)], [.gauge(-1.7976931348623157e308)], [.derive(.min)],
            [.derive(.max)], [.derive(-42)], [.absolute(12345)], [.absolute(.max)],
            [.derive(1), .derive(2)], [.gauge(1), .gauge(5), .gauge(15)],
            [.counter(7), .gauge(2.5), .derive(-3), .absolute(4)],
        ]
        let hosts = ["compute-0", "compute-1.example.com", "ünïcödé-host"]
        let plugins = [("cpu", "0"), ("cpu", "1"), ("interface", "eth0"), ("memory", ""), ("virt", "instance-0001")]
        let types = [("cpu", "idle"), ("if_octets", ""), ("memory", "used"), ("percent", "user"), ("load", "")]
        var lists: [ValueList] = []
        for index in 0..<count {
            let (plugin, pluginInstance) = plugins[index / 3 % plugins.count]
            let (type, typeInstance) = types[index % types.count]
            lists.append(
                ValueList(
                    host: hosts[index / 50 % hosts.count],
                    plugin: plugin,
                    pluginInstance: pluginInstance,
                    type: type,
                    typeInstance: typeInstance,
                    time: CollectdTime(raw: 1_518_671_207_600_677_015 + UInt64(index / 4) * 1_234_567),
                    interval: CollectdTime(wholeSeconds: index % 7 == 0 ? 20 : 10),
                    values: values[index % values.count]
                )
            )
        }
        return lists
    }

    static func sampleNotifications() -> [Collectd.Notification] {
        [
            Collectd.Notification(
                severity: .failure,
                time: CollectdTime(seconds: 1_700_000_000.25),
                message: "Host compute-0, plugin cpu (instance 0) type percent (instance idle): "
                    + "Data source \"value\" is currently 2.0. That is below the failure threshold of 10.0.",
                host: "compute-0",
                plugin: "cpu",
                pluginInstance: "0",
                type: "percent",
                typeInstance: "idle"
            ),
            Collectd.Notification(
                severity: .warning,
                time: CollectdTime(raw: 1_538_952_059_217_248_256),
                message: "Test Message",
                host: "test.example.com",
                plugin: "load",
                pluginInstance: "1",
                type: "load",
                typeInstance: "nice"
            ),
            Collectd.Notification(severity: .okay, time: CollectdTime(wholeSeconds: 1), message: "ok", host: "h"),
        ]
    }

    static func decoder(for security: EncoderSecurity) -> NetworkDecoder {
        switch security {
        case .none: NetworkDecoder()
        case .sign: NetworkDecoder(securityLevel: .sign, authFile: AuthFile(users: [pieter.user: pieter.password]))
        case .encrypt:
            NetworkDecoder(securityLevel: .encrypt, authFile: AuthFile(users: [pieter.user: pieter.password]))
        }
    }

    @Test("value lists round trip", arguments: securities)
    func valueListsRoundTrip(security: EncoderSecurity) {
        let lists = Self.sampleLists()
        var encoder = NetworkEncoder(security: security)
        var datagrams: [[UInt8]] = []
        for list in lists { datagrams += encoder.add(list) }
        datagrams += encoder.flush()
        #expect(encoder.flush().isEmpty)
        #expect(datagrams.count > 1, "300 value lists need several datagrams")
        for datagram in datagrams {
            #expect(datagram.count <= 1452)
            if security == .none { #expect(datagram.count <= 1452 - 106) }
        }
        var decoder = Self.decoder(for: security)
        var decoded: [ValueList] = []
        for datagram in datagrams {
            let (records, failure) = decoder.decode(datagram)
            #expect(failure == nil)
            for record in records {
                guard case .values(let list) = record else {
                    Issue.record("unexpected \(record)")
                    continue
                }
                decoded.append(list)
            }
        }
        #expect(decoded == lists)
        #expect(decoder.counters.valueLists == lists.count)
        #expect(decoder.counters.ok == datagrams.count)
    }

    @Test("thousands of distinct names, the same text in different fields and names of 6 to 125 bytes decode exactly")
    func manyDistinctNames() {
        // more names than the decoder's table of recent strings holds, so its slots are reused many times over;
        // one text used as a host, a plugin and a type instance, which must not be taken for one another
        var lists: [ValueList] = []
        for index in 0..<5000 {
            let name = "n\(index % 2500)-" + String(repeating: "x", count: index % 120)
            lists.append(
                ValueList(
                    host: index % 3 == 0 ? name : "host-\(index % 7)",
                    plugin: index % 3 == 1 ? name : "plugin",
                    pluginInstance: String(index % 11),
                    type: "gauge",
                    typeInstance: index % 3 == 2 ? name : "",
                    time: CollectdTime(wholeSeconds: 1_795_600_000 + UInt64(index)),
                    interval: CollectdTime(wholeSeconds: 10),
                    values: [.gauge(Double(index))]
                )
            )
        }
        var encoder = NetworkEncoder()
        var datagrams: [[UInt8]] = []
        for list in lists { datagrams += encoder.add(list) }
        datagrams += encoder.flush()
        var decoder = NetworkDecoder()
        // twice through, so the second pass meets names the table has already seen
        for _ in 0..<2 {
            var decoded: [ValueList] = []
            for datagram in datagrams {
                for case .values(let list) in decoder.decode(datagram).records { decoded.append(list) }
            }
            #expect(decoded == lists)
        }
    }

    @Test("notifications round trip each in its own datagram", arguments: securities)
    func notificationsRoundTripEachInItsOwnDatagram(security: EncoderSecurity) {
        var encoder = NetworkEncoder(security: security)
        var decoder = Self.decoder(for: security)
        // A pending value list stays pending: collectd sends a notification at once, on its own.
        #expect(encoder.add(.values(Self.sampleLists(count: 1)[0])).isEmpty)
        for notification in Self.sampleNotifications() {
            let datagrams = encoder.add(.notification(notification))
            #expect(datagrams.count == 1)
            let (records, failure) = decoder.decode(datagrams[0])
            #expect(failure == nil)
            #expect(records == [.notification(notification)])
        }
        #expect(encoder.pendingBytes > 0)
        let (records, _) = decoder.decode(encoder.flush()[0])
        #expect(records == [.values(Self.sampleLists(count: 1)[0])])
    }

    @Test("fields are written only when they change") func fieldsAreWrittenOnlyWhenTheyChange() {
        let list = Self.sampleLists(count: 1)[0]
        var encoder = NetworkEncoder()
        _ = encoder.add(list)
        let first = encoder.pendingBytes
        _ = encoder.add(list)
        #expect(encoder.pendingBytes - first == 6 + 9 * list.values.count, "same identifier and time: values only")
        var next = list
        next.typeInstance = "user"
        _ = encoder.add(next)
        #expect(encoder.pendingBytes - first - 15 == 5 + 4 + 6 + 9, "a changed type instance, then the values")
        // A new datagram starts from empty fields: host, time, interval, plugin... are written again.
        let datagram = encoder.flush()[0]
        #expect(datagram.starts(with: [0x00, 0x00]))
    }

    @Test("many value lists split across datagrams of the configured size")
    func manyValueListsSplitAcrossDatagramsOfTheConfiguredSize() {
        let lists = Self.sampleLists(count: 5000)
        for maxSize in [1452, 512, 9000] {
            var encoder = NetworkEncoder(maxDatagramSize: maxSize)
            var datagrams: [[UInt8]] = []
            for list in lists { datagrams += encoder.add(.values(list)) }
            datagrams += encoder.flush()
            #expect(datagrams.allSatisfy { $0.count <= maxSize - 106 })
            // Datagrams are filled: all but the last leave less room than the next value list needs.
            #expect(datagrams.dropLast().allSatisfy { $0.count > maxSize - 106 - 200 })
            var decoder = NetworkDecoder()
            var decoded: [ValueList] = []
            for datagram in datagrams {
                for case .values(let list) in decoder.decode(datagram).records { decoded.append(list) }
            }
            #expect(decoded == lists)
        }
    }

    @Test("long strings are cut as collectds fields cut them") func longStringsAreCutAsCollectdsFieldsCutThem() {
        let longHost = String(repeating: "h", count: 126) + "é" + "tail"  // 'é' straddles byte 127.
        let list = ValueList(
            host: longHost,
            plugin: "p",
            type: "gauge",
            time: CollectdTime(wholeSeconds: 1),
            interval: CollectdTime(wholeSeconds: 10),
            values: [.gauge(1)]
        )
        var encoder = NetworkEncoder()
        _ = encoder.add(list)
        var decoder = NetworkDecoder()
        let records = decoder.decode(encoder.flush()[0]).records
        guard case .values(let decoded)? = records.first else {
            Issue.record("no value list")
            return
        }
        #expect(decoded.host == String(repeating: "h", count: 126))
        let message = String(repeating: "m", count: 300)
        let notification = Collectd.Notification(
            severity: .okay,
            time: CollectdTime(wholeSeconds: 1),
            message: message,
            host: "h"
        )
        let notificationRecords = decoder.decode(encoder.add(.notification(notification))[0]).records
        guard case .notification(let decodedNotification)? = notificationRecords.first else {
            Issue.record("no notification")
            return
        }
        #expect(decodedNotification.message == String(repeating: "m", count: 255))
    }

    @Test("records that cannot be sent are dropped and counted") func recordsThatCannotBeSentAreDroppedAndCounted() {
        var encoder = NetworkEncoder()
        var list = Self.sampleLists(count: 1)[0]
        list.values = []
        #expect(encoder.add(list).isEmpty)
        list.values = Array(repeating: .gauge(1), count: 200)
        #expect(encoder.add(list).isEmpty)
        #expect(encoder.droppedRecords == 2)
        #expect(encoder.flush().isEmpty)
    }

    /// collectd's own datagrams come out byte for byte when their records are encoded again: the same part order,
    /// the same "only when changed" rule, the same packing. (go-collectd's datagrams order parts differently.)
    @Test("reencoding collectd datagrams gives the same bytes", .needsShared("collectd/vectors"))
    func reencodingCollectdDatagramsGivesTheSameBytes() throws {
        var datagrams = try CollectdVectors.datagrams("collectd_libcollectdclient_network_parse_test.hex")
        datagrams.append(try CollectdVectors.datagrams("logstash_codec_collectd_spec.hex")[0])
        for (index, original) in datagrams.enumerated() {
            var decoder = NetworkDecoder()
            var encoder = NetworkEncoder()
            var encoded: [[UInt8]] = []
            for record in decoder.decode(original).records { encoded += encoder.add(record) }
            encoded += encoder.flush()
            #expect(encoded == [original], "datagram \(index)")
        }
    }

    @Test("sealed datagrams carry the security header") func sealedDatagramsCarryTheSecurityHeader() {
        let payload: [UInt8] = Array(NetworkRoundTripTests.sampleLists(count: 1).map { _ in [0, 1, 2] }.joined())
        let signed = EncoderSecurity.sign(user: "u", password: "p").seal(payload)
        #expect(signed.count == payload.count + 37)
        #expect(Array(signed.suffix(payload.count)) == payload)
        let encrypted = EncoderSecurity.encrypt(user: "u", password: "p").seal(payload)
        #expect(encrypted.count == payload.count + 43)
        #expect(EncoderSecurity.encrypt(user: "u", password: "p").seal(payload) != encrypted, "a fresh IV each time")
        #expect(EncoderSecurity.none.seal(payload) == payload)
        #expect(EncoderSecurity.sign(user: "user", password: "p").overhead == 40)
    }
}
