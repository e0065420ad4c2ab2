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
        if let definition {
            return validator.validate(instance, definition: definition, pointer: "")
        }
        return validator.validate(instance)
    }

    /// Hand-made bodies of every domain, the samples valid under the official 1.1 file, and the reference
    /// plugin's measurement event from the fixtures.
    static let all: [MutationBase] = {
        var bases = HandMadeEvents.events.map { MutationBase(name: "hand-made \($0.0)", value: $0.1, definition: nil) }
        bases += HandMadeEvents.definitions.map {
            MutationBase(name: "hand-made \($0.definition) definition", value: $0.value, definition: $0.definition)
        }
        if let official = SharedMaterial.officialValidators["ve-1.1 (att-2016-06)"] {
            for sample in SampleFiles.all {
                guard let value = try? SharedMaterial.json(SampleFiles.path(sample)) else { continue }
                if value["event"] != nil, official.validate(value).isEmpty {
                    bases.append(MutationBase(name: "sample \(sample)", value: value, definition: nil))
                }
            }
        }
        if let value = try? SharedMaterial.json(SharedMaterial.modelFixture("measurement-1.3k.json")) {
            bases.append(MutationBase(name: "reference plugin measurement", value: value, definition: nil))
        }
        return bases
    }()
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
enum Mutation: CustomStringConvertible {
    case remove
    case replace(JSONValue)

    var description: String {
        switch self {
        case .remove: "remove"
        case .replace(let value): "replace with \(value.jsonString())"
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
        let official = try official()
        let builtIn = builtIn
        #expect(SampleFiles.all.count >= 40, "found \(SampleFiles.all.count) samples in \(SampleFiles.directory)")
        // Reading and validating every sample twice is the long part: off the cooperative pool.
        let comparisons = try await offCooperativePool {
            var comparisons: [(sample: String, definition: String?, ours: [Violation], theirs: [Violation])] = []
            for sample in SampleFiles.all {
                let value = try SharedMaterial.json(SampleFiles.path(sample))
                var checks: [(String?, JSONValue, String)] = [(nil, value, "")]
                if let event = value["event"] {
                    checks.append(("event", event, "/event"))
                }
                if case .array(let events)? = value["eventList"] {
                    checks.append(("eventList", .array(events), "/eventList"))
                    for (index, event) in events.enumerated() {
                        checks.append(("event", event, "/eventList/\(index)"))
                    }
                }
                if let state = value["eventThrottlingState"] {
                    checks.append(("eventThrottlingState", state, "/eventThrottlingState"))
                }
                for (definition, instance, pointer) in checks {
                    if let definition {
                        comparisons.append(
                            (
                                sample, definition,
                                builtIn.validate(instance, definition: definition, pointer: pointer),
                                official.validate(instance, definition: definition, pointer: pointer)
                            )
                        )
                    } else {
                        comparisons.append((sample, nil, builtIn.validate(instance), official.validate(instance)))
                    }
                }
            }
            return comparisons
        }
        var compared = 0
        for (sample, definition, ours, theirs) in comparisons {
            #expect(Set(ours) == Set(theirs), "\(sample) \(definition ?? "root")")
            compared += 1
        }
        #expect(compared > SampleFiles.all.count)
    }

    @Test("the built-in set defines every datatype of the official file")
    func definitions() throws {
        let official = try official()
        let expected = Set(official.definitionNames).subtracting(["attCopyrightNotice"])
        #expect(Set(builtIn.definitionNames) == expected)
        for name in ["event", "eventList", "eventThrottlingState", "requestError", "commonEventHeader"] {
            #expect(builtIn.hasDefinition(name))
        }
    }

    @Test("every base is valid under both")
    func basesAreValid() throws {
        let official = try official()
        #expect(MutationBase.all.count >= HandMadeEvents.events.count + HandMadeEvents.definitions.count + 4)
        for base in MutationBase.all {
            #expect(
                base.violations(builtIn, base.value).isEmpty,
                "\(base.name): \(base.violations(builtIn, base.value))"
            )
            #expect(base.violations(official, base.value).isEmpty, "\(base.name)")
        }
    }

