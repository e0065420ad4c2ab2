import CurlClient
import JSON
import MockListener
import Testing
import VESModel

@Suite("Each API version with its own field set, resources and rules")
struct VersionRoutingTests {
    @Test("with no flags v1, v5 and v7 are served by their own field sets; each rejects the others' events")
    func builtInSetPerVersion() async throws {
        try await ListenerHarness.run { harness in
            #expect(
                try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault())).status == 202
            )
            let v5 = try await harness.post("/eventListener/v5", json: SampleEvents.body(SampleEventsV7.faultV5()))
            #expect(v5.status == 202)
            let v7 = try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEventsV7.fault()))
            #expect(v7.status == 202)
            // a 1.1 event on v7: 7.x records are closed and its header differs
            let wrong = try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEvents.fault()))
            #expect(wrong.status == 400)
            #expect(wrong.requestError?.messageId == "SVC0002")
            // functionalRole is not a 7.x header field: the closed header names it
            let messages = wrong.json?["violations"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
            #expect(messages.contains { $0.contains("'functionalRole' was unexpected") }, "\(messages)")
            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            #expect(stats["byVersion"]?["v7"]?["invalid"] == 1)
        }
    }

    @Test("a version without a field set is a 400 naming those served; --schema-for adds one")
    func unservedVersions() async throws {
        try await ListenerHarness.run { harness in
            for version in ["v2", "v4", "v6", "v8"] {
                let response = try await harness.post(
                    "/eventListener/\(version)",
                    json: SampleEvents.body(SampleEvents.fault())
                )
                #expect(response.status == 400, "\(version)")
                let text = response.requestError?.renderedText ?? ""
                #expect(text.contains("API version \(version) is not supported"), "\(text)")
                #expect(text.contains("v1 (VES 1.1), v5 (VES 5.4.1), v7 (VES 7.2.1)"), "\(text)")
            }
        }
        try await ListenerHarness.run(configure: { $0.schemasByVersion["v4"] = .builtInVES11 }) { harness in
            #expect(
                try await harness.post("/eventListener/v4", json: SampleEvents.body(SampleEvents.fault())).status
                    == 202
            )
            let v6 = try await harness.post("/eventListener/v6", json: SampleEvents.body(SampleEvents.fault()))
            #expect(v6.requestError?.renderedText.contains("v7 (VES 7.2.1), v4") == true)
        }
    }

    @Test("clientThrottlingState exists on v1 and v5, not on v7; a topic after v7 is recorded")
    func resourcesPerVersion() async throws {
        let state = #"{"eventThrottlingState": {"eventThrottlingMode": "normal"}}"#
        try await ListenerHarness.run { harness in
            #expect(try await harness.post("/eventListener/v1/clientThrottlingState", json: state).status == 204)
            #expect(try await harness.post("/eventListener/v5/clientThrottlingState", json: state).status == 204)
            let v7 = try await harness.post("/eventListener/v7/clientThrottlingState", json: state)
            #expect(v7.status == 404)
            #expect(v7.requestError?.renderedText.contains("VES 7.2.1 has no clientThrottlingState") == true)
            #expect(v7.header("X-LatestVersion") == "7.2.1")
            let topic = try await harness.post(
                "/eventListener/v7/events",
                json: SampleEvents.body(SampleEventsV7.fault())
            )
            #expect(topic.status == 202)
            let recorded = try await harness.records("api_version=v7&kind=event")
            #expect(recorded.map { $0["topic"] } == ["events"])
        }
    }

    @Test("a 7.x batch holds one domain, and stndDefined events one namespace: 400 naming the first that differs")
    func batchRules() async throws {
        try await ListenerHarness.run { harness in
            let mixed = SampleEvents.batch([
                SampleEventsV7.fault(eventId: "a"), SampleEventsV7.fault(eventId: "b"),
                SampleEventsV7.heartbeat(eventId: "c"), SampleEventsV7.heartbeat(eventId: "d"),
            ])
            let response = try await harness.post("/eventListener/v7/eventBatch", json: mixed)
            #expect(response.status == 400)
            #expect(response.requestError?.variables == ["/eventList/2/commonEventHeader/domain"])
            let message = response.json?["violations"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.contains("domain 'heartbeat' differs from 'fault' of /eventList/0"), "\(message)")
            let namespaces = SampleEvents.batch([
                SampleEventsV7.stndDefined(eventId: "n1", namespace: "3GPP-FaultSupervision"),
                SampleEventsV7.stndDefined(eventId: "n2", namespace: "3GPP-Heartbeat"),
            ])
            let second = try await harness.post("/eventListener/v7/eventBatch", json: namespaces)
            #expect(second.status == 400)
            #expect(second.requestError?.variables == ["/eventList/1/commonEventHeader/stndDefinedNamespace"])
            let same = SampleEvents.batch([SampleEventsV7.fault(eventId: "x"), SampleEventsV7.fault(eventId: "y")])
            #expect(try await harness.post("/eventListener/v7/eventBatch", json: same).status == 202)
            // 1.1 has no such rule
            let v1 = SampleEvents.batch([SampleEvents.fault(eventId: "p"), SampleEvents.measurement(eventId: "q")])
            #expect(try await harness.post("/eventListener/v1/eventBatch", json: v1).status == 202)
        }
    }

    @Test("stndDefined: a missing namespace is SVC2006, an empty one SVC2004; unchecked data is a warning")
    func stndDefinedNamespace() async throws {
        try await ListenerHarness.run { harness in
            let missing = try await harness.post(
                "/eventListener/v7",
                json: SampleEvents.body(SampleEventsV7.stndDefined(namespace: nil))
            )
            #expect(missing.status == 400)
            #expect(missing.requestError?.messageId == "SVC2006")
            #expect(
                missing.requestError?.renderedText
                    == "Mandatory input attribute event.commonEventHeader.stndDefinedNamespace is missing from request"
            )
            let empty = try await harness.post(
                "/eventListener/v7",
                json: SampleEvents.body(SampleEventsV7.stndDefined(namespace: ""))
            )
            #expect(empty.status == 400)
            #expect(empty.requestError?.messageId == "SVC2004")
            let good = try await harness.post(
                "/eventListener/v7",
                json: SampleEvents.body(SampleEventsV7.stndDefined())
            )
            #expect(good.status == 202)
            let record = try #require(try await harness.records("namespace=3GPP-FaultSupervision").first)
            let warning = record["warnings"]?[0]?["message"]?.stringValue ?? ""
            #expect(warning.contains("--stnd-defined-schemas"), "\(warning)")
            #expect(record["warnings"]?[0]?["pointer"] == "/event/stndDefinedFields/data")
        }
    }

    @Test("a commandList queued while a v7 event arrives is not sent there and is a test-control error")
    func noCommandListOnV7() async throws {
        try await ListenerHarness.run { harness in
            let commands =
                #"{"commandList": [{"command": {"commandType": "measurementIntervalChange", "#
                + #""measurementInterval": 60}}]}"#
            #expect(try await harness.post("/testControl/v1/commandList", json: commands).status == 200)
            let v7 = try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEventsV7.fault()))
            #expect(v7.status == 202)
            #expect(v7.body.isEmpty)
            let stats = try #require(try await harness.get("/testControl/v1/stats").json)
            let errors = stats["controlErrors"]?.arrayValue ?? []
            #expect(errors.count == 1)
            #expect(errors.first?.stringValue?.contains("VES 7.2.1 has no command lists") == true)
            let v1 = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(v1.json?["commandList"]?[0]?["command"]?["commandType"] == "measurementIntervalChange")
        }
    }

    @Test("--accept-invalid answers 202 to well-formed requests and still records every violation")
    func acceptInvalid() async throws {
        try await ListenerHarness.run(configure: { $0.acceptInvalid = true }) { harness in
            let invalid = try await harness.post("/eventListener/v7", json: SampleEvents.body(SampleEvents.fault()))
            #expect(invalid.status == 202)
            let noNamespace = try await harness.post(
                "/eventListener/v7",
                json: SampleEvents.body(SampleEventsV7.stndDefined(namespace: nil))
            )
            #expect(noNamespace.status == 202)
            let broken = try await harness.post("/eventListener/v7", json: "{broken")
            #expect(broken.status == 400)
            let records = try await harness.records("kind=event")
            #expect(records.count == 2)
            #expect(records.allSatisfy { $0["valid"] == false && $0["status"] == 202 })
            #expect(records.allSatisfy { !($0["errors"]?.arrayValue ?? []).isEmpty })
        }
    }
}
