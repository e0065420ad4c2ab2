import Collectd
import JSON
import JSONSchema
import TestSupport
import Testing
import VESAgent
import VESModel

/// Runs recorded collectd traces through an agent core configured for one VES version, under the trace clock, and
/// keeps the events it built.
enum VersionedTraceRuns {
    /// The traces in `Fixtures/traces` (recorded from a real collectd, and the generated virt ones).
    static let traces = ["host", "guest", "threshold", "virt-3vms", "virt-8vms-2disks"]

    static func records(_ trace: String) throws -> [CollectdRecord] {
        let path = SharedMaterial.fixture("traces/\(trace).jsonl")
        return try TraceFile.read(path: path, typesDB: .systemOrBuiltIn()).entries.flatMap {
            entry -> [CollectdRecord] in
            if case .records(let records) = entry.payload { return records }
            return []
        }
    }

    /// An agent core of `version` whose events are kept instead of sent (Hostname `agent-host`, no heartbeats
    /// unless `configure` asks).
    static func core(
        _ version: VESVersion,
        configure: (inout AgentConfiguration) -> Void = { _ in }
    ) -> (AgentCore, SentEvents) {
        EventBuilderTests.core { configuration in
            configuration.hostname = "agent-host"
            configuration.vesVersion = version
            configuration.heartbeatInterval = 0
            configuration.timeZoneOffset = "UTC+01:00"
            configure(&configuration)
        }
    }

    /// The events of a whole trace, its last tick included.
    static func events(
        _ version: VESVersion,
        trace: String,
        configure: (inout AgentConfiguration) -> Void = { _ in }
    ) throws -> [JSONValue] {
        let (core, sent) = core(version, configure: configure)
        core.ingest(try records(trace))
        core.finalTraceTick()
        return sent.all
    }

    /// The official schema file each version's events are checked against too, compiled once, formats checked.
    static let officialFiles: [VESVersion: String] = [
        .ves541: "ves/schemas/CommonEventFormat_28.4.1.json",
        .ves721: "ves/schemas/CommonEventFormat_30.2.1_ONAP.json",
    ]

    static let officialValidators: [VESVersion: JSONSchemaValidator] = {
        var validators: [VESVersion: JSONSchemaValidator] = [:]
        for (version, file) in officialFiles {
            validators[version] = try? JSONSchemaValidator(contentsOfFile: SharedMaterial.path(file), formats: .checked)
        }
        return validators
    }()

    /// Every violation of every event, as `#N pointer: message` lines (empty when all are valid).
    static func violations(_ events: [JSONValue], _ validator: JSONSchemaValidator) -> [String] {
        events.enumerated().flatMap { index, event in
            validator.validate(["event": event]).map { "#\(index) \($0.pointer): \($0.message)" }
        }
    }

    /// The domain block of an event, whatever the version calls it.
    static func measurementFields(_ event: JSONValue) -> JSONValue? {
        event["measurementFields"] ?? event["measurementsForVfScalingFields"]
    }

    static func header(_ event: JSONValue) -> JSONValue? {
        event["commonEventHeader"]
    }

    static func domain(_ event: JSONValue) -> String {
        event["commonEventHeader"]?["domain"]?.stringValue ?? ""
    }
}

/// One version and one trace, for parameterised tests.
struct VersionedTraceCase: CustomTestStringConvertible, Sendable {
    let version: VESVersion
    let trace: String
    let guestRunning: Bool

    var testDescription: String { "\(version.rawValue) \(trace)\(guestRunning ? " (GuestRunning)" : "")" }

    static let all: [VersionedTraceCase] = [VESVersion.ves541, .ves721].flatMap { version in
        VersionedTraceRuns.traces.map { VersionedTraceCase(version: version, trace: $0, guestRunning: $0 == "guest") }
    }
}
