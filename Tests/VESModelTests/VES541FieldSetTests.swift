import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

@Suite(
    "Built-in VES 5.4.1 field set against the official 28.4.1 file",
    .needsShared("ves/schemas", "ves/samples", "ves/peer-cases")
)
struct VES541FieldSetTests {
    let builtIn = VES541FieldSet.validator

    func official() throws -> JSONSchemaValidator {
        try SharedMaterial.officialValidator("28.4.1")
    }

    @Test("same violations on every sample, as a body and in its parts")
    func samples() async throws {
        let result = try await FieldSetComparison.sampleDisagreements(builtIn: builtIn, official: try official())
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > SampleFiles.all.count)
        print("VES 5.4.1 field set: \(result.compared) sample checks compared")
    }

    /// The peers' v5 cases for this schema whose verdict plain draft-04 validation decides.
    static func peerCases() throws -> [PeerCase] {
        try PeerCase.all().filter {
            $0.apiVersion == "v5" && !$0.peerSpecific && $0.schema == "CommonEventFormat_28.4.1.json"
        }
    }

    @Test("the peers' v5 cases: same verdict and violations as the official file, and the peer's verdict")
    func peerCaseVerdicts() throws {
        let cases = try PeerCase.all().filter {
            $0.apiVersion == "v5" && !$0.peerSpecific && $0.schema == "CommonEventFormat_28.4.1.json"
        }
        #expect(cases.count >= 4, "found \(cases.count) cases")
        let report = try FieldSetComparison.peerCaseReport(cases, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.wrongVerdicts.isEmpty, "\(report.wrongVerdicts)")
        print("VES 5.4.1 field set: \(cases.count) peer cases compared (\(report.compared) checks)")
    }

    @Test("every hand-made base is valid under both")
    func basesAreValid() throws {
        // Every domain of the header's enumeration, the batch, and the four definitions no event reaches.
        #expect(HandMadeEvents541.bases.count == 10 + 1 + 4)
        let invalid = FieldSetComparison.invalidBases(
            HandMadeEvents541.bases,
            builtIn: builtIn,
            official: try official()
        )
        #expect(invalid.isEmpty, "\(invalid)")
    }

    @Test(
        "same violations and right pointers for every mutation",
        arguments: HandMadeEvents541.bases + MutationBase.shared(officialKey: "28.4.1", apiVersion: "v5")
    )
    func mutations(base: MutationBase) async throws {
        let report = try await FieldSetComparison.mutationReport(base: base, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.misplacedPointers.isEmpty, "\(report.misplacedPointers)")
        #expect(report.mutations > 0)
        #expect(report.invalid > 0, "no mutation of \(base.name) broke the field set")
        print("VES 5.4.1 field set: \(base.name): \(report.mutations) mutations, \(report.invalid) invalid")
    }

    @Test("the built-in set defines every datatype of the official file, and each one alike")
    func definitions() throws {
        // Annotations aside, each definition is the file's, so no verdict can differ.
        let result = try FieldSetComparison.definitionDisagreements(
            builtIn: builtIn,
            builtInSchema: VES541FieldSet.schema,
            official: try official(),
            officialFile: try #require(SharedMaterial.schemaFiles["28.4.1"]),
            ignored: ["schemaLicenseAndCopyrightNotice"]
        )
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > 1)
        print("VES 5.4.1 field set: \(result.compared) definitions compared")
    }

    @Test("required fields of a block")
    func requiredFields() {
        #expect(
            VES541FieldSet.requiredFields(of: "faultFields")
                == [
                    "alarmCondition", "eventSeverity", "eventSourceType", "faultFieldsVersion", "specificProblem",
                    "vfStatus",
                ]
        )
        #expect(VES541FieldSet.requiredFields(of: "command") == ["commandType"])
        #expect(VES541FieldSet.requiredFields(of: "internalHeaderFields").isEmpty)
        #expect(VES541FieldSet.requiredFields(of: "noSuchDatatype").isEmpty)
        #expect(VES541FieldSet.name == "ves-5.4.1")
    }

    @Test("spot checks: the pointer names the field")
    func spotChecks() throws {
        let official = try official()
        let header = "/event/commonEventHeader"
        let gtp = ["event", "mobileFlowFields", "gtpPerFlowMetrics"]
        let cases: [(JSONValue, [String], Mutation, String, String)] = [
            (
                HandMadeEvents541.fault, ["event", "commonEventHeader", "domain"], .replace("measurement"),
                header + "/domain", "enum"
            ),
            (
                HandMadeEvents541.fault, ["event", "commonEventHeader", "version"], .replace("3.0"),
                header + "/version", "type"
            ),
            (
                HandMadeEvents541.fault, ["event", "commonEventHeader", "eventName"], .remove, header + "/eventName",
                "required"
            ),
            (
                HandMadeEvents541.fault, ["event", "faultFields", "vfStatus"], .replace("Requesting Termination"),
                "/event/faultFields/vfStatus", "enum"
            ),
            (
                HandMadeEvents541.fault, ["event", "faultFields", "faultFieldsVersion"], .remove,
                "/event/faultFields/faultFieldsVersion", "required"
            ),
            (
                HandMadeEvents541.heartbeat, ["event", "heartbeatFields", "heartbeatInterval"], .replace(60.5),
                "/event/heartbeatFields/heartbeatInterval", "type"
            ),
            (
                HandMadeEvents541.measurement,
                ["event", "measurementsForVfScalingFields", "vNicPerformanceArray", "0", "valuesAreSuspect"],
                .replace("yes"), "/event/measurementsForVfScalingFields/vNicPerformanceArray/0/valuesAreSuspect",
                "enum"
            ),
            (
                HandMadeEvents541.mobileFlow, gtp + ["ipTosCountList", "1", "1"], .replace("8"),
                "/event/mobileFlowFields/gtpPerFlowMetrics/ipTosCountList/1/1", "type"
            ),
        ]
        for (base, tokens, mutation, pointer, keyword) in cases {
            let mutated = FieldSetComparison.apply(mutation, at: tokens[...], to: base)
            for validator in [builtIn, official] {
                #expect(
                    validator.validate(mutated).map { [$0.pointer, $0.keyword] } == [[pointer, keyword]],
                    "\(pointer): \(validator.validate(mutated))"
                )
            }
        }
        // Unlike 1.1's file, 28.4.1 lets count pairs repeat and run past two members; so do we.
        let repeatedPairs = FieldSetComparison.apply(
            .replace([["0", 1], ["0", 1], ["46", 2, "extra"]]),
            at: (gtp + ["ipTosCountList"])[...],
            to: HandMadeEvents541.mobileFlow
        )
        #expect(builtIn.validate(repeatedPairs).isEmpty)
        #expect(official.validate(repeatedPairs).isEmpty)
        // Records stay open in 5.x: an unknown block or member passes.
        let extended = FieldSetComparison.apply(
            .addUnknownMember,
            at: ["event", "faultFields"],
            to: HandMadeEvents541.fault
        )
        #expect(builtIn.validate(extended).isEmpty)
        // The 7.x domain name is refused.
        let renamed = FieldSetComparison.apply(
            .replace("measurement"),
            at: ["event", "commonEventHeader", "domain"],
            to: HandMadeEvents541.measurement
        )
        #expect(builtIn.validate(renamed).map(\.keyword) == ["enum"])
    }
}
