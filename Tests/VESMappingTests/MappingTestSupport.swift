import Collectd
import Foundation
import JSON
import JSONSchema
import TestSupport
import VESMapping
import VESModel

/// The reference mapping files (read in place from ../shared), the project's traces, and the validators every
/// built event must pass.
enum MappingMaterial {
    static let folder = "reference/ves_app"
    static let barometerFiles = ["host.yaml", "guest.yaml", "hypervisor.yaml", "node.yaml"]
    static let oranFile = "oran-sc_smo-ves_agent_host_ves7.2.1.yaml"
    static let settings = MappingSettings(hostname: "mapping-test-host", sendInterval: 10)

    /// Every YAML file in the reference folder.
    static func yamlFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: SharedMaterial.path(folder))
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    static func load(_ name: String) throws -> MappingFile {
        try MappingFile.load(path: SharedMaterial.path("\(folder)/\(name)"))
    }

    static let official541 = Result {
        try JSONSchemaValidator(
            contentsOfFile: SharedMaterial.path("ves/schemas/CommonEventFormat_28.4.1.json"),
            formats: .checked
        )
    }
    static let official721 = Result {
        try JSONSchemaValidator(
            contentsOfFile: SharedMaterial.path("ves/schemas/CommonEventFormat_30.2.1_ONAP.json"),
            formats: .checked
        )
    }

    /// The violations of an event's body under the built-in field set and the official file of its version,
    /// each prefixed with which one found it.
    static func violations(_ event: MappedEvent) throws -> [String] {
        let builtIn = event.version == .ves721 ? VES721FieldSet.validator : VES541FieldSet.validator
        let official = try (event.version == .ves721 ? official721 : official541).get()
        let body = event.body
        return builtIn.validate(body).map { "built-in \($0.pointer): \($0.message)" }
            + official.validate(body).map { "official \($0.pointer): \($0.message)" }
    }
}

/// A trace replayed as ves_app's cache saw it: the latest value per identity, in first-seen order, values older
/// than two send intervals aged out, and a tick every send interval of trace time.
struct TraceTicks {
    struct Tick {
        var now: Double
        var values: [MappingValue]
    }

    var ticks: [Tick] = []
    var notifications: [Collectd.Notification] = []

    init(records: [CollectdRecord], sendInterval: Double) {
        var order: [[String]] = []
        var latest: [[String]: MappingValue] = [:]
        var nextTick: Double?
        func current(at now: Double) -> [MappingValue] {
            order.compactMap { latest[$0] }.filter { $0.time >= now - 2 * sendInterval }
        }
        for record in records {
            let time = record.time.seconds
            if let tick = nextTick, time >= tick {
                ticks.append(Tick(now: tick, values: current(at: tick)))
                nextTick = tick + sendInterval * ((time - tick) / sendInterval).rounded(.down) + sendInterval
            } else if nextTick == nil {
                nextTick = time + sendInterval
            }
            switch record {
            case .values(let list):
                for row in MappingValue.rows(of: list, typesDB: .builtIn) {
                    let key = [row.host, row.plugin, row.pluginInstance, row.type, row.typeInstance, row.dsName]
                    if latest[key] == nil { order.append(key) }
                    latest[key] = row
                }
            case .notification(let notification):
                notifications.append(notification)
            }
        }
        if let tick = nextTick {
            ticks.append(Tick(now: tick, values: current(at: tick)))
        }
    }

    /// The records of a trace in `Fixtures/traces`.
    static func records(_ name: String) throws -> [CollectdRecord] {
        let (_, entries) = try TraceFile.read(path: SharedMaterial.fixture("traces/\(name)"), typesDB: .builtIn)
        return entries.flatMap { entry -> [CollectdRecord] in
            guard case .records(let records) = entry.payload else { return [] }
            return records
        }
    }

    static func load(_ name: String, sendInterval: Double = MappingMaterial.settings.sendInterval) throws -> TraceTicks
    {
        TraceTicks(records: try records(name), sendInterval: sendInterval)
    }
}

extension MappingFile {
    /// Every measurement event of every tick of a trace, eventIds from 1.
    func measurements(of trace: TraceTicks, settings: MappingSettings = MappingMaterial.settings) -> MappingOutput {
        var all = MappingOutput()
        var ids: UInt64 = 0
        for tick in trace.ticks {
            let output = measurements(values: tick.values, now: tick.now, settings: settings, eventIds: &ids)
            all.events += output.events
            all.notes += output.notes
        }
        return all
    }
}

extension MappingFile {
    /// The faults of one notification, built a second after it with the test settings.
    func faults(_ notification: Collectd.Notification, eventIds: inout UInt64) -> MappingOutput {
        faults(
            notification: notification,
            now: notification.time.seconds + 1,
            settings: MappingMaterial.settings,
            eventIds: &eventIds
        )
    }
}

extension Collectd.Notification {
    /// A notification of host compute-0 for the tests.
    static func test(
        _ severity: Severity,
        at seconds: Double,
        plugin: String,
        pluginInstance: String = "",
        type: String = "",
        typeInstance: String = "",
        message: String = "over the limit"
    ) -> Self {
        Self(
            severity: severity,
            time: CollectdTime(seconds: seconds),
            message: message,
            host: "compute-0",
            plugin: plugin,
            pluginInstance: pluginInstance,
            type: type,
            typeInstance: typeInstance
        )
    }
}

extension JSONValue {
    /// The member at a path of keys and array indexes, for short assertions.
    subscript(path path: Any...) -> JSONValue? {
        var current: JSONValue? = self
        for step in path {
            if let key = step as? String {
                current = current?[key]
            } else if let index = step as? Int {
                current = current?[index]
            }
        }
        return current
    }

    var arrayCount: Int? {
        guard case .array(let elements) = self else { return nil }
        return elements.count
    }
}

/// Writes a mapping file under a fresh name in the temporary folder, so its path can be checked in errors.
enum TemporaryMapping {
    static func write(_ yaml: String, name: String = "broken.yaml") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ves-mapping-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The error loading `yaml` from a file throws; nil when it loads.
    static func error(_ yaml: String, name: String = "broken.yaml") throws -> (path: String, error: MappingError?) {
        let path = try write(yaml, name: name)
        do {
            _ = try MappingFile.load(path: path)
            return (path, nil)
        } catch {
            return (path, error)
        }
    }
}
