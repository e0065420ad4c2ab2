import CurlClient
import Foundation
import JSON
import MockListener
import TestSupport
import Testing
import VESModel

@Suite("Event routes, live over HTTP")
struct EventRouteTests {
    @Test("a valid single event is accepted with an empty 202 and recorded")
    func singleValidEvent() async throws {
        let (_, summary) = try await ListenerHarness.run { harness in
            let response = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(response.status == 202)
            #expect(response.body.isEmpty)
            let records = try await harness.records()
            #expect(records.count == 1)
            let record = try #require(records.first)
            #expect(record["seq"] == .integer(1))
            #expect(record["kind"] == .string("event"))
            #expect(record["path"] == .string("/eventListener/v1"))
            #expect(record["api_version"] == .string("v1"))
            #expect(record["topic"] == .null)
            #expect(record["status"] == .integer(202))
            #expect(record["valid"] == .bool(true))
            #expect(record["errors"] == .array([]))
            #expect(record["event"]?["commonEventHeader"]?["domain"] == .string("fault"))
            #expect(record["received_at"]?.stringValue?.hasSuffix("Z") == true)
        }
        #expect(summary == ListenerSummary(events: 1, valid: 1, invalid: 0, rejected: 0))
    }

    @Test("an invalid event gets 400 SVC0002 naming each pointer")
    func invalidEvent() async throws {
        try await ListenerHarness.run { harness in
            let event = SampleEvents.fault(severity: "SEVERE").replacingFirst(#""sourceName": "compute-0", "#, with: "")
            let response = try await harness.post("/eventListener/v1", json: SampleEvents.body(event))
            #expect(response.status == 400)
            let error = try #require(response.requestError)
            #expect(error.kind == .serviceException)
            #expect(error.messageId == "SVC0002")
            #expect(
                Set(error.variables) == ["/event/commonEventHeader/sourceName", "/event/faultFields/eventSeverity"]
            )
            #expect(error.text == "Invalid input value for message parts %1, %2")
            let violations = response.json?["violations"]?.arrayValue ?? []
            #expect(violations.count == 2)
            let record = try #require(try await harness.records().first)
            #expect(record["valid"] == .bool(false))
            #expect(record["status"] == .integer(400))
            let pointers = (record["errors"]?.arrayValue ?? []).compactMap { $0["pointer"]?.stringValue }
            #expect(Set(pointers) == ["/event/commonEventHeader/sourceName", "/event/faultFields/eventSeverity"])
        }
    }

    @Test("a batch with one bad item is a 400 naming that item, and every item is recorded with its own verdict")
    func batchWithOneBadItem() async throws {
        let (_, summary) = try await ListenerHarness.run { harness in
            var events = (0..<5).map { SampleEvents.fault(eventId: "b\($0)") }
            events[3] = SampleEvents.fault(eventId: "b3", severity: "LOUD")
            let response = try await harness.post("/eventListener/v1/eventBatch", json: SampleEvents.batch(events))
            #expect(response.status == 400)
            let error = try #require(response.requestError)
            #expect(error.messageId == "SVC0002")
            #expect(error.variables == ["/eventList/3/faultFields/eventSeverity"])
            let records = try await harness.records()
            #expect(records.count == 5)
            #expect(records.map { $0["valid"] } == [true, true, true, false, true].map(JSONValue.bool))
            #expect(records.allSatisfy { $0["status"] == .integer(400) })
            #expect(records[3]["errors"]?[0]?["pointer"] == .string("/eventList/3/faultFields/eventSeverity"))
            #expect(records[3]["event"]?["commonEventHeader"]?["eventId"] == .string("b3"))
        }
        #expect(summary.events == 5)
        #expect(summary.invalid == 1)
    }

    @Test("a valid batch is accepted and each item recorded")
    func validBatch() async throws {
        try await ListenerHarness.run { harness in
            let events = [SampleEvents.fault(eventId: "1"), SampleEvents.measurement(eventId: "2")]
            let response = try await harness.post("/eventListener/v1/eventBatch", json: SampleEvents.batch(events))
            #expect(response.status == 202)
            let records = try await harness.records()
            #expect(records.count == 2)
            #expect(records.allSatisfy { $0["valid"] == .bool(true) && $0["status"] == .integer(202) })
        }
    }

