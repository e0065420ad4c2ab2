import Collectd
import Foundation
import Testing

/// Value lists with times collectd's text formats keep exactly (milliseconds).
func textSampleLists() -> [ValueList] {
    let time = CollectdTime(seconds: 1_414_372_779.057)
    let interval = CollectdTime(seconds: 10)
    return [
        ValueList(
            host: "localhost",
            plugin: "cpu",
            pluginInstance: "0",
            type: "cpu",
            typeInstance: "idle",
            time: time,
            interval: interval,
            values: [.derive(5_000_000_000)]
        ),
        ValueList(
            host: "localhost",
            plugin: "interface",
            pluginInstance: "eth0",
            type: "if_octets",
            time: time,
            interval: interval,
            values: [.derive(-1), .derive(Int64.max)]
        ),
        ValueList(
            host: "localhost",
            plugin: "load",
            type: "load",
            time: time,
            interval: CollectdTime(seconds: 0.5),
            values: [.gauge(0.1), .gauge(.nan), .gauge(1e-300)]
        ),
        ValueList(
            host: "h \"quoted\" \\ host",
            plugin: "exec",
            pluginInstance: "with-dash",
            type: "counter",
            typeInstance: "x/y-z",
            time: CollectdTime(seconds: 1_700_000_000),
            interval: interval,
            values: [.counter(UInt64.max)]
        ),
        ValueList(
            host: "ünïcödé",
            plugin: "p",
            type: "absolute",
            time: CollectdTime(seconds: 1.001),
            interval: interval,
            values: [.absolute(42)]
        ),
        ValueList(
            host: "h",
            plugin: "memory",
            type: "memory",
            typeInstance: "used",
            time: time,
            interval: interval,
            values: [.gauge(0.30000000000000004)]
        ),
    ]
}

func textSampleNotifications() -> [Collectd.Notification] {
    [
        Collectd.Notification(
            severity: .warning,
            time: CollectdTime(seconds: 1_433_260_794),
            message: "Test Message",
            host: "test.example.com",
            plugin: "load",
            pluginInstance: "1",
            type: "load",
            typeInstance: "nice"
        ),
        Collectd.Notification(
            severity: .failure,
            time: CollectdTime(seconds: 1_700_000_000.5),
            message: "line one\nline \"two\"\ttabbed \u{1}",
            host: "compute-0"
        ),
        Collectd.Notification(
            severity: .okay,
            time: CollectdTime(seconds: 1_700_000_001),
            message: "ok",
            host: "compute-0",
            plugin: "cpu",
            type: "percent",
            typeInstance: "idle"
        ),
    ]
}

@Suite("collectd JSON as write_http writes it") struct CollectdJSONTests {
    let types = TypesDB.builtIn

