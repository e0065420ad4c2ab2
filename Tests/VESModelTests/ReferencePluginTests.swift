import Foundation
import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

/// One way to run the reference plugin.
struct PluginMode: CustomTestStringConvertible, Sendable {
    let name: String
    let configuration: [String]
    /// What the plugin puts in `faultFields.eventSourceType` in this mode.
    let faultSourceType: String

    var testDescription: String { name }

    static let all = [
        PluginMode(name: "virt", configuration: [], faultSourceType: "host(3)"),
        PluginMode(
            name: "GuestRunning",
            configuration: ["--config", "GuestRunning=true"],
            faultSourceType: "virtualMachine(8)"
        ),
    ]
}

@Suite(
    "Events of the reference collectd plugin",
    .needsShared("reference/seed_oracle.py", "seed/ves_plugin.py", "collectd/types.db", "ves/schemas")
)
struct ReferencePluginTests {
    static let trace = "virt-and-host.jsonl"

    /// Runs `seed_oracle.py` on the fixture trace and returns the event bodies the plugin would POST.
    static func referenceEvents(_ mode: PluginMode) async throws -> [JSONValue] {
        guard PythonRunner.executable != nil else {
            Issue.record("python3 is not on PATH; the reference plugin runs under Python 3 (install python3)")
            return []
        }
        let arguments =
            [
                SharedMaterial.path("reference/seed_oracle.py"),
                "--plugin", SharedMaterial.path("seed/ves_plugin.py"),
                "--types-db", SharedMaterial.path("collectd/types.db"),
                "--hostname", "compute-0",
                "--interval", "20",
                "--final-tick",
            ] + mode.configuration
        let input = try Data(contentsOf: URL(fileURLWithPath: SharedMaterial.modelFixture(trace)))
        // Waiting for python blocks a thread: not one of the cooperative pool's.
        let workingDirectory = SharedMaterial.path("reference")
        let run = try #require(
            try await offCooperativePool {
                PythonRunner.run(arguments, input: input, workingDirectory: workingDirectory)
            },
            "python3 could not be started"
        )
        try #require(run.status == 0, "seed_oracle.py failed (\(run.status)): \(run.errors)")
        #expect(!run.errors.contains("raised"), "the plugin raised: \(run.errors)")
        var bodies: [JSONValue] = []
        for line in run.output.split(separator: "\n") where !line.isEmpty {
            let record = try JSONParser().parse(String(line))
            bodies.append(try #require(record["event"], "a runner line without 'event': \(line)"))
        }
        return bodies
    }

    static func domain(_ body: JSONValue) -> String? {
        body["event"]?["commonEventHeader"]?["domain"]?.stringValue
    }

    @Test("measurement and fault events validate under VES 1.1 and not under 27.2", arguments: PluginMode.all)
    func events(mode: PluginMode) async throws {
        let bodies = try await Self.referenceEvents(mode)
        let measurements = bodies.filter { Self.domain($0) == "measurementsForVfScaling" }
        let faults = bodies.filter { Self.domain($0) == "fault" }
        #expect(!measurements.isEmpty, "no measurementsForVfScaling event in \(mode.name) mode")
        #expect(!faults.isEmpty, "no fault event in \(mode.name) mode")
        #expect(measurements.count + faults.count == bodies.count)

        let official = try SharedMaterial.officialValidator("ve-1.1 (att-2016-06)")
        let schema27 = try SharedMaterial.officialValidator("27.2")
        for body in bodies {
            let eventId = body["event"]?["commonEventHeader"]?["eventId"]?.stringValue ?? "?"
            #expect(
                VES11FieldSet.validator.validate(body).isEmpty,
                "event \(eventId): \(VES11FieldSet.validator.validate(body))"
            )
            #expect(official.validate(body).isEmpty, "event \(eventId): \(official.validate(body))")
        }
        for body in measurements {
            let violations = schema27.validate(body)
            #expect(
                violations.contains {
                    $0.pointer == "/event/measurementsForVfScalingFields/errors" && $0.keyword == "type"
                        && $0.message == "[] is not of type 'object'"
                },
                "\(violations)"
            )
        }
        for body in faults {
            #expect(body["event"]?["faultFields"]?["eventSourceType"]?.stringValue == mode.faultSourceType)
        }
    }

    @Test("the benchmark's measurement fixture is what the runner produces from the trace")
    func benchmarkFixture() async throws {
        let fixture = try SharedMaterial.json(SharedMaterial.modelFixture("measurement-1.3k.json"))
        let guestMode = try #require(PluginMode.all.first { $0.name == "GuestRunning" })
        let bodies = try await Self.referenceEvents(guestMode)
        #expect(bodies.contains(fixture))
        let size = fixture.jsonBytes().count
        #expect(size > 1200 && size < 1400, "the fixture is \(size) bytes compact")
        #expect(VES11FieldSet.validator.validate(fixture).isEmpty)
    }
}
