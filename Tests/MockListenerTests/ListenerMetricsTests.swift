import CurlClient
import Foundation
import MockListener
import TestSupport
import Testing

@Suite("/metrics on the listener: counts by version, domain, verdict, route and status")
struct ListenerMetricsTests {
    func scrape(_ harness: ListenerHarness) async throws -> PrometheusText {
        let response = try await harness.get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(response.text)
    }

    @Test("events of each version, valid, invalid and rejected, move their counters by exactly what was posted")
    func eventCounters() async throws {
        let recordPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ves-metrics-\(UUID().uuidString).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: recordPath) }
        try await ListenerHarness.run(configure: { $0.recordPath = recordPath }) { harness in
            let before = try await scrape(harness)
            #expect(
                try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault())).status == 202
            )
            let batch = SampleEvents.batch([
                SampleEvents.measurement(eventId: "m1"), SampleEvents.measurement(eventId: "m2"),
            ])
            #expect(try await harness.post("/eventListener/v1/eventBatch", json: batch).status == 202)
            let v5 = try await harness.post("/eventListener/v5", json: SampleEvents.body(SampleEventsV7.faultV5()))
            #expect(v5.status == 202)
            #expect(
                try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEventsV7.fault())).status
                    == 202
            )
            // a 1.1 event on v7: invalid there
            #expect(
                try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEvents.fault())).status == 400
            )
            // not JSON: rejected before a domain could be read
            #expect(try await harness.post("/eventListener/v7", json: "{not json").status == 400)
            // a domain no VES version has counts under other
            let made = SampleEventsV7.fault().replacingOccurrences(
                of: "\"domain\": \"fault\"",
                with: "\"domain\": \"x9\""
            )
            #expect(made.contains("x9"))
            #expect(try await harness.post("/eventListener/v7", json: SampleEvents.body(made)).status == 400)
            #expect(try await harness.get("/nowhere").status == 404)

            let after = try await scrape(harness)
            func delta(_ labels: [String: String]) -> Double {
                after.value("ves_listener_events_total", labels) - before.value("ves_listener_events_total", labels)
            }
            #expect(delta(["version": "v1", "domain": "fault", "verdict": "valid"]) == 1)
            #expect(delta(["version": "v1", "domain": "measurementsForVfScaling", "verdict": "valid"]) == 2)
            #expect(delta(["version": "v5", "domain": "fault", "verdict": "valid"]) == 1)
            #expect(delta(["version": "v7", "domain": "fault", "verdict": "valid"]) == 1)
            #expect(delta(["version": "v7", "domain": "fault", "verdict": "invalid"]) == 1)
            #expect(delta(["version": "v7", "domain": "none", "verdict": "rejected"]) == 1)
            #expect(delta(["version": "v7", "domain": "other", "verdict": "invalid"]) == 1)
            #expect(after.sum("ves_listener_events_total") - before.sum("ves_listener_events_total") == 8)

            func requests(_ route: String, _ status: String) -> Double {
                let labels = ["route": route, "status": status]
                return after.value("ves_listener_requests_total", labels)
                    - before.value("ves_listener_requests_total", labels)
            }
            #expect(requests("event", "202") == 3)
            #expect(requests("batch", "202") == 1)
            #expect(requests("event", "400") == 3)
            #expect(requests("notFound", "404") == 1)
            // the first scrape is counted once it was answered
            #expect(requests("metrics", "200") == 1)
            let count = { (scrape: PrometheusText) in
                scrape.value("ves_listener_request_duration_seconds_count", ["route": "event"])
            }
            #expect(count(after) - count(before) == 6)
            let size = try FileManager.default.attributesOfItem(atPath: recordPath)[.size] as? Int
            #expect(after.value("ves_listener_record_file_bytes") == Double(try #require(size)))
            #expect(size ?? 0 > 0)
        }
    }

    @Test("the text is Prometheus exposition: HELP and TYPE per family, histogram buckets in seconds")
    func exposition() async throws {
        try await ListenerHarness.run { harness in
            #expect(try await harness.get("/healthz").status == 200)
            let scrape = try await scrape(harness)
            for family in [
                "ves_listener_requests_total", "ves_listener_request_duration_seconds",
                "ves_listener_record_file_bytes",
                "ves_listener_waiters", "ves_listener_queued_command_lists", "ves_listener_queued_faults",
            ] {
                #expect(scrape.types[family] != nil, "\(family)")
                #expect(!(scrape.help[family] ?? "").isEmpty, "\(family)")
            }
            #expect(scrape.types["ves_listener_request_duration_seconds"] == "histogram")
            #expect(scrape.types["ves_listener_requests_total"] == "counter")
            let buckets = scrape.samples.filter {
                $0.name == "ves_listener_request_duration_seconds_bucket" && $0.labels["route"] == "health"
            }
            #expect(buckets.contains { $0.labels["le"] == "0.001" && $0.value <= 1 })
            #expect(buckets.last?.labels["le"] == "+Inf")
            #expect(buckets.last?.value == 1)
            #expect(scrape.value("ves_listener_record_file_bytes") == 0)
            // every route label is one of the fixed set, whatever was asked
            let routes = Set(scrape.samples.compactMap { $0.labels["route"] })
            let fixed: Set = [
                "event", "batch", "throttlingState", "testControl", "health", "metrics", "ui", "openAPI",
                "notFound",
            ]
            #expect(routes.isSubset(of: fixed), "\(routes)")
        }
    }

    @Test("waiters while a wait is open, queued command lists and faults")
    func gauges() async throws {
        try await ListenerHarness.run { harness in
            // a client of its own, as the harness's is busy with the scrapes
            let url = harness.baseURL + "/testControl/v1/wait?count=1&timeout=30"
            // it waits past the wait's own 30 s, so a slow machine's scrapes cannot time the client out first
            let waiting = Task {
                try await CurlClient(configuration: .init(timeout: 120)).send(CurlRequest(method: "GET", url: url))
            }
            var waiters = 0.0
            for _ in 0..<10_000 where waiters == 0 {
                waiters = try await scrape(harness).value("ves_listener_waiters")
                await Task.yield()
            }
            #expect(waiters == 1)
            #expect(
                try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault())).status == 202
            )
            #expect(try await waiting.value.status == 200)
            #expect(try await scrape(harness).value("ves_listener_waiters") == 0)

            let commands =
                #"{"commandList": [{"command": {"commandType": "heartbeatIntervalChange", "heartbeatInterval": 5}}]}"#
            #expect(try await harness.post("/testControl/v1/commandList", json: commands).status == 200)
            #expect(
                try await harness.post("/testControl/v1/faults", json: #"{"status": 503, "count": 3}"#).status == 200
            )
            let queued = try await scrape(harness)
            #expect(queued.value("ves_listener_queued_command_lists") == 1)
            #expect(queued.value("ves_listener_queued_faults") == 3)
            #expect(
                try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault())).status == 503
            )
            let after = try await scrape(harness)
            #expect(after.value("ves_listener_queued_faults") == 2)
            #expect(after.value("ves_listener_requests_total", ["route": "event", "status": "503"]) == 1)
        }
    }

    @Test("/metrics under --path, GET and HEAD only, and behind the credentials when they are set")
    func routing() async throws {
        try await ListenerHarness.run(configure: { $0.pathPrefix = ["ves"] }) { harness in
            #expect(try await harness.get("/ves/metrics").status == 200)
            let head = try await harness.client.send(CurlRequest(method: "HEAD", url: harness.baseURL + "/metrics"))
            #expect(head.status == 200)
            let post = try await harness.post("/metrics", json: "{}")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET")
        }
        try await ListenerHarness.run(configure: { $0.controlToken = "t0ken" }) { harness in
            #expect(try await harness.get("/metrics").status == 401)
            let bearer = CurlRequest(
                method: "GET",
                url: harness.baseURL + "/metrics",
                headers: [(name: "Authorization", value: "Bearer t0ken")]
            )
            let scraped = try await harness.client.send(bearer)
            #expect(scraped.status == 200)
            let scrape = try PrometheusText(scraped.text)
            #expect(scrape.value("ves_listener_requests_total", ["route": "metrics", "status": "401"]) == 1)
        }
    }
}