    @Test("writes value lists as write HTTP does") func writesValueListsAsWriteHTTPDoes() {
        let line = CollectdJSON.encode(.values(textSampleLists()[1]), typesDB: types)
        #expect(
            line
                == #"{"values":[-1,9223372036854775807],"dstypes":["derive","derive"],"dsnames":["rx","tx"],"#
                + #""time":1414372779.057,"interval":10.000,"host":"localhost","plugin":"interface","#
                + #""plugin_instance":"eth0","type":"if_octets","type_instance":""}"#
        )
        let load = CollectdJSON.encode(.values(textSampleLists()[2]), typesDB: types, receiveTime: 1_414_372_780.25)
        #expect(load.contains(#""values":[0.1,null,1e-300]"#))
        #expect(load.contains(#""interval":0.500"#))
        #expect(load.hasSuffix(#","recv_time":1414372780.250000}"#))
    }

    @Test("value lists and notifications round trip") func valueListsAndNotificationsRoundTrip() throws {
        var records = textSampleLists().map(CollectdRecord.values)
        records += textSampleNotifications().map(CollectdRecord.notification)
        for record in records {
            let line = CollectdJSON.encode(record, typesDB: types, receiveTime: 1_700_000_000.123456)
            let (decoded, receiveTime) = try CollectdJSON.decodeEntry(line: Substring(line), typesDB: types)
            #expect(decoded == [record], "\(line)")
            #expect(receiveTime == 1_700_000_000.123456)
            // The line is JSON any reader takes, and the reference runner's keys are there.
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] != nil)
            if case .notification = record {
                #expect(["warning", "failure", "okay"].contains(object?["severity"] as? String))
            }
        }
        let array = CollectdJSON.encodeArray(records, typesDB: types)
        #expect(try CollectdJSON.decode(line: array, typesDB: types) == records)
    }

    @Test("reads what collectd writes") func readsWhatCollectdWrites() throws {
        let line =
            #"[{"values":[1901474177],"dstypes":["counter"],"dsnames":["value"],"time":1280959128.000,"#
            + #""interval":10.000,"host":"leeloo.octo.it","plugin":"cpu","plugin_instance":"0","type":"cpu","#
            + #""type_instance":"idle"},{"values":[null,2.5],"dstypes":["gauge","derive"],"dsnames":["a","b"],"#
            + #""time":1.5,"interval":10,"host":"h","plugin":"p","plugin_instance":"","type":"t","type_instance":"",""#
            + #"meta":{"network:received":true}}]"#
        let records = try CollectdJSON.decode(line: line, typesDB: types)
        #expect(records.count == 2)
        guard case .values(let first) = records[0], case .values(let second) = records[1] else {
            Issue.record("expected value lists")
            return
        }
        #expect(first.values == [.counter(1_901_474_177)])
        #expect(first.time == CollectdTime(wholeSeconds: 1_280_959_128))
        #expect(first.identifier == "leeloo.octo.it/cpu-0/cpu-idle")
        // null is a NaN gauge; a fractional derive (write_http with StoreRates true) stays a gauge.
        #expect(second.values == [.gauge(.nan), .gauge(2.5)])
    }

    @Test("types come from the types DB when dstypes are missing") func typesComeFromTheTypesDBWhenDstypesAreMissing()
        throws
    {
        let line = #"{"values":[1,2],"time":10,"host":"h","plugin":"interface","type":"if_octets"}"#
        let records = try CollectdJSON.decode(line: line, typesDB: types)
        guard case .values(let list)? = records.first else {
            Issue.record("no value list")
            return
        }
        #expect(list.values == [.derive(1), .derive(2)])
        #expect(list.interval == CollectdTime(wholeSeconds: 10), "the reference runner's default interval")
        let unknown = try CollectdJSON.decode(
            line: #"{"values":[3],"time":10,"plugin":"x","type":"mystery"}"#,
            typesDB: types
        )
        guard case .values(let mystery)? = unknown.first else { return }
        #expect(mystery.values == [.gauge(3)])
        #expect(CollectdJSON.encode(unknown[0], typesDB: types).contains(#""dsnames":["value"]"#))
    }

    @Test("reads write_http's notification shape") func readsWriteHTTPsNotificationShape() throws {
        let line =
            #"[{"labels":{"alertname":"collectd_cpu_percent","instance":"compute-0","cpu":"0","type":"idle","#
            + #""severity":"FAILURE","service":"collectd"},"annotations":{"summary":"CPU idle too low"},"#
            + #""startsAt":"2023-11-14T22:13:20.500000000Z"}]"#
        let records = try CollectdJSON.decode(line: line, typesDB: types)
        #expect(
            records == [
                .notification(
                    Collectd.Notification(
                        severity: .failure,
                        time: CollectdTime(seconds: 1_700_000_000.5),
                        message: "CPU idle too low",
                        host: "compute-0",
                        plugin: "cpu",
                        pluginInstance: "0",
                        type: "percent",
                        typeInstance: "idle"
                    )
                )
            ]
        )
        // What encodeAlert writes reads back; df's type starts with the plugin name, interface's does not.
        let alerts = [
            Collectd.Notification(
                severity: .warning,
                time: CollectdTime(seconds: 1_700_000_000.25),
                message: "df",
                host: "h",
                plugin: "df",
                pluginInstance: "root",
                type: "df_complex",
                typeInstance: "used"
            ),
            Collectd.Notification(
                severity: .okay,
                time: CollectdTime(seconds: 1_700_000_000),
                message: "if",
                host: "h",
                plugin: "interface",
                pluginInstance: "eth0",
                type: "if_octets"
            ),
            Collectd.Notification(
                severity: .failure,
                time: CollectdTime(seconds: 1_700_000_000),
                message: "load",
                host: "h",
                plugin: "load",
                type: "load"
            ),
        ]
        for alert in alerts {
            let text = CollectdJSON.encodeAlert(alert)
            #expect(try CollectdJSON.decode(line: text, typesDB: types) == [.notification(alert)], "\(text)")
        }
        #expect(CollectdJSON.encodeAlert(alerts[0]).contains(#""startsAt":"2023-11-14T22:13:20.250000000Z""#))
        #expect(CollectdJSON.encodeAlert(alerts[1]).contains(#""alertname":"collectd_interface_if_octets""#))
    }

    @Test("bad lines give errors a person can act") func badLinesGiveErrorsAPersonCanAct() {
        let cases: [(String, String)] = [
            ("{not json", "json.syntax"),
            ("42", "json.shape"),
            ("[1]", "json.shape"),
            (#"{"plugin":"p","type":"t"}"#, "json.field"),
            (#"{"values":[1],"type":"t"}"#, "json.field"),
            (#"{"values":[1],"dstypes":["gauge","gauge"],"plugin":"p","type":"t"}"#, "json.field"),
            (#"{"values":["x"],"plugin":"p","type":"t"}"#, "json.field"),
            (#"{"severity":"bad","time":1,"message":"m"}"#, "json.field"),
            (#"{"values":[1],"plugin":"p","type":"t","time":"soon"}"#, "json.field"),
            (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "json.syntax"),
        ]
        for (line, code) in cases {
            do {
                _ = try CollectdJSON.decode(line: line, typesDB: types)
                Issue.record("\(line) was accepted")
            } catch {
                #expect(error.code.rawValue == code, "\(line): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }
}

@Suite("PUTVAL and PUTNOTIF text") struct PutvalTextTests {
    let types = TypesDB.builtIn
    let now = CollectdTime(seconds: 1_700_000_000)

    @Test("parses exec style lines") func parsesExecStyleLines() throws {
        let records = try PutvalText.parse(
            line: #"PUTVAL "myhost/cpu-0/cpu-idle" interval=10 1414372779.057:123 N:124"#,
            typesDB: types,
            now: now
        )
        let expected = ValueList(
            host: "myhost",
            plugin: "cpu",
            pluginInstance: "0",
            type: "cpu",
            typeInstance: "idle",
            time: CollectdTime(seconds: 1_414_372_779.057),
            interval: CollectdTime(wholeSeconds: 10),
            values: [.derive(123)]
        )
        var second = expected
        second.time = now
        second.values = [.derive(124)]
        #expect(records == [.values(expected), .values(second)])

        let load = try PutvalText.parse(line: "putval host/load/load N:0.5:U:1e2", typesDB: types, now: now)
        guard case .values(let loadList)? = load.first else {
            Issue.record("no value list")
            return
        }
        #expect(loadList.values == [.gauge(0.5), .gauge(.nan), .gauge(100)])
        #expect(loadList.interval == CollectdTime(wholeSeconds: 10))

        let quoted = try PutvalText.parse(
            line: #"PUTVAL "my host/df-var lib/df_complex-used" interval="20.5" 1700000000:5"#,
            typesDB: types,
            now: now
        )
        guard case .values(let df)? = quoted.first else {
            Issue.record("no value list")
            return
        }
        #expect(df.host == "my host")
        #expect(df.pluginInstance == "var lib")
        #expect(df.typeInstance == "used")
        #expect(df.interval == CollectdTime(seconds: 20.5))
    }

    @Test("parses notifications") func parsesNotifications() throws {
        let records = try PutvalText.parse(
            line: #"PUTNOTIF severity=WARNING time=1433260794 host=test.example.com plugin=load "#
                + #"plugin_instance=1 type=load type_instance=nice message="Test Message""#,
            typesDB: types,
            now: now
        )
        #expect(records == [.notification(textSampleNotifications()[0])])
    }

    @Test("format then parse is the identity") func formatThenParseIsTheIdentity() throws {
        var records = textSampleLists().map(CollectdRecord.values)
        records += textSampleNotifications().map(CollectdRecord.notification)
        for record in records {
            let line = PutvalText.format(record)
            #expect(try PutvalText.parse(line: line, typesDB: types, now: now) == [record], "\(line)")
        }
        #expect(
            PutvalText.format(.values(textSampleLists()[2]))
                == #"PUTVAL "localhost/load/load" interval=0.500 1414372779.057:0.1:U:1e-300"#
        )
    }

    @Test("bad lines give errors a person can act") func badLinesGiveErrorsAPersonCanAct() {
        let cases: [(String, String)] = [
            ("LISTVAL", "putval.command"),
            ("PUTVAL host/cpu/cpu", "putval.syntax"),
            ("PUTVAL host-only N:1", "putval.identifier"),
            ("PUTVAL h/p/no_such_type N:1", "putval.type"),
            ("PUTVAL h/load/load N:1:2", "putval.values"),
            ("PUTVAL h/cpu/cpu N:1.5", "putval.values"),
            ("PUTVAL h/cpu/cpu yesterday:1", "putval.time"),
            ("PUTVAL h/cpu/cpu interval=soon N:1", "putval.option"),
            ("PUTVAL h/cpu/cpu colour=red N:1", "putval.option"),
            (#"PUTVAL "h/cpu/cpu N:1"#, "putval.syntax"),
            ("PUTNOTIF time=1 message=x", "putnotif.option"),
            ("PUTNOTIF severity=okay message=x", "putnotif.option"),
            ("PUTNOTIF severity=okay time=1", "putnotif.option"),
            ("PUTNOTIF severity=okay time=1 message=two words", "putnotif.syntax"),
            ("PUTNOTIF severity=fatal time=1 message=x", "putnotif.option"),
        ]
        for (line, code) in cases {
            do {
                _ = try PutvalText.parse(line: line, typesDB: types, now: now)
                Issue.record("\(line) was accepted")
            } catch {
                #expect(error.code.rawValue == code, "\(line): \(error)")
            }
        }
    }
}

@Suite("collectd time") struct CollectdTimeTests {
    @Test("conversions follow collectd") func conversionsFollowCollectd() {
        #expect(CollectdTime(seconds: 10).raw == 10 << 30)
        #expect(CollectdTime(wholeSeconds: 3).seconds == 3)
        #expect(CollectdTime(seconds: -1) == .zero)
        #expect(CollectdTime(seconds: .nan) == .zero)
        #expect(CollectdTime(seconds: .infinity).raw == .max)
        #expect(CollectdTime(seconds: 0.1).raw == 107_374_182)  // Truncated, as DOUBLE_TO_CDTIME_T truncates.
        #expect(CollectdTime(raw: 1_518_671_207_600_677_015).description == "1414372779.057")
        #expect(CollectdTime(raw: .max).description == "17179869184.000")
        #expect(CollectdTime(raw: 1).description == "0.000")
        #expect(CollectdTime(raw: 536_870_912).description == "0.500")
        // printf's %.3f rounds exact ties to even: 1/16 s is 0.0625, 3/16 s is 0.1875.
        #expect(CollectdTime(raw: 1 << 26).description == "0.062")
        #expect(CollectdTime(raw: 3 << 26).description == "0.188")
        #expect(CollectdTime(seconds: 0.0015).description == "0.001", "0.0015 s truncates to just below")
        let now = CollectdTime.now()
        #expect(abs(now.seconds - Date().timeIntervalSince1970) < 5)
        #expect(CollectdTime(raw: 1) < CollectdTime(raw: 2))
    }
}
