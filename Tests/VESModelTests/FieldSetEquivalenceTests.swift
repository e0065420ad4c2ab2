import Foundation
import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

/// A valid VES 1.1 value to mutate, checked against the root schema or one definition.
struct MutationBase: CustomTestStringConvertible, Sendable {
    let name: String
    let value: JSONValue
    /// nil: the root schema (`{"event": ...}` bodies).
    let definition: String?

    var testDescription: String { name }

    func violations(_ validator: JSONSchemaValidator, _ instance: JSONValue) -> [Violation] {
        FieldSetComparison.violations(of: instance, definition: definition, pointer: "", under: validator)
    }

    /// Hand-made bodies of every domain, the samples valid under the official 1.1 file, and the reference
    /// plugin's measurement event from the fixtures.
    static let all: [MutationBase] = {
        var bases = HandMadeEvents.events.map { MutationBase(name: "hand-made \($0.0)", value: $0.1, definition: nil) }
        bases += HandMadeEvents.definitions.map {
            MutationBase(name: "hand-made \($0.definition) definition", value: $0.value, definition: $0.definition)
        }
        bases += shared(officialKey: "ve-1.1 (att-2016-06)", apiVersion: "v1")
        if let value = try? SharedMaterial.json(SharedMaterial.modelFixture("measurement-1.3k.json")) {
            bases.append(MutationBase(name: "reference plugin measurement", value: value, definition: nil))
        }
        return bases
    }()

    /// The shared samples and the peers' cases of `apiVersion` (not peer-specific) that the official file takes,
    /// as bases, so mutations also start from events other people wrote; empty on a bare clone.
    static func shared(officialKey: String, apiVersion: String) -> [MutationBase] {
        guard let official = SharedMaterial.officialValidators[officialKey] else { return [] }
        var bases: [MutationBase] = []
        for sample in SampleFiles.all {
            guard let value = try? SharedMaterial.json(SampleFiles.path(sample)) else { continue }
            if value["event"] != nil || value["eventList"] != nil, official.validate(value).isEmpty {
                bases.append(MutationBase(name: "sample \(sample)", value: value, definition: nil))
            }
        }
        for peerCase in (try? PeerCase.all()) ?? []
        where peerCase.apiVersion == apiVersion && !peerCase.peerSpecific && peerCase.expectedValid {
            guard let body = peerCase.body, official.validate(body).isEmpty else { continue }
            bases.append(MutationBase(name: "peer case \(peerCase.id)", value: body, definition: nil))
        }
        return bases
    }
}

/// Every sample file under `ves/samples`, relative to that directory.
enum SampleFiles {
    static let directory = SharedMaterial.path("ves/samples")

    static let all: [String] = {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }
            .filter { ($0.hasSuffix(".json") || $0.hasSuffix(".txt")) && !$0.hasSuffix("EXPECTED_VERDICTS.json") }
            .sorted()
    }()

    static func path(_ sample: String) -> String {
        directory + "/" + sample
    }
}

/// How one mutation changes a value at a pointer.
enum Mutation: CustomStringConvertible, Sendable {
    case remove
    case replace(JSONValue)
    /// Adds `unknownMemberName` to the object there (closed 7.x records reject it).
    case addUnknownMember

    static let unknownMemberName = "notInTheFieldSet"

    var description: String {
        switch self {
        case .remove: "remove"
        case .replace(let value): "replace with \(value.jsonString())"
        case .addUnknownMember: "add member '\(Self.unknownMemberName)'"
        }
    }

    /// One value of each JSON type.
    static let replacements: [JSONValue] = [.null, true, 0, 1.5, "x", [], [:]]
    /// A string no enumeration of the field set allows.
    static let badEnumValue: JSONValue = "not-an-allowed-value"
}

@Suite("Built-in VES 1.1 field set against the official file", .needsShared("ves/schemas", "ves/samples"))
struct FieldSetEquivalenceTests {
    let builtIn = VES11FieldSet.validator

    func official() throws -> JSONSchemaValidator {
        try SharedMaterial.officialValidator("ve-1.1 (att-2016-06)")
    }

