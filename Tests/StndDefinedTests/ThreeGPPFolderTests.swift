import JSON
import JSONSchema
import StndDefined
import TestSupport
import Testing

@Suite(
    "the 3GPP Rel-16 folder and the peers' stndDefined cases",
    .needsShared("ves/peer-cases/cases.jsonl", "ves/3gpp")
)
struct ThreeGPPFolderTests {
    static let faultURL = "https://forge.3gpp.org/rep/sa5/MnS/blob/SA88-Rel16/OpenAPI/faultMnS.yaml"
    static let heartbeatURL = "https://forge.3gpp.org/rep/sa5/MnS/blob/SA88-Rel16/OpenAPI/heartbeatNtf.yaml"

    func schemas() throws -> StndDefinedSchemas {
        try StndDefinedSchemas(folder: SharedMaterial.path("ves/3gpp"))
    }

    /// Each stndDefined event of a case body, with the pointer to its data.
    func stndDefinedEvents(_ body: JSONValue) -> [(event: JSONValue, pointer: String)] {
        var events: [(JSONValue, String)] = []
        if let event = body["event"] {
            events.append((event, "/event"))
        }
        for (index, event) in (body["eventList"]?.arrayValue ?? []).enumerated() {
            events.append((event, "/eventList/\(index)"))
        }
        return events.filter { $0.0["commonEventHeader"]?["domain"]?.stringValue == "stndDefined" }
    }

    @Test("every stndDefined case gets its expected data verdict")
    func peerCases() throws {
        let schemas = try schemas()
        var checked = 0
        for peerCase in try PeerCase.all() {
            guard let body = peerCase.body else { continue }
            for (event, pointer) in stndDefinedEvents(body) {
                let fields = try #require(event["stndDefinedFields"], "\(peerCase.id) has no stndDefinedFields")
                let reference = try #require(fields["schemaReference"]?.stringValue)
                let data = fields["data"] ?? .null
                let result = schemas.check(
                    data,
                    schemaReference: reference,
                    dataPointer: pointer + "/stndDefinedFields/data"
                )
                guard case .validated(let violations) = result else {
                    Issue.record("\(peerCase.id): every reference in the cases is mapped: \(result)")
                    continue
                }
                checked += 1
                // Only the data rule is this module's; the cases rejected for namespace, routing or batch
                // reasons carry data the collector's second stage accepted.
                let expectValid = peerCase.rule != "stndDefined:data-vs-3GPP-OpenAPI"
                #expect(violations.isEmpty == expectValid, "\(peerCase.id): \(violations)")
                for violation in violations {
                    #expect(violation.pointer.hasPrefix(pointer + "/stndDefinedFields/"), "\(peerCase.id)")
                }
            }
        }
        #expect(checked == 9)
    }

    @Test("the three rejected cases fail for the reason the peer gives")
    func rejectionReasons() throws {
        let schemas = try schemas()
        let cases = try PeerCase.all().filter { $0.rule == "stndDefined:data-vs-3GPP-OpenAPI" }
        #expect(cases.count == 3)
        var pointers: [String: [String]] = [:]
        for peerCase in cases {
            let fields = try #require(peerCase.body?["event"]?["stndDefinedFields"])
            let result = schemas.check(
                fields["data"] ?? .null,
                schemaReference: fields["schemaReference"]?.stringValue ?? "",
                dataPointer: "/event/stndDefinedFields/data"
            )
            if case .validated(let violations) = result {
                pointers[peerCase.id] = violations.map(\.pointer)
            }
        }
        let data = "/event/stndDefinedFields/data"
        #expect(
            pointers["onap-unit-stnddefined-invalid"]
                == [
                    data + "/perceivedSeverity", data + "/perceivedSeverity", data + "/trendIndication",
                    data + "/alarmId",
                ]
        )
        #expect(
            pointers["onap-unit-stnddefined-missing-local-schema-reference"] == [
                "/event/stndDefinedFields/schemaReference"
            ]
        )
        #expect(
            pointers["onap-unit-stnddefined-wrong-internal-file-reference"] == [
                "/event/stndDefinedFields/schemaReference"
            ]
        )
    }

    @Test("a heartbeat follows its $ref into provMnS.yaml, where eventTime is a checked date-time")
    func heartbeatAcrossFiles() throws {
        let schemas = try schemas()
        let reference = Self.heartbeatURL + "#/components/schemas/notifyHeartbeat-NotifType"
        var data: JSONValue = [
            "href": "https://example.com/ManagedElement=1", "notificationId": 5,
            "notificationType": "notifyMOICreation", "eventTime": "2021-03-01T10:00:00.000Z",
            "systemDN": "DC=example.com", "heartbeatNtfPeriod": 60,
        ]
        #expect(
            schemas.check(data, schemaReference: reference, dataPointer: "/event/stndDefinedFields/data")
                == .validated([])
        )
        data = [
            "href": "x", "notificationId": 5, "notificationType": "notifyMOICreation", "eventTime": "xyz",
            "systemDN": "d",
        ]
        guard case .validated(let violations) = schemas.check(data, schemaReference: reference, dataPointer: "/d")
        else {
            Issue.record("the heartbeat file is mapped")
            return
        }
        #expect(
            violations == [Violation(pointer: "/d/eventTime", message: "'xyz' is not a 'date-time'", keyword: "format")]
        )
    }

    @Test("every schema of the four files compiles except those reaching the NRM files the folder lacks")
    func precompile() throws {
        let problems = try schemas().precompile()
        #expect(!problems.isEmpty)
        for problem in problems {
            #expect(problem.code == .unresolvableRef)
            #expect(problem.message.contains("provMnS.yaml"), "\(problem)")
            #expect(problem.message.contains("Nrm.yaml"), "\(problem)")
        }
    }

    @Test("faultMnS's date-Time is not a format name the checker knows, so any text passes, as at ONAP")
    func unknownFormatName() throws {
        let schemas = try schemas()
        let data: JSONValue = [
            "href": 1, "notificationId": 1, "notificationType": "notifyNewAlarm", "eventTime": "not a time",
            "systemDN": "x", "alarmId": "1", "alarmType": "COMMUNICATIONS_ALARM", "probableCause": "x",
            "perceivedSeverity": "MAJOR",
        ]
        let result = schemas.check(
            data,
            schemaReference: Self.faultURL + "#/components/schemas/NotifyNewAlarm",
            dataPointer: ""
        )
        #expect(result == .validated([]))
    }
}
