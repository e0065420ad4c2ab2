import JSON
import JSONSchema
import TestSupport
import Testing

/// What mutating one base found: how many mutations ran, how many broke the field set, and where the built-in set
/// and the official file disagree or a violation points outside the mutated member.
struct MutationReport: Sendable {
    var mutations = 0
    var invalid = 0
    var disagreements: [String] = []
    var misplacedPointers: [String] = []
    /// Mutations inside a `oneOf` alternative that were reported at the value holding the `oneOf` (perf3gpp's
    /// records): draft-04 reports the failed `oneOf` there, not at the member that changed.
    var reportedAtEnclosingOneOf = 0
    /// Bad values refused by the field's `format` at its own place rather than by an enumeration.
    var refusedByFormat = 0
}

/// What comparing the peers' cases found: how many checks ran, where the two validators' violations differ, and
/// each case whose verdict is not the peer's.
struct PeerCaseReport: Sendable {
    var compared = 0
    var disagreements: [String] = []
    var wrongVerdicts: [String] = []
}

/// Compares a built-in field set with the official file it stands for, the same way for every version.
enum FieldSetComparison {
    /// Every shared sample as a body and in its parts (`event`, each `eventList` item, `eventThrottlingState`):
    /// how many checks ran, and each check where the two validators' violations differ.
    static func sampleDisagreements(
        builtIn: JSONSchemaValidator,
        official: JSONSchemaValidator
    ) async throws -> (compared: Int, disagreements: [String]) {
        // Reading and validating every sample twice is the long part: off the cooperative pool.
        try await offCooperativePool {
            var compared = 0
            var disagreements: [String] = []
            for sample in SampleFiles.all {
                let value = try SharedMaterial.json(SampleFiles.path(sample))
                for (definition, instance, pointer) in parts(of: value) {
                    let ours = violations(of: instance, definition: definition, pointer: pointer, under: builtIn)
                    let theirs = violations(of: instance, definition: definition, pointer: pointer, under: official)
                    compared += 1
                    if Set(ours) != Set(theirs) {
                        disagreements.append("\(sample) \(definition ?? "root"): ours \(ours), official \(theirs)")
                    }
                }
            }
            return (compared, disagreements)
        }
    }

    /// Each peer case's body as a body and in its parts (`event`, the batch's `eventList` and each of its
    /// items): both validators must give the same violations, and together the peer's verdict.
    static func peerCaseReport(
        _ cases: [PeerCase],
        builtIn: JSONSchemaValidator,
        official: JSONSchemaValidator
    ) throws -> PeerCaseReport {
        var report = PeerCaseReport()
        for peerCase in cases {
            let body = try #require(peerCase.body, "\(peerCase.id) has no JSON body")
            if peerCase.route == "batch" {
                try #require(body["eventList"]?.arrayValue != nil, "\(peerCase.id) is a batch with no eventList")
            }
            var valid = true
            for (definition, instance, pointer) in parts(of: body) {
                let ours = violations(of: instance, definition: definition, pointer: pointer, under: builtIn)
                let theirs = violations(of: instance, definition: definition, pointer: pointer, under: official)
                report.compared += 1
                if Set(ours) != Set(theirs) {
                    report.disagreements.append("\(peerCase.id) \(pointer): ours \(ours), official \(theirs)")
                }
                valid = valid && ours.isEmpty
            }
            if valid != peerCase.expectedValid {
                report.wrongVerdicts.append("\(peerCase.id) (\(peerCase.rule)): valid \(valid)")
            }
        }
        return report
    }

    /// Each base that the built-in set or the official file refuses, with its violations under each.
    static func invalidBases(
        _ bases: [MutationBase],
        builtIn: JSONSchemaValidator,
        official: JSONSchemaValidator
    ) -> [String] {
        bases.compactMap { base in
            let (ours, theirs) = (base.violations(builtIn, base.value), base.violations(official, base.value))
            return ours.isEmpty && theirs.isEmpty ? nil : "\(base.name): ours \(ours), official \(theirs)"
        }
    }

    /// An instance's violations under the root schema (`definition` nil) or one definition.
    static func violations(
        of instance: JSONValue,
        definition: String?,
        pointer: String,
        under validator: JSONSchemaValidator
    ) -> [Violation] {
        guard let definition else { return validator.validate(instance) }
        return validator.validate(instance, definition: definition, pointer: pointer)
    }

