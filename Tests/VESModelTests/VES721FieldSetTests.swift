import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

@Suite(
    "Built-in VES 7.2.1 field set against the official 30.2.1 file",
    .needsShared("ves/schemas", "ves/samples", "ves/peer-cases")
)
struct VES721FieldSetTests {
    let builtIn = VES721FieldSet.validator

    /// The official file with formats checked, as the built-in set checks them (ipv4, ipv6, uri), so that the two
    /// can differ only where their tables do.
    static let officialChecked = Result { () throws(SchemaError) -> JSONSchemaValidator in
        let file = SharedMaterial.schemaFiles["30.2.1"] ?? ""
        return try JSONSchemaValidator(contentsOfFile: SharedMaterial.path(file), formats: .checked)
    }

    func official() throws -> JSONSchemaValidator {
        try Self.officialChecked.get()
    }

    @Test("same violations on every sample, as a body and in its parts")
    func samples() async throws {
        let result = try await FieldSetComparison.sampleDisagreements(builtIn: builtIn, official: try official())
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > SampleFiles.all.count)
        print("VES 7.2.1 field set: \(result.compared) sample checks compared")
    }

    @Test("the peers' v7 cases: same verdict and violations as the official file, and the peer's verdict")
    func peerCaseVerdicts() throws {
        let cases = try PeerCase.all().filter {
            $0.apiVersion == "v7" && !$0.peerSpecific && $0.schema == "CommonEventFormat_30.2.1_ONAP.json"
        }
        #expect(cases.count >= 8, "found \(cases.count) cases")
        let report = try FieldSetComparison.peerCaseReport(cases, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.wrongVerdicts.isEmpty, "\(report.wrongVerdicts)")
        print("VES 7.2.1 field set: \(cases.count) peer cases compared (\(report.compared) checks)")
    }

    @Test("the peers' address cases: refused or accepted as ONAP does, formats being checked")
    func peerFormatCases() throws {
        let cases = try PeerCase.all().filter {
            $0.apiVersion == "v7" && $0.schema == "CommonEventFormat_30.2.1_ONAP.json"
                && ($0.rule.hasPrefix("format:") || $0.rule == "accept:ipv6-zone-index")
        }
        #expect(cases.count >= 8, "found \(cases.count) cases")
        let report = try FieldSetComparison.peerCaseReport(cases, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.wrongVerdicts.isEmpty, "\(report.wrongVerdicts)")
        print("VES 7.2.1 field set: \(cases.count) peer address cases compared (\(report.compared) checks)")
    }

    @Test("every hand-made base is valid under both")
    func basesAreValid() throws {
        // Every domain of the header's enumeration has a body.
        #expect(HandMadeEvents721.bases.count == 14 + 1 + 2)
        let invalid = FieldSetComparison.invalidBases(
            HandMadeEvents721.bases,
            builtIn: builtIn,
            official: try official()
        )
        #expect(invalid.isEmpty, "\(invalid)")
    }

    @Test(
        "same violations and right pointers for every mutation",
        arguments: HandMadeEvents721.bases + MutationBase.shared(officialKey: "30.2.1", apiVersion: "v7")
    )
    func mutations(base: MutationBase) async throws {
        let report = try await FieldSetComparison.mutationReport(base: base, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.misplacedPointers.isEmpty, "\(report.misplacedPointers)")
        #expect(report.mutations > 0)
        #expect(report.invalid > 0, "no mutation of \(base.name) broke the field set")
        print(
            "VES 7.2.1 field set: \(base.name): \(report.mutations) mutations, \(report.invalid) invalid, "
                + "\(report.reportedAtEnclosingOneOf) at an enclosing oneOf, "
                + "\(report.refusedByFormat) refused by their format"
        )
    }

    @Test("the built-in set defines every datatype of the official file, and each one alike")
    func definitions() throws {
        // Descriptions and defaults aside, each definition is the file's, so no verdict can differ.
        let result = try FieldSetComparison.definitionDisagreements(
            builtIn: builtIn,
            builtInSchema: VES721FieldSet.schema,
            official: try official(),
            officialFile: try #require(SharedMaterial.schemaFiles["30.2.1"]),
            ignored: ["schemaLicenseAndCopyrightNotice"]
        )
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > 1)
        print("VES 7.2.1 field set: \(result.compared) definitions compared")
    }

    @Test("required fields of a block")
    func requiredFields() {
        #expect(
            VES721FieldSet.requiredFields(of: "faultFields")
                == [
                    "alarmCondition", "eventSeverity", "eventSourceType", "faultFieldsVersion", "specificProblem",
                    "vfStatus",
                ]
        )
        #expect(VES721FieldSet.requiredFields(of: "load").isEmpty)
        #expect(VES721FieldSet.requiredFields(of: "noSuchDatatype").isEmpty)
        #expect(VES721FieldSet.name == "ves-7.2.1")
    }

    @Test("spot checks: the pointer names the field")
    func spotChecks() throws {
        let official = try official()
        let header = "/event/commonEventHeader"
        var cases: [(JSONValue, [String], Mutation, String, String)] = [
            (
                HandMadeEvents721.fault, ["event", "commonEventHeader", "domain"], .replace("measurementsForVfScaling"),
                header + "/domain", "enum"
            ),
            (
                HandMadeEvents721.fault, ["event", "commonEventHeader", "sequence"], .replace(1.5),
                header + "/sequence", "type"
            ),
            (
                HandMadeEvents721.fault, ["event", "commonEventHeader", "vesEventListenerVersion"], .replace("7.3"),
                header + "/vesEventListenerVersion", "enum"
            ),
            (
                HandMadeEvents721.fault, ["event", "commonEventHeader", "eventName"], .remove, header + "/eventName",
                "required"
            ),
            (
                HandMadeEvents721.fault, ["event", "faultFields"], .addUnknownMember, "/event/faultFields",
                "additionalProperties"
            ),
            (
                HandMadeEvents721.fault, ["event", "faultFields", "vfStatus"], .replace("Requesting Termination"),
                "/event/faultFields/vfStatus", "enum"
            ),
            (
                HandMadeEvents721.fault, ["event", "faultFields", "alarmAdditionalInformation", "alarmId"], .replace(7),
                "/event/faultFields/alarmAdditionalInformation/alarmId", "type"
            ),
            (
                HandMadeEvents721.heartbeat, ["event", "heartbeatFields", "heartbeatInterval"], .replace(60.5),
                "/event/heartbeatFields/heartbeatInterval", "type"
            ),
            (
                HandMadeEvents721.measurement,
                [
                    "event", "measurementFields", "nicPerformanceArray", "0",
                    "valuesAreSuspect",
                ], .remove,
                "/event/measurementFields/nicPerformanceArray/0/valuesAreSuspect", "required"
            ),
            (
                HandMadeEvents721.perf3gpp,
                [
                    "event", "perf3gppFields", "measDataCollection", "measInfoList", "0",
                    "measTypes",
                ], .replace(["iMeasTypesList": [1], "sMeasTypesList": ["a"]]),
                "/event/perf3gppFields/measDataCollection/measInfoList/0/measTypes", "oneOf"
            ),
        ]
        let address = ["event", "pnfRegistrationFields", "oamV4IpAddress"]
        cases.append(
            (
                HandMadeEvents721.pnfRegistration, address, .replace("192.0.2.300"),
                "/event/pnfRegistrationFields/oamV4IpAddress", "format"
            )
        )
        for (base, tokens, mutation, pointer, keyword) in cases {
            let mutated = FieldSetComparison.apply(mutation, at: tokens[...], to: base)
            for validator in [builtIn, official] {
                #expect(
                    validator.validate(mutated).map { [$0.pointer, $0.keyword] } == [[pointer, keyword]],
                    "\(pointer): \(validator.validate(mutated))"
                )
            }
        }
        // The 1.1 domain name and a 1.1 body are refused: 7.x is strict about unknown blocks.
        let oldBody: JSONValue = [
            "event": [
                "commonEventHeader": HandMadeEvents721.header("fault", eventName: "x"),
                "measurementsForVfScalingFields": [:],
            ]
        ]
        #expect(builtIn.validate(oldBody).map(\.keyword) == ["additionalProperties"])
    }
}
