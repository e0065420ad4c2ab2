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

    /// The peers' v7 cases for this schema whose verdict plain draft-04 validation decides.
    static func peerCases() throws -> [PeerCase] {
        try PeerCase.all().filter {
            // The rule is checked too: cases.jsonl gives peer_specific as a reason text, not a flag.
            let decidedBySchema = $0.rule == "accept" || $0.rule.hasPrefix("schema:")
            return $0.apiVersion == "v7" && !$0.peerSpecific && decidedBySchema
                && $0.schema == "CommonEventFormat_30.2.1_ONAP.json"
        }
    }

    @Test("the peers' v7 cases: same verdict and violations as the official file, and the peer's verdict")
    func peerCaseVerdicts() throws {
        let cases = try Self.peerCases()
        #expect(cases.count >= 8, "found \(cases.count) cases")
        try comparePeerCases(cases)
        print("VES 7.2.1 field set: \(cases.count) peer cases compared")
    }

    @Test("the peers' address cases: refused or accepted as ONAP does, formats being checked")
    func peerFormatCases() throws {
        let cases = try PeerCase.all().filter {
            $0.apiVersion == "v7" && $0.schema == "CommonEventFormat_30.2.1_ONAP.json"
                && ($0.rule.hasPrefix("format:") || $0.rule == "accept:ipv6-zone-index")
        }
        #expect(cases.count >= 8, "found \(cases.count) cases")
        try comparePeerCases(cases)
        print("VES 7.2.1 field set: \(cases.count) peer address cases compared")
    }

    /// Each case's body (or each event of a batch) under both validators: the same violations, and the peer's
    /// verdict.
    func comparePeerCases(_ cases: [PeerCase]) throws {
        let official = try official()
        for peerCase in cases {
            let body = try #require(peerCase.body, "\(peerCase.id) has no JSON body")
            var checks: [(instance: JSONValue, definition: String?, pointer: String)] = [(body, nil, "")]
            if peerCase.route == "batch" {
                let events = try #require(body["eventList"]?.arrayValue, "\(peerCase.id) has no eventList")
                checks = events.enumerated().map { ($0.element, "event", "/eventList/\($0.offset)") }
            }
            var valid = true
            for check in checks {
                let ours: [Violation]
                let theirs: [Violation]
                if let definition = check.definition {
                    ours = builtIn.validate(check.instance, definition: definition, pointer: check.pointer)
                    theirs = official.validate(check.instance, definition: definition, pointer: check.pointer)
                } else {
                    ours = builtIn.validate(check.instance)
                    theirs = official.validate(check.instance)
                }
                #expect(Set(ours) == Set(theirs), "\(peerCase.id) \(check.pointer): ours \(ours), official \(theirs)")
                valid = valid && ours.isEmpty
            }
            #expect(valid == peerCase.expectedValid, "\(peerCase.id) (\(peerCase.rule))")
        }
    }

    @Test("every hand-made base is valid under both")
    func basesAreValid() throws {
        let official = try official()
        // Every domain of the header's enumeration has a body.
        #expect(HandMadeEvents721.bases.count == 14 + 1 + 2)
        for base in HandMadeEvents721.bases {
            let ours = base.violations(builtIn, base.value)
            #expect(ours.isEmpty, "\(base.name): \(ours)")
            #expect(base.violations(official, base.value).isEmpty, "\(base.name)")
        }
    }

    @Test("same violations and right pointers for every mutation", arguments: HandMadeEvents721.bases)
    func mutations(base: MutationBase) async throws {
        let report = try await FieldSetComparison.mutationReport(base: base, builtIn: builtIn, official: try official())
        #expect(report.disagreements.isEmpty, "\(report.disagreements)")
        let misplaced = report.misplacedPointers.filter {
            !Self.isReportedAtOneOf($0, base: base.value) && !Self.isFormatAtItsPlace($0)
        }
        #expect(misplaced.isEmpty, "\(misplaced)")
        #expect(report.mutations > 0)
        #expect(report.invalid > 0, "no mutation of \(base.name) broke the field set")
        print("VES 7.2.1 field set: \(base.name): \(report.mutations) mutations, \(report.invalid) invalid")
    }

    /// draft-04 reports a failed `oneOf` at the value that holds it, not at the member inside that was mutated:
    /// perf3gpp's integer-or-string records (measInfoId, measTypes, each of measResults) are such values, and
    /// both validators report them alike. True for a misplaced-pointer entry of that kind.
    static func isReportedAtOneOf(_ entry: String, base: JSONValue) -> Bool {
        let holders = FieldSetComparison.allPaths(in: base).filter { tokens in
            guard let last = tokens.last else { return false }
            return last == "measInfoId" || last == "measTypes" || tokens.dropLast().last == "measResults"
        }
        return holders.contains { tokens in
            let holder = tokens.reduce("") { JSONPointer.appending($1, to: $0) }
            return entry.hasSuffix(" reported \(holder)") || entry.hasSuffix(": [[\"\(holder)\", \"oneOf\"]]")
        }
    }

    /// A string no enumeration allows, put in an address or a URI, is refused by its format, at its own place.
    static func isFormatAtItsPlace(_ entry: String) -> Bool {
        guard entry.hasPrefix("bad value at "), let colon = entry.firstIndex(of: ":") else { return false }
        let pointer = entry[entry.index(entry.startIndex, offsetBy: "bad value at ".count)..<colon]
        return entry.hasSuffix(": [[\"\(pointer)\", \"format\"]]")
    }

    @Test("the built-in set defines every datatype of the official file, and each one alike")
    func definitions() throws {
        let official = try official()
        let expected = Set(official.definitionNames).subtracting(["schemaLicenseAndCopyrightNotice"])
        #expect(Set(builtIn.definitionNames) == expected)
        // Descriptions and defaults aside, each definition is the file's, so no verdict can differ.
        let file = try SharedMaterial.json(SharedMaterial.path(try #require(SharedMaterial.schemaFiles["30.2.1"])))
        let theirs = try #require(file["definitions"]?.objectValue)
        let ours = try #require(VES721FieldSet.schema["definitions"]?.objectValue)
        for name in expected.sorted() {
            #expect(
                Self.normalized(ours[name]) == Self.normalized(theirs[name]),
                "\(name): ours \(ours[name]?.jsonString() ?? "none")"
            )
        }
        #expect(Self.normalized(VES721FieldSet.schema["properties"]) == Self.normalized(file["properties"]))
        #expect(VES721FieldSet.schema["required"] == nil)
    }

    /// A schema without annotations, its `required` lists in one order and an empty `properties` dropped.
    static func normalized(_ schema: JSONValue?) -> JSONValue? {
        switch schema {
        case .object(let object)?:
            var result = JSONObject()
            for (key, value) in object.members where !["description", "default", "title", "$schema"].contains(key) {
                if key == "required", case .array(let names) = value {
                    result[key] = .array(names.compactMap(\.stringValue).sorted().map(JSONValue.string))
                } else if key == "properties", value.objectValue?.isEmpty == true {
                    continue
                } else {
                    result[key] = normalized(value)
                }
            }
            return .object(result)
        case .array(let elements)?:
            return .array(elements.compactMap { normalized($0) })
        default:
            return schema
        }
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