    /// The body itself, then the parts a listener validates on their own, each with its definition and pointer.
    static func parts(of value: JSONValue) -> [(definition: String?, instance: JSONValue, pointer: String)] {
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
        return checks
    }

    /// Removes every member, gives each one every other JSON type, a string no enumeration allows, and every
    /// object an unknown member; both validators must agree on each, and every violation must point at or under
    /// the mutated place (a dropped member at itself, as `required`; a bad enum value at itself, as `enum`, or as
    /// `format` in a field with a format), or be a `oneOf` failing at a value that holds the mutated place.
    static func mutationReport(
        base: MutationBase,
        builtIn: JSONSchemaValidator,
        official: JSONSchemaValidator
    ) async throws -> MutationReport {
        var planned: [(tokens: [String], pointer: String, mutations: [Mutation])] = []
        for tokens in allPaths(in: base.value) {
            let pointer = tokens.reduce("") { JSONPointer.appending($1, to: $0) }
            let original = try #require(JSONPointer.resolve(pointer, in: base.value))
            var mutations: [Mutation] = []
            if !tokens.isEmpty {
                mutations.append(.remove)
                mutations += Mutation.replacements.filter { $0.typeName != original.typeName }.map(Mutation.replace)
                if case .string = original {
                    mutations.append(.replace(Mutation.badEnumValue))
                }
            }
            if case .object = original {
                mutations.append(.addUnknownMember)
            }
            planned.append((tokens, pointer, mutations))
        }
        // Thousands of validations: off the cooperative pool.
        let results = try await offCooperativePool { [planned] in
            planned.map { plan in
                plan.mutations.map { mutation in
                    let mutated = apply(mutation, at: plan.tokens[...], to: base.value)
                    return (ours: base.violations(builtIn, mutated), theirs: base.violations(official, mutated))
                }
            }
        }
        var report = MutationReport()
        for (plan, violations) in zip(planned, results) {
            let pointer = plan.pointer
            let parentPointer = pointer.lastIndex(of: "/").map { String(pointer[..<$0]) } ?? ""
            let parentIsObject = JSONPointer.resolve(parentPointer, in: base.value)?.objectValue != nil
            for (mutation, (ours, theirs)) in zip(plan.mutations, violations) {
                report.mutations += 1
                if Set(ours) != Set(theirs) {
                    report.disagreements.append("\(mutation) at \(pointer): ours \(ours), official \(theirs)")
                }
                guard !ours.isEmpty else { continue }
                report.invalid += 1
                let places = ours.map { [$0.pointer, $0.keyword] }
                let atEnclosingOneOf = ours.filter { $0.keyword == "oneOf" && pointer.hasPrefix($0.pointer + "/") }
                if !atEnclosingOneOf.isEmpty {
                    report.reportedAtEnclosingOneOf += 1
                }
                let onlyAtEnclosingOneOf = ours.count == 1 && atEnclosingOneOf.count == 1
                switch mutation {
                case .remove where parentIsObject:
                    if places != [[pointer, "required"]] && !onlyAtEnclosingOneOf {
                        report.misplacedPointers.append("remove \(pointer): \(places)")
                    }
                case .replace(Mutation.badEnumValue):
                    if places == [[pointer, "format"]] {
                        report.refusedByFormat += 1
                    } else if places != [[pointer, "enum"]] && !onlyAtEnclosingOneOf {
                        report.misplacedPointers.append("bad value at \(pointer): \(places)")
                    }
                default:
                    for violation in ours
                    where violation.pointer != pointer && !violation.pointer.hasPrefix(pointer + "/")
                        && !atEnclosingOneOf.contains(violation)
                    {
                        report.misplacedPointers.append("\(mutation) at \(pointer) reported \(violation.pointer)")
                    }
                }
            }
        }
        return report
    }

    // MARK: Mutation helpers

    /// The tokens of every member and element, depth first, the root (`[]`) first.
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
            switch mutation {
            case .replace(let replacement):
                return replacement
            case .addUnknownMember:
                guard case .object(var object) = value else { return value }
                object[Mutation.unknownMemberName] = "x"
                return .object(object)
            case .remove:
                return value
            }
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
