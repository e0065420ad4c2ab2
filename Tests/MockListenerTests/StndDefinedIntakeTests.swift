import CurlClient
import JSON
import MockListener
import StndDefined
import TestSupport
import Testing
import VESModel

@Suite("stndDefined data checked against 3GPP schemas over HTTP", .needsShared("ves/3gpp/schema-map.json"))
struct StndDefinedIntakeTests {
    static func alarm() throws -> String {
        try SharedMaterial.text(SharedMaterial.fixture("model/stnd-defined-alarm-7.2.1.json"))
    }

    static func run(
        acceptUnknown: Bool = false,
        _ body: (ListenerHarness) async throws -> Void
    ) async throws {
        let schemas = try StndDefinedSchemas(folder: SharedMaterial.path("ves/3gpp"))
        try await ListenerHarness.run(configure: { config in
            config.stndDefinedSchemas = schemas
            config.acceptsUnknownStndDefined = acceptUnknown
        }) { harness in
            try await body(harness)
        }
    }

    @Test("a 3GPP alarm is taken; a bad value in its data is a 400 whose pointer goes into the body")
    func dataIsChecked() async throws {
        let alarm = try Self.alarm()
        try await Self.run { harness in
            let good = try await harness.post("/eventListener/v7", json: alarm)
            #expect(good.status == 202)
            let bad = try await harness.post(
                "/eventListener/v7",
                json: alarm.replacingFirst(#""perceivedSeverity": "MAJOR""#, with: #""perceivedSeverity": "LOUD""#)
            )
            #expect(bad.status == 400)
            #expect(bad.requestError?.variables == ["/event/stndDefinedFields/data/perceivedSeverity"])
            let batch = "{\"eventList\": [" + alarm.dropFirst(#"{"event": "#.count).dropLast(2) + "]}"
            let inBatch = try await harness.post(
                "/eventListener/v7/eventBatch",
                json: batch.replacingFirst(#""alarmType": "EQUIPMENT_ALARM""#, with: #""alarmType": 7"#)
            )
            #expect(inBatch.requestError?.variables == ["/eventList/0/stndDefinedFields/data/alarmType"])
            let records = try await harness.records("kind=event")
            #expect(records.first?["warnings"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("a schemaReference no map knows: a violation by default, a warning with --stnd-defined-unknown accept")
    func unknownReference() async throws {
        let unknown = try Self.alarm().replacingFirst("SA88-Rel16/OpenAPI/faultMnS.yaml", with: "Rel-99/nothing.yaml")
        try await Self.run { harness in
            let response = try await harness.post("/eventListener/v7", json: unknown)
            #expect(response.status == 400)
            #expect(response.requestError?.variables == ["/event/stndDefinedFields/schemaReference"])
        }
        try await Self.run(acceptUnknown: true) { harness in
            #expect(try await harness.post("/eventListener/v7", json: unknown).status == 202)
            let warning = try await harness.records("kind=event").first?["warnings"]?[0]?["message"]?.stringValue
            #expect(warning?.contains("accepted unchecked") == true)
        }
    }
}
