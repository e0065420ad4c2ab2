import CurlClient
import JSON
import JSONSchema
import Testing
import VESModel

@testable import MockListener

/// Issue 16: the page at `/`, its files and its data routes under `/testControl/v1/ui/...`.
@Suite("Web view: the page, its data routes, its stream and their protection")
struct WebViewTests {
    static func ui(_ harness: ListenerHarness, _ path: String, username: String? = nil) async throws -> CurlResponse {
        try await harness.client.send(
            CurlRequest(
                method: "GET",
                url: harness.baseURL + "/testControl/v1/ui/" + path,
                username: username,
                password: username.map { _ in "pw" }
            )
        )
    }

    static func json(_ harness: ListenerHarness, _ path: String) async throws -> JSONValue {
        let response = try await ui(harness, path)
        #expect(response.status == 200, "\(path): \(response.text)")
        #expect(response.header("Cache-Control") == "no-store")
        return try JSONParser().parse(response.body)
    }

    static func seqs(_ page: JSONValue) -> [Int64] {
        (page["rows"]?.arrayValue ?? []).compactMap { $0["seq"]?.intValue }
    }

    @Test("the page and its files are served with their types and a strict Content-Security-Policy, also under --path")
    func pageAndFiles() async throws {
        try await ListenerHarness.run(configure: { $0.pathPrefix = ["ves"] }) { harness in
            for (path, type) in [
                ("/", "text/html"), ("/ves/", "text/html"), ("/ui/app.js", "text/javascript"),
                ("/ves/ui/app.js", "text/javascript"), ("/ves/ui/app.css", "text/css"),
            ] {
                let response = try await harness.get(path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Type")?.hasPrefix(type) == true, "\(path)")
                let policy = response.header("Content-Security-Policy") ?? ""
                #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"), "\(path)")
                #expect(!policy.contains("unsafe-inline"))
                #expect(response.header("Cache-Control") == "no-cache")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
            }
            let html = try await harness.get("/").text
            // no inline script or style, and nothing from another origin
            #expect(html.contains(#"<script type="module" src="ui/app.js"></script>"#))
            #expect(!html.contains("<script>") && !html.contains("<style") && !html.contains("style=\""))
            #expect(!html.contains("http://") && !html.contains("https://"))
            #expect(try await harness.get("/ui/nothing.js").status == 404)
            #expect(try await harness.post("/", json: "{}").status == 405)
        }
    }

    @Test("rows page newest first and filter by version, domain, source, verdict and text")
    func rows() async throws {
        try await ListenerHarness.run { harness in
            for index in 1...6 {
                let body = SampleEvents.body(SampleEvents.fault(eventId: "f\(index)", source: "host-\(index % 2)"))
                #expect(try await harness.post("/eventListener/v1", json: body).status == 202)
            }
            let invalid = SampleEvents.body(SampleEvents.fault(eventId: "bad-1", severity: "LOUD"))
            #expect(try await harness.post("/eventListener/v1", json: invalid).status == 400)
            let v7 = SampleEvents.body(SampleEventsV7.heartbeat(eventId: "hb-7", source: "du-7"))
            #expect(try await harness.post("/eventListener/v7", json: v7).status == 202)

            let all = try await Self.json(harness, "events")
            #expect(Self.seqs(all) == [8, 7, 6, 5, 4, 3, 2, 1])
            let top = all["rows"]?[0]
            #expect(top?["version"]?.stringValue == "v7")
            #expect(top?["domain"]?.stringValue == "heartbeat")
            #expect(top?["source"]?.stringValue == "du-7")
            #expect(top?["eventName"]?.stringValue == "heartbeat_lab")
            #expect(all["rows"]?[1]?["valid"] == .bool(false))
            #expect(all["rows"]?[1]?["errors"]?.intValue ?? 0 > 0)
            // 1.1 has no eventName: the row shows its eventType
            #expect(all["rows"]?[2]?["eventName"]?.stringValue == "Fault")

            #expect(Self.seqs(try await Self.json(harness, "events?valid=false")) == [7])
            #expect(Self.seqs(try await Self.json(harness, "events?version=v7")) == [8])
            #expect(Self.seqs(try await Self.json(harness, "events?domain=fault&source=host-1")) == [5, 3, 1])
            #expect(Self.seqs(try await Self.json(harness, "events?q=BAD-1")) == [7])
            #expect(Self.seqs(try await Self.json(harness, "events?q=eventSeverity")).count == 7)

            let first = try await Self.json(harness, "events?limit=3")
            #expect(Self.seqs(first) == [8, 7, 6])
            #expect(first["more"] == .bool(true))
            #expect(first["next_before"]?.intValue == 6)
            let second = try await Self.json(harness, "events?limit=3&before=6")
            #expect(Self.seqs(second) == [5, 4, 3])
            let last = try await Self.json(harness, "events?limit=3&before=3")
            #expect(Self.seqs(last) == [2, 1])
            #expect(last["more"] == .bool(false))

            for bad in ["events?limit=501", "events?limit=0", "events?before=x", "events?valid=maybe", "events/0"] {
                #expect(try await Self.ui(harness, bad).status == 400, "\(bad)")
            }
            #expect(try await Self.ui(harness, "events/999").status == 404)
            #expect(try await Self.ui(harness, "nothing").status == 404)
        }
    }

    @Test("paging and text search over 30,000 records in memory read only what a page needs")
    func manyRecords() throws {
        let store = try RecordStore(recordPath: nil, maxRecordsInMemory: 30_000)
        let event = try JSONParser().parse(SampleEvents.fault(eventId: "many"))
        let needle = try JSONParser().parse(SampleEvents.fault(eventId: "needle-in-the-haystack"))
        var drafts: [EventRecord] = []
        for index in 1...30_500 {
            drafts.append(
                EventRecord(
                    kind: .event,
                    path: "/eventListener/v1",
                    route: nil,
                    status: index % 10 == 0 ? 400 : 202,
                    errors: index % 10 == 0 ? [Violation(pointer: "/event/x", message: "bad", keyword: "x")] : [],
                    warnings: [],
                    event: index == 100 || index == 30_000 ? needle : event,
                    raw: nil
                )
            )
        }
        try store.append(drafts)
        // the oldest 500 were forgotten; newest first, 500 to a page at most
        let page = store.webPage(matching: RecordFilter(), before: nil, limit: 500, search: nil)
        #expect(page.rows.first?.seq == 30_500 && page.rows.last?.seq == 30_001 && page.more)
        let invalid = store.webPage(matching: RecordFilter(valid: false), before: 20_005, limit: 3, search: nil)
        #expect(invalid.rows.map(\.seq) == [20_000, 19_990, 19_980])
        // the text search looks through every record, in chunks, and finds the one left (seq 100 was forgotten)
        let found = store.webPage(matching: RecordFilter(), before: nil, limit: 10, search: TextSearch("NEEDLE-in"))
        #expect(found.rows.map(\.seq) == [30_000])
        #expect(!found.more)
        #expect(store.entry(seq: 30_000)?.eventId == "needle-in-the-haystack")
        #expect(store.entry(seq: 400) == nil)
        let oldest = store.webPage(matching: RecordFilter(), before: 510, limit: 500, search: nil)
        #expect(oldest.rows.map(\.seq) == Array((501...509).reversed()))
    }

    @Test("an event's detail holds its JSON, its errors with their pointers, its warnings, or the raw body")
    func detail() async throws {
        try await ListenerHarness.run { harness in
            let invalid = SampleEvents.body(SampleEvents.fault(eventId: "bad-1", severity: "LOUD"))
            #expect(try await harness.post("/eventListener/v1", json: invalid).status == 400)
            #expect(try await harness.post("/eventListener/v1", json: "{not json").status == 400)

            let record = try await Self.json(harness, "events/1")
            #expect(record["seq"]?.intValue == 1)
            #expect(record["event"]?["commonEventHeader"]?["eventId"]?.stringValue == "bad-1")
            let pointers = (record["errors"]?.arrayValue ?? []).compactMap { $0["pointer"]?.stringValue }
            #expect(pointers.contains("/event/faultFields/eventSeverity"), "\(pointers)")
            #expect(record["errors"]?[0]?["message"]?.stringValue?.isEmpty == false)
            #expect(record["warnings"]?.arrayValue != nil)

            let rejected = try await Self.json(harness, "events/2")
            #expect(rejected["raw"]?.stringValue == "{not json")
            #expect(rejected["kind"]?.stringValue == "rejected")
        }
    }

    @Test("the summary counts what was posted and says what --strict would; series chart measurement values")
    func summaryAndSeries() async throws {
        try await ListenerHarness.run { harness in
            for (index, start) in [Int64(1_764_030_000_000_000), 1_764_030_020_000_000].enumerated() {
                let body = SampleEvents.body(
                    SampleEvents.measurement(eventId: "m\(index)", source: "vm-1", start: start)
                )
                #expect(try await harness.post("/eventListener/v1", json: body).status == 202)
            }
            let before = try await Self.json(harness, "summary")
            #expect(before["verdict"]?["strictExitStatus"]?.intValue == 0)
            #expect(before["verdict"]?["conformant"] == .bool(true))
            let invalid = SampleEvents.body(SampleEvents.fault(eventId: "bad-1", severity: "LOUD"))
            #expect(try await harness.post("/eventListener/v1", json: invalid).status == 400)
            let summary = try await Self.json(harness, "summary")
            #expect(summary["events"]?.intValue == 3)
            #expect(summary["byDomain"]?["measurementsForVfScaling"]?["valid"]?.intValue == 2)
            #expect(summary["byDomain"]?["fault"]?["invalid"]?.intValue == 1)
            #expect(summary["byStatus"]?["202"]?.intValue == 2)
            #expect(summary["verdict"]?["strictExitStatus"]?.intValue == 1)
            #expect(summary["verdict"]?["text"]?.stringValue?.contains("1 of 3") == true)
            #expect(summary["sources"]?.arrayValue == [.string("compute-0"), .string("vm-1")])
            #expect(summary["measurementSources"]?.arrayValue == [.string("vm-1")])
            let perSecond = summary["rate"]?["perSecond"]?.arrayValue ?? []
            #expect(perSecond.compactMap { $0["count"]?.intValue }.reduce(0, +) == 3)

            let series = try await Self.json(harness, "series")
            #expect(series["source"]?.stringValue == "vm-1")
            let points = series["points"]?.arrayValue ?? []
            #expect(points.count == 2)
            #expect(points.first?["seq"]?.intValue == 1)
            #expect(points.first?["values"]?["cpuUsage"]?.doubleValue == 12.5)
            #expect(points.first?["values"]?["memoryUsed"]?.doubleValue == 512)
            #expect(points.last?["time"]?.doubleValue == 1_764_030_040_000)
            #expect(series["fields"]?.arrayValue?.contains(.string("cpuUsage")) == true)
            #expect(try await Self.json(harness, "series?source=nobody")["points"]?.arrayValue == [])
        }
    }

    @Test("measurement values are read the way each version writes them")
    func measurementValues() throws {
        let v7 = try JSONParser().parse(
            """
            {"measurementFields": {"cpuUsageArray": [{"cpuIdentifier": "0", "percentUsage": 10}, \
            {"cpuIdentifier": "1", "percentUsage": 30}], "memoryUsageArray": [{"vmIdentifier": "a", "memoryUsed": 5, \
            "memoryFree": 1}], "nicPerformanceArray": [{"nicIdentifier": "eth0", "receivedOctetsDelta": 100, \
            "transmittedOctetsAccumulated": 7, "valuesAreSuspect": "false"}], "loadArray": [{"shortTerm": 0.5, \
            "midTerm": 0.25}], "additionalMeasurements": [{"name": "disk", "hashMap": {"read": "12", "state": "ok"}}]}}
            """
        )
        let values = Dictionary(uniqueKeysWithValues: MeasurementValues.of(v7).map { ($0.name, $0.value) })
        #expect(
            values == [
                "cpuUsage": 20, "memoryUsed": 5, "nicReceivedOctets": 100, "nicTransmittedOctets": 7,
                "loadShortTerm": 0.5, "loadMidTerm": 0.25, "additional:disk/read": 12,
            ]
        )
        let v5 = try JSONParser().parse(
            """
            {"measurementsForVfScalingFields": {"vNicPerformanceArray": [{"vNicIdentifier": "eth0", \
            "receivedOctetsAccumulated": 9, "valuesAreSuspect": "false"}], "additionalMeasurements": [{"name": "g", \
            "arrayOfFields": [{"name": "f", "value": "1.5"}]}]}}
            """
        )
        let values5 = Dictionary(uniqueKeysWithValues: MeasurementValues.of(v5).map { ($0.name, $0.value) })
        #expect(values5 == ["nicReceivedOctets": 9, "additional:g/f": 1.5])
        let v1 = try JSONParser().parse(
            """
            {"measurementsForVfScalingFields": {"vNicUsageArray": [{"vNicIdentifier": "a", "bytesIn": 3, \
            "bytesOut": 4}, {"vNicIdentifier": "b", "bytesIn": 5, "bytesOut": 6}], "additionalMeasurements": \
            [{"name": "g", "measurements": [{"name": "f", "value": "x"}, {"name": "h", "value": "2"}]}]}}
            """
        )
        let values1 = Dictionary(uniqueKeysWithValues: MeasurementValues.of(v1).map { ($0.name, $0.value) })
        #expect(values1 == ["nicReceivedOctets": 8, "nicTransmittedOctets": 10, "additional:g/h": 2])
    }