    @Test("same violations and right pointers for every mutation", arguments: MutationBase.all)
    func mutations(base: MutationBase) async throws {
        let official = try official()
        let builtIn = builtIn
        var planned: [(tokens: [String], pointer: String, mutations: [Mutation])] = []
        for tokens in Self.allPaths(in: base.value) where !tokens.isEmpty {
            let pointer = tokens.reduce("") { JSONPointer.appending($1, to: $0) }
            let original = try #require(JSONPointer.resolve(pointer, in: base.value))
            var mutations: [Mutation] = [.remove]
            mutations += Mutation.replacements.filter { $0.typeName != original.typeName }.map(Mutation.replace)
            if case .string = original {
                mutations.append(.replace(Mutation.badEnumValue))
            }
            planned.append((tokens, pointer, mutations))
        }
        // Thousands of validations: off the cooperative pool; the checks below run on the test's task.
        let results = try await offCooperativePool { [planned] in
            planned.map { plan in
                plan.mutations.map { mutation in
                    let mutated = Self.apply(mutation, at: plan.tokens[...], to: base.value)
                    return (ours: base.violations(builtIn, mutated), theirs: base.violations(official, mutated))
                }
            }
        }
        var mutationCount = 0
        var invalidCount = 0
        for (plan, violations) in zip(planned, results) {
            let pointer = plan.pointer
            for (mutation, (ours, theirs)) in zip(plan.mutations, violations) {
                mutationCount += 1
                #expect(Set(ours) == Set(theirs), "\(mutation) at \(pointer)")
                guard !ours.isEmpty else { continue }
                invalidCount += 1
                let parentIsObject =
                    JSONPointer.resolve(String(pointer[..<pointer.lastIndex(of: "/")!]), in: base.value)?.objectValue
                    != nil
                switch mutation {
                case .remove where parentIsObject:
                    // A dropped member can only break `required`, named by the member's own pointer.
                    #expect(ours.map { [$0.pointer, $0.keyword] } == [[pointer, "required"]], "remove \(pointer)")
                case .replace(Mutation.badEnumValue):
                    #expect(ours.map { [$0.pointer, $0.keyword] } == [[pointer, "enum"]], "bad value at \(pointer)")
                default:
                    for violation in ours {
                        #expect(
                            violation.pointer == pointer || violation.pointer.hasPrefix(pointer + "/"),
                            "\(mutation) at \(pointer) reported \(violation.pointer)"
                        )
                    }
                }
            }
        }
        #expect(mutationCount > 0)
        #expect(invalidCount > 0, "no mutation of \(base.name) broke the field set")
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
            let mutated = Self.apply(mutation, at: tokens[...], to: HandMadeEvents.fault)
            for validator in [builtIn, official] {
                #expect(
                    validator.validate(mutated).map { [$0.pointer, $0.keyword] } == [[pointer, keyword]],
                    "\(pointer)"
                )
            }
        }
        let syslogType = Self.apply(
            .replace("virtualNetworkFunction(9)"),
            at: ["event", "faultFields", "eventSourceType"],
            to: HandMadeEvents.fault
        )
        #expect(builtIn.validate(syslogType).map(\.keyword) == ["enum"])
        let measurement = try SharedMaterial.json(SharedMaterial.modelFixture("measurement-1.3k.json"))
        let noVNics = Self.apply(
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

    // MARK: Mutation helpers

    /// The tokens of every member and element, depth first.
    static func allPaths(in value: JSONValue) -> [[String]] {
        var paths: [[String]] = [[]]
        switch value {
        case .object(let object):
            for member in object.members {
                paths += allPaths(in: member.value).map { [member.key] + $0 }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                paths += allPaths(in: element).map { [String(index)] + $0 }
            }
        default:
            break
        }
        return paths
    }

    static func apply(_ mutation: Mutation, at tokens: ArraySlice<String>, to value: JSONValue) -> JSONValue {
        guard let token = tokens.first else {
            if case .replace(let replacement) = mutation { return replacement }
            return value
        }
        let rest = tokens.dropFirst()
        switch value {
        case .object(var object):
            guard let child = object[token] else { return value }
            if rest.isEmpty, case .remove = mutation {
                object[token] = nil
            } else {
                object[token] = apply(mutation, at: rest, to: child)
            }
            return .object(object)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else { return value }
            if rest.isEmpty, case .remove = mutation {
                elements.remove(at: index)
            } else {
                elements[index] = apply(mutation, at: rest, to: elements[index])
            }
            return .array(elements)
        default:
            return value
        }
    }
}
