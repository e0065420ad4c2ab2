import CurlClient
import Foundation
import JSON
import MockListener
import TestSupport
import Testing
import VESModel

@Suite("Record file, JUnit report and semantic warnings")
struct RecordAndReportTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ves-listener-\(UUID().uuidString)-\(name)").path
    }

    @Test("each record line is on disk before the answer, and the JUnit report has one testcase per event")
    func recordAndJUnit() async throws {
        let recordPath = Self.temporaryPath("record.jsonl")
        let junitPath = Self.temporaryPath("report.xml")
        defer {
            try? FileManager.default.removeItem(atPath: recordPath)
            try? FileManager.default.removeItem(atPath: junitPath)
        }
        let (_, summary) = try await ListenerHarness.run(configure: {
            $0.recordPath = recordPath
            $0.junitPath = junitPath
        }) { harness in
            _ = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault(eventId: "1")))
            // the answer came back: the line must already be in the file
            let afterFirst = try String(contentsOfFile: recordPath, encoding: .utf8)
            #expect(afterFirst.split(separator: "\n").count == 1)
            _ = try await harness.post(
                "/eventListener/v1/eventBatch",
                json: SampleEvents.batch([
                    SampleEvents.measurement(eventId: "2"), SampleEvents.fault(eventId: "3", severity: "X"),
                ])
            )
            _ = try await harness.post("/eventListener/v1", json: "{broken")
            let lines = try String(contentsOfFile: recordPath, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 4)
            let parsed = try lines.map { try JSONParser().parse(String($0)) }
            #expect(parsed.map { $0["seq"] } == (1...4).map { JSONValue.integer(Int64($0)) })
            let keys = ["seq", "received_at", "path", "api_version", "topic", "status", "valid", "errors", "warnings"]
            for record in parsed {
                for key in keys { #expect(record[key] != nil, "record lacks \(key)") }
                #expect((record["event"] == nil) != (record["raw"] == nil))
            }
            #expect(parsed[3]["raw"] == .string("{broken"))
            // the in-memory view holds the same lines
            let served = try await harness.records()
            #expect(served.map { $0.jsonString() } == parsed.map { $0.jsonString() })
        }
        #expect(summary == ListenerSummary(events: 4, valid: 2, invalid: 2, rejected: 1))
        let xml = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(xml.contains(#"tests="4" failures="2""#))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 4)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 2)
        #expect(xml.contains("/eventList/1/faultFields/eventSeverity"))
        #expect(xml.contains("classname=\"ves.v1.measurementsForVfScaling\""))
        #expect(xml.contains("not valid JSON"))
    }

    @Test("the record keeps each event's bytes as sent: number spelling and member order")
    func eventKeptAsSent() async throws {
        let recordPath = Self.temporaryPath("asis.jsonl")
        defer { try? FileManager.default.removeItem(atPath: recordPath) }
        try await ListenerHarness.run(configure: { $0.recordPath = recordPath }) { harness in
            let single = SampleEvents.fault(eventId: "s").replacingFirst(#""version": 1.1"#, with: #""version": 1.10"#)
            _ = try await harness.post("/eventListener/v1", json: SampleEvents.body(single))
            let first = SampleEvents.fault(eventId: "b1").replacingFirst(#""version": 1.1"#, with: #""version": 11e-1"#)
            let multiLine = SampleEvents.fault(eventId: "b2").replacingFirst(", ", with: ",\n ")
            _ = try await harness.post("/eventListener/v1/eventBatch", json: SampleEvents.batch([first, multiLine]))
            let lines = try String(contentsOfFile: recordPath, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[0].contains(#""version": 1.10"#))
            #expect(lines[1].contains(#""version": 11e-1"#))
            // an event with line breaks inside is written again on one line
            #expect(
                try JSONParser().parse(String(lines[2]))["event"]?["commonEventHeader"]?["eventId"] == .string("b2")
            )
        }
    }

    @Test("the valid events of a refused batch, sent again without the bad one, are not 'already sent'")
    func refusedBatchLeavesNoMemory() async throws {
        try await ListenerHarness.run { harness in
            let good = SampleEvents.fault(eventId: "31", sequence: 1)
            let refused = try await harness.post(
                "/eventListener/v1/eventBatch",
                json: SampleEvents.batch([good, #"{"commonEventHeader": {}}"#])
            )
            #expect(refused.status == 400)
            let again = try await harness.post("/eventListener/v1/eventBatch", json: SampleEvents.batch([good]))
            #expect(again.status == 202)
            let records = try await harness.records("kind=event")
            #expect(records.count == 3)
            let last = records.last?["warnings"]?.arrayValue ?? []
            #expect(!last.contains { $0["message"]?.stringValue?.contains("already sent") == true })
            // a third copy, after one was taken, is a repeat
            _ = try await harness.post("/eventListener/v1/eventBatch", json: SampleEvents.batch([good]))
            let third = try await harness.records("kind=event").last?["warnings"]?.arrayValue ?? []
            #expect(third.contains { $0["message"]?.stringValue?.contains("eventId '31' was already sent") == true })
        }
    }

    @Test("semantic warnings: repeated eventId, sequence going back, epoch not in microseconds, last before start")
    func semanticWarnings() async throws {
        try await ListenerHarness.run { harness in
            _ = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.fault(eventId: "7", sequence: 5))
            )
            _ = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.fault(eventId: "7", sequence: 4))
            )
            _ = try await harness.post(
                "/eventListener/v1",
                json: SampleEvents.body(SampleEvents.measurement(eventId: "8", start: 1_764_030_000))
            )
            let backwards = SampleEvents.measurement(eventId: "9")
                .replacingFirst(
                    #""lastEpochMicrosec": 1764030020000000"#,
                    with: #""lastEpochMicrosec": 1764029000000000"#
                )
            _ = try await harness.post("/eventListener/v1", json: SampleEvents.body(backwards))
            let records = try await harness.records()
            #expect(records.allSatisfy { $0["valid"] == .bool(true) })
            func warnings(_ index: Int) -> [String] {
                (records[index]["warnings"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
            }
            #expect(warnings(0).isEmpty)
            #expect(warnings(1).contains { $0.contains("eventId '7' was already sent") })
            #expect(warnings(1).contains { $0.contains("sequence 4 goes back") })
            #expect(warnings(2).contains { $0.contains("looks like seconds") })
            #expect(warnings(3).contains { $0.contains("is before startEpochMicrosec") })
            let pointer = records[1]["warnings"]?[0]?["pointer"]?.stringValue
            #expect(pointer == "/commonEventHeader/eventId")
        }
    }

    @Test("HTTPS with --tls-cert/--tls-key, verified against the certificate")
    func https() async throws {
        let made = try await TestCertificate.make()
        let tls = try #require(made, "openssl could not make a test certificate")
        defer { tls.remove() }
        let certificate = tls.certificatePath
        let key = tls.keyPath
        try await ListenerHarness.run(
            configure: {
                $0.tlsCertificatePath = certificate
                $0.tlsKeyPath = key
            },
            client: CurlClientConfiguration(timeout: 20, verifyPeer: true, caCertificatePath: certificate)
        ) { harness in
            #expect(harness.baseURL.hasPrefix("https://"))
            let response = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(response.status == 202)
            // a client that trusts only the system store refuses the self-signed certificate
            let strict = CurlClient(configuration: CurlClientConfiguration(timeout: 20))
            await #expect(throws: CurlError.self) {
                try await strict.send(CurlRequest(method: "GET", url: harness.baseURL + "/healthz"))
            }
        }
    }
}

@Suite("Test control filters by version, source and namespace")
struct RecordFilterTests {
    static func withNamespace(_ event: String, _ namespace: String) -> String {
        event.replacingFirst(
            #""commonEventHeader": {"#,
            with: #""commonEventHeader": {"stndDefinedNamespace": ""# + namespace + #"", "#
        )
    }

    @Test("events, wait and stats narrow by api_version, source and namespace; JUnit names version/domain/source")
    func filters() async throws {
        let junitPath = RecordAndReportTests.temporaryPath("filters.xml")
        defer { try? FileManager.default.removeItem(atPath: junitPath) }
        try await ListenerHarness.run(configure: { $0.junitPath = junitPath }) { harness in
            let posts = [
                ("/eventListener/v1", SampleEvents.fault(eventId: "1", source: "host-a")),
                ("/eventListener/v5", SampleEventsV7.faultV5(eventId: "2", source: "host-b")),
                ("/eventListener/v1", Self.withNamespace(SampleEvents.fault(eventId: "3", source: "host-b"), "3GPP-X")),
            ]
            for (path, event) in posts {
                #expect(try await harness.post(path, json: SampleEvents.body(event)).status == 202)
            }
            let eventIds: (String) async throws -> [String] = { query in
                try await harness.records(query).compactMap {
                    $0["event"]?["commonEventHeader"]?["eventId"]?.stringValue
                }
            }
            #expect(try await eventIds("api_version=v5") == ["2"])
            #expect(try await eventIds("api_version=v1") == ["1", "3"])
            #expect(try await eventIds("source=host-b") == ["2", "3"])
            #expect(try await eventIds("namespace=3GPP-X") == ["3"])
            #expect(try await eventIds("source=host-b&api_version=v1") == ["3"])
            #expect(try await eventIds("source=nobody").isEmpty)
            #expect(try await harness.get("/testControl/v1/wait?count=2&source=host-b&timeout=5").status == 200)
            #expect(try await harness.get("/testControl/v1/wait?count=1&namespace=3GPP-Y&timeout=0.2").status == 408)

            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["byVersion"]?["v1"]?["total"] == 2)
            #expect(stats["byVersion"]?["v5"]?["total"] == 1)
            #expect(stats["byNamespace"]?["3GPP-X"]?["total"] == 1)
            #expect(stats["byNamespace"]?["3GPP-X"]?["valid"] == 1)
        }
        let xml = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(xml.contains(#"classname="ves.v5.fault" name="v5/fault/host-b #2 eventId 2""#))
        #expect(xml.contains(#"name="v1/fault/host-a #1 eventId 1""#))
    }
}