    @Test("the stream says hello, delivers an event posted after subscribing, and ends when the listener stops")
    func stream() async throws {
        let (connection, _) = try await ListenerHarness.run { harness in
            let connection = try RawConnection(port: harness.port)
            try connection.send(
                "GET /testControl/v1/ui/stream HTTP/1.1\r\nHost: 127.0.0.1:\(harness.port)\r\n\r\n"
            )
            let hello = try await connection.receive(until: "event: hello")
            #expect(hello.contains("text/event-stream"))
            #expect(hello.contains(#""lastSeq":0"#))
            let body = SampleEvents.body(SampleEvents.fault(eventId: "streamed-1"))
            #expect(try await harness.post("/eventListener/v1", json: body).status == 202)
            let update = try await connection.receive(until: #""eventId":"streamed-1""#)
            #expect(update.contains("event: update"))
            #expect(update.contains(#""lastSeq":1"#))
            // left open: the listener's graceful stop must end the stream rather than wait for the page
            return connection
        }
        defer { connection.close() }
        // the run returned, and the server closed the stream's connection (chunked encoding's last chunk first)
        #expect(try await connection.receiveAll().hasSuffix("0\r\n\r\n"))
    }

    @Test("closing the hub ends its streams and refuses new ones, so a shutdown is not held up")
    func streamsEndAtClose() async throws {
        let store = try RecordStore(recordPath: nil)
        let hub = WebViewHub(store: store)
        let stream = try #require(hub.subscribe())
        #expect(hub.subscriberCount == 1)
        hub.close()
        var messages = 0
        for await _ in stream { messages += 1 }
        #expect(messages == 1)  // the hello
        #expect(hub.subscribe() == nil)
    }

    @Test("at most maxSubscribers pages follow the stream; one more is refused until one leaves")
    func subscriberCap() throws {
        let hub = WebViewHub(store: try RecordStore(recordPath: nil))
        defer { hub.close() }
        var streams = (0..<WebViewHub.maxSubscribers).compactMap { _ in hub.subscribe() }
        #expect(streams.count == WebViewHub.maxSubscribers)
        #expect(hub.subscribe() == nil)
        streams.removeLast()  // its stream ends: the slot is free again
        #expect(hub.subscriberCount == WebViewHub.maxSubscribers - 1)
        #expect(hub.subscribe() != nil)
    }

    @Test("the data routes follow /testControl's protection; the page itself needs none")
    func protection() async throws {
        try await ListenerHarness.run(configure: { $0.credentials = Credentials(username: "ves", password: "pw") }) {
            harness in
            #expect(try await harness.get("/").status == 200)
            #expect(try await harness.get("/ui/app.js").status == 200)
            for path in ["events", "events/1", "summary", "series", "stream", "record", "junit"] {
                let refused = try await Self.ui(harness, path)
                #expect(refused.status == 401, "\(path)")
                #expect(refused.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            }
            #expect(try await Self.ui(harness, "summary", username: "ves").status == 200)
            let record = try await Self.ui(harness, "record", username: "ves")
            #expect(record.status == 200)
            #expect(record.header("Content-Disposition")?.contains("attachment") == true)
            let junit = try await Self.ui(harness, "junit", username: "ves")
            #expect(junit.text.contains("<testsuites"))
            // a page behind another DNS name does not get the data either
            let rebound = try await harness.client.send(
                CurlRequest(
                    method: "GET",
                    url: harness.baseURL + "/testControl/v1/ui/events",
                    headers: [(name: "Host", value: "evil.example:\(harness.port)")],
                    username: "ves",
                    password: "pw"
                )
            )
            #expect(rebound.status == 421)
        }
    }
}
