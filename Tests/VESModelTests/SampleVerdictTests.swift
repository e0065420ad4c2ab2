import Foundation
import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

/// One sample under one schema, as listed in `ves/samples/EXPECTED_VERDICTS.json`.
struct SampleVerdict: CustomTestStringConvertible, Sendable {
    /// Path relative to `ves/` in the shared directory.
    let sample: String
    /// The verdict file's schema key (`ve-1.1 (att-2016-06)`, `27.2`, ...).
    let schemaKey: String
    /// `valid`, or `invalid: <message, cut short>`.
    let expected: String
    /// For the VES 1.1 key: true checks the built-in field set, false the official file.
    let builtIn: Bool

    var testDescription: String {
        let name = sample.split(separator: "/").last.map(String.init) ?? sample
        return
            "\(name) under \(schemaKey)\(schemaKey.hasPrefix("ve-1.1") ? (builtIn ? " [built-in]" : " [official file]") : "")"
    }

    static let verdictFile = SharedMaterial.path("ves/samples/EXPECTED_VERDICTS.json")

    /// Every case of the verdict file, read when the tests are collected.
    static let all: [SampleVerdict] = {
        guard let document = try? SharedMaterial.json(verdictFile), case .object(let samples) = document else {
            return []
        }
        var cases: [SampleVerdict] = []
        for sample in samples.members {
            guard case .object(let verdicts) = sample.value else { continue }
            for verdict in verdicts.members {
                guard let expected = verdict.value.stringValue else { continue }
                if verdict.key.hasPrefix("ve-1.1") {
                    cases.append(
                        SampleVerdict(sample: sample.key, schemaKey: verdict.key, expected: expected, builtIn: true)
                    )
                }
                cases.append(
                    SampleVerdict(sample: sample.key, schemaKey: verdict.key, expected: expected, builtIn: false)
                )
            }
        }
        return cases
    }()

    func validator() throws -> JSONSchemaValidator {
        builtIn ? VES11FieldSet.validator : try SharedMaterial.officialValidator(schemaKey)
    }
}

@Suite("Sample events against the expected verdicts", .needsShared("ves/samples", "ves/schemas"))
struct SampleVerdictTests {
    @Test("the verdict file is found and lists every schema")
    func verdictFileIsRead() {
        #expect(
            SampleVerdict.all.count >= 17 * 5,
            "read \(SampleVerdict.all.count) cases from \(SampleVerdict.verdictFile)"
        )
        #expect(Set(SampleVerdict.all.map(\.schemaKey)) == Set(SharedMaterial.schemaFiles.keys))
    }

    @Test("verdict and message match", arguments: SampleVerdict.all)
    func verdict(_ verdict: SampleVerdict) throws {
        let instance = try SharedMaterial.json(SharedMaterial.path("ves/" + verdict.sample))
        let violations = try verdict.validator().validate(instance)
        let messages = violations.map(\.message)
        if verdict.expected == "valid" {
            #expect(violations.isEmpty, "expected valid, got \(messages)")
        } else {
            let prefix = try #require(
                verdict.expected.split(separator: "invalid: ", maxSplits: 1).last.map(String.init)
            )
            #expect(!violations.isEmpty, "expected invalid (\(prefix))")
            #expect(messages.contains { $0.hasPrefix(prefix) }, "no message starts with \"\(prefix)\"; got \(messages)")
        }
        for violation in violations {
            #expect(Self.pointerIsInside(violation, instance), "\(violation.pointer) is not in the sample")
        }
    }

    /// The pointer names a value of the instance; for `required`, its parent does.
    static func pointerIsInside(_ violation: Violation, _ instance: JSONValue) -> Bool {
        var pointer = violation.pointer
        if violation.keyword == "required", let slash = pointer.lastIndex(of: "/") {
            pointer = String(pointer[..<slash])
        }
        return JSONPointer.resolve(pointer, in: instance) != nil
    }

    /// Whether python3 with `jsonschema` installed is here (asked off the cooperative pool: it waits for python).
    static func pythonHasJSONSchema() async throws -> Bool {
        try await offCooperativePool {
            PythonRunner.run(["-c", "import jsonschema"], input: Data())?.status == 0
        }
    }

    @Test(
        "every violation agrees with Python's jsonschema (when installed)",
        .enabled("python3 with the jsonschema module is not installed") { try await pythonHasJSONSchema() },
        arguments: SharedMaterial.schemaFiles.keys.sorted()
    )
    func agreesWithPython(schemaKey: String) async throws {
        let samples = Set(SampleVerdict.all.map(\.sample)).sorted()
        let schemaPath = SharedMaterial.path(try #require(SharedMaterial.schemaFiles[schemaKey]))
        let script = """
            import json, sys
            from jsonschema import Draft4Validator
            validator = Draft4Validator(json.load(open(sys.argv[1])))
            def token(part):
                return str(part).replace('~', '~0').replace('/', '~1')
            out = []
            for sample in sys.argv[2:]:
                errors = []
                for error in validator.iter_errors(json.load(open(sample))):
                    pointer = ''.join('/' + token(p) for p in error.absolute_path)
                    if error.validator == 'required':
                        pointer += '/' + token(error.message[1:error.message.index("' is a required property")])
                    errors.append([pointer, error.validator, error.message])
                out.append(sorted(errors))
            print(json.dumps(out))
            """
        let paths = samples.map { SharedMaterial.path("ves/" + $0) }
        let run = try #require(
            try await offCooperativePool { PythonRunner.run(["-c", script, schemaPath] + paths, input: Data()) }
        )
        try #require(run.status == 0, "python failed: \(run.errors)")
        let expected = try #require(try JSONParser().parse(Array(run.output.utf8)).arrayValue)
        let validator = try SharedMaterial.officialValidator(schemaKey)
        for (index, sample) in samples.enumerated() {
            let ours = validator.validate(try SharedMaterial.json(paths[index]))
                .map { JSONValue.array([.string($0.pointer), .string($0.keyword), .string($0.message)]) }
            let theirs = try #require(expected[index].arrayValue)
            #expect(Set(ours.map { $0.jsonString() }) == Set(theirs.map { $0.jsonString() }), "\(sample)")
            #expect(ours.count == theirs.count, "\(sample)")
        }
    }
}