    @Test("a batch without eventList, or an empty one, is rejected")
    func malformedBatch() async throws {
        try await ListenerHarness.run { harness in
            let missing = try await harness.post(
                "/eventListener/v1/eventBatch",
                json: SampleEvents.body(SampleEvents.fault())
            )
            #expect(missing.status == 400)
            #expect(missing.requestError?.variables == ["/eventList"])
            let empty = try await harness.post("/eventListener/v1/eventBatch", json: #"{"eventList": []}"#)
            #expect(empty.status == 400)
            let kinds = try await harness.records().map { $0["kind"] }
            #expect(kinds == [.string("rejected"), .string("rejected")])
        }
    }

    @Test("topics: after a slash, and glued to the version as the reference plugin writes them")
    func topics() async throws {
        try await ListenerHarness.run { harness in
            let plain = try await harness.post(
                "/eventListener/v1/mytopic",
                json: SampleEvents.body(SampleEvents.fault())
            )
            #expect(plain.status == 202)
            let glued = try await harness.post(
                "/eventListener/v1mytopic",
                json: SampleEvents.body(SampleEvents.fault(eventId: "9"))
            )
            #expect(glued.status == 202)
            let records = try await harness.records()
            #expect(records.map { $0["topic"] } == [.string("mytopic"), .string("mytopic")])
            #expect(records[0]["warnings"] == .array([]))
            let note = records[1]["warnings"]?[0]?["message"]?.stringValue ?? ""
            #expect(note.contains("glued"))
        }
    }

    @Test("the reference plugin's URL with a Path: //PATH/eventListener/v1TOPIC under --path")
    func referencePluginPath() async throws {
        try await ListenerHarness.run(configure: { $0.pathPrefix = ["vendor", "ves"] }) { harness in
            let url = "//vendor/ves/eventListener/v1alarms"
            let response = try await harness.post(url, json: SampleEvents.body(SampleEvents.fault()))
            #expect(response.status == 202)
            let record = try #require(try await harness.records().first)
            #expect(record["topic"] == .string("alarms"))
            #expect(record["api_version"] == .string("v1"))
            let notes = (record["warnings"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
            #expect(notes.contains { $0.contains("empty path segments") })
            #expect(notes.contains { $0.contains("glued") })
            // without the prefix the route is unknown
            let wrong = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(wrong.status == 404)
            // test control stays at the root
            #expect(try await harness.get("/healthz").status == 200)
        }
    }

    @Test("clientThrottlingState answers 204 for a valid state and 400 otherwise")
    func throttlingState() async throws {
        try await ListenerHarness.run { harness in
            let good = try await harness.post(
                "/eventListener/v1/clientThrottlingState",
                json: #"{"eventThrottlingState": {"eventThrottlingMode": "normal"}}"#
            )
            #expect(good.status == 204)
            let bad = try await harness.post(
                "/eventListener/v1/clientThrottlingState",
                json: #"{"eventThrottlingState": {"eventThrottlingMode": "sometimes"}}"#
            )
            #expect(bad.status == 400)
            #expect(bad.requestError?.variables == ["/eventThrottlingState/eventThrottlingMode"])
            let missing = try await harness.post("/eventListener/v1/clientThrottlingState", json: "{}")
            #expect(missing.status == 400)
            let kinds = try await harness.records("kind=throttlingState").count
            #expect(kinds == 3)
        }
    }

    @Test("unknown paths are 404 and other methods 405, each with a requestError, counted apart from events")
    func notFoundAndMethod() async throws {
        try await ListenerHarness.run { harness in
            let unknown = try await harness.post("/somewhere/else", json: "{}")
            #expect(unknown.status == 404)
            #expect(unknown.requestError?.messageId == "SVC2000")
            let noVersion = try await harness.post("/eventListener/vX", json: "{}")
            #expect(noVersion.status == 404)
            let get = try await harness.get("/eventListener/v1")
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")
            #expect(get.requestError != nil)
            let put = try await harness.client.send(
                CurlRequest(
                    method: "PUT",
                    url: harness.baseURL + "/eventListener/v1/eventBatch",
                    body: Array("{}".utf8)
                )
            )
            #expect(put.status == 405)
            // not events: neither recorded nor invalid, only counted by status
            #expect(try await harness.records("kind=rejected").isEmpty)
            let counted = try await harness.get("/testControl/v1/stats").json?["nonEventRequests"]
            #expect(counted?["byStatus"]?["404"] == .integer(2))
            #expect(counted?["byStatus"]?["405"] == .integer(2))
        }
    }

    @Test("other API versions use their own schema", .needsShared("ves/schemas/CommonEventFormat_27.2.json"))
    func schemaPerVersion() async throws {
        let schema = try EventSchema.named(SharedMaterial.path("ves/schemas/CommonEventFormat_27.2.json"))
        try await ListenerHarness.run(configure: { config in
            config.schemasByVersion["v4"] = schema
        }) { harness in
            // the reference plugin's measurement has errors: [] which 27.2 wants as an object
            let v1 = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.measurement()))
            #expect(v1.status == 202)
            let v4 = try await harness.post("/eventListener/v4", json: SampleEvents.body(SampleEvents.measurement()))
            #expect(v4.status == 400)
            #expect(v4.requestError?.variables.contains("/event/measurementsForVfScalingFields/errors") == true)
            // 27.2 requires nothing at the top; the listener still needs an event
            let empty = try await harness.post("/eventListener/v4", json: "{}")
            #expect(empty.status == 400)
            #expect(empty.requestError?.variables == ["/event"])
        }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