    @Test("same violations on every sample, as a body and in its parts")
    func samples() async throws {
        #expect(SampleFiles.all.count >= 40, "found \(SampleFiles.all.count) samples in \(SampleFiles.directory)")
        let result = try await FieldSetComparison.sampleDisagreements(builtIn: builtIn, official: try official())
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > SampleFiles.all.count)
        print("VES 1.1 field set: \(result.compared) sample checks compared")
    }

    @Test("the built-in set defines every datatype of the official file, and each one alike")
    func definitions() throws {
        for name in ["event", "eventList", "eventThrottlingState", "requestError", "commonEventHeader"] {
            #expect(builtIn.hasDefinition(name))
        }
        // Descriptions aside, each definition is the file's, so no verdict can differ.
        let result = try FieldSetComparison.definitionDisagreements(
            builtIn: builtIn,
            builtInSchema: VES11FieldSet.schema,
            official: try official(),
            officialFile: try #require(SharedMaterial.schemaFiles["ve-1.1 (att-2016-06)"]),
            ignored: ["attCopyrightNotice"]
        )
        #expect(result.disagreements.isEmpty, "\(result.disagreements)")
        #expect(result.compared > 1)
        print("VES 1.1 field set: \(result.compared) definitions compared")
    }

    @Test("every base is valid under both")
    func basesAreValid() throws {
        #expect(MutationBase.all.count >= HandMadeEvents.events.count + HandMadeEvents.definitions.count + 4)
        let invalid = FieldSetComparison.invalidBases(MutationBase.all, builtIn: builtIn, official: try official())
        #expect(invalid.isEmpty, "\(invalid)")
    }

    @Test("same violations and right pointers for every mutation", arguments: MutationBase.all)
    func mutations(base: MutationBase) async throws {
        let report = try await FieldSetComparison.mutationReport(base: base, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        #expect(report.misplacedPointers.isEmpty, "\(report.misplacedPointers)")
        #expect(report.mutations > 0)
        #expect(report.invalid > 0, "no mutation of \(base.name) broke the field set")
        print("VES 1.1 field set: \(base.name): \(report.mutations) mutations, \(report.invalid) invalid")
    }

    @Test("spot checks: the pointer names the field")
    func spotChecks() throws {
        let official = try official()
        let cases: [([String], Mutation, String, String)] = [
            (["event", "faultFields", "eventSeverity"], .remove, "/event/faultFields/eventSeverity", "required"),
            (
                ["event", "faultFields", "eventSourceType"], .replace("port"), "/event/faultFields/eventSourceType",
                "enum"
            ),
            (
                ["event", "faultFields", "vfStatus"], .replace("Requesting Termination"), "/event/faultFields/vfStatus",
                "enum"
            ),
            (["event", "commonEventHeader", "sequence"], .replace(1.5), "/event/commonEventHeader/sequence", "type"),
            (
                ["event", "commonEventHeader", "domain"], .replace("measurement"), "/event/commonEventHeader/domain",
                "enum"
            ),
            (["event", "commonEventHeader"], .remove, "/event/commonEventHeader", "required"),
            (
                ["event", "faultFields", "alarmAdditionalInformation", "1", "value"], .replace(2),
                "/event/faultFields/alarmAdditionalInformation/1/value", "type"
            ),
        ]
        for (tokens, mutation, pointer, keyword) in cases {
            let mutated = FieldSetComparison.apply(mutation, at: tokens[...], to: HandMadeEvents.fault)
            for validator in [builtIn, official] {
                #expect(
                    validator.validate(mutated).map { [$0.pointer, $0.keyword] } == [[pointer, keyword]],
                    "\(pointer)"
                )
            }
        }
        let syslogType = FieldSetComparison.apply(
            .replace("virtualNetworkFunction(9)"),
            at: ["event", "faultFields", "eventSourceType"],
            to: HandMadeEvents.fault
        )
        #expect(builtIn.validate(syslogType).map(\.keyword) == ["enum"])
        let measurement = try SharedMaterial.json(SharedMaterial.modelFixture("measurement-1.3k.json"))
        let noVNics = FieldSetComparison.apply(
            .remove,
            at: ["event", "measurementsForVfScalingFields", "vNicUsageArray"],
            to: measurement
        )
        #expect(
            builtIn.validate(noVNics)
                == [
                    Violation(
                        pointer: "/event/measurementsForVfScalingFields/vNicUsageArray",
                        message: "'vNicUsageArray' is a required property",
                        keyword: "required"
                    )
                ]
        )
    }
}
