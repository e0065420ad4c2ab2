import Collectd
import JSON
import VESModel

// How a VES 1.1 event is written: byte for byte what the reference plugin's `json.dumps` gave, in its member
// order, without building a tree first.

/// Writes one event as the plugin's `get_json` does, leaving out what a throttling specification suppresses
/// (never a required field).
struct EventWriter {
    var json = PythonJSONWriter(capacity: 1536)
    let suppressedFields: Set<String>
    let suppressedPairs: [String: Set<String>]

    init(throttling: ThrottlingPolicy.DomainSpecification?) {
        suppressedFields = Set(throttling?.suppressedFieldNames ?? [])
        var pairs: [String: Set<String>] = [:]
        for pair in throttling?.suppressedPairs ?? [] { pairs[pair.field, default: []].formUnion(pair.names) }
        suppressedPairs = pairs
    }

    /// Whether a member of the domain's fields is written (required fields always are).
    func keeps(_ field: String, required: Set<String>) -> Bool {
        !suppressedFields.contains(field) || required.contains(field)
    }

    /// Whether a name-value item of `field` is written.
    func keeps(item name: String, of field: String) -> Bool {
        !(suppressedPairs[field]?.contains(name) ?? false)
    }

    mutating func event(header: CommonHeader, fields: (inout EventWriter) -> Void) {
        json.beginObject()
        json.key("commonEventHeader")
        header.write(to: &json)
        json.key(header.domain.fieldsName)
        json.beginObject()
        fields(&self)
        json.endObject()
        json.endObject()
    }

    mutating func finish(header: CommonHeader) -> BuiltEvent {
        BuiltEvent(
            domain: header.domain.name,
            eventId: header.eventId,
            reportingEntityName: header.reportingEntityName,
            sourceName: header.sourceName,
            eventJSON: json.text
        )
    }
}

/// The two domains the plugin sends.
enum EventDomain {
    case measurement, fault

    var name: String {
        switch self {
        case .measurement: "measurementsForVfScaling"
        case .fault: "fault"
        }
    }

    var fieldsName: String {
        switch self {
        case .measurement: "measurementsForVfScalingFields"
        case .fault: "faultFields"
        }
    }

    static let requiredMeasurementFields = VES11FieldSet.requiredFields(of: "measurementsForVfScalingFields")
    static let requiredFaultFields = VES11FieldSet.requiredFields(of: "faultFields")
}

/// The plugin's `Event` header with its defaults.
struct CommonHeader {
    var domain: EventDomain
    var eventId: String
    var functionalRole: String
    var sourceId = ""
    var sourceName = ""
    var reportingEntityId = ""
    var reportingEntityName = ""
    var startEpochMicrosec = PythonNumber.integer(0)
    var lastEpochMicrosec = PythonNumber.integer(0)

    init(domain: EventDomain, eventId: String, functionalRole: String) {
        self.domain = domain
        self.eventId = eventId
        self.functionalRole = functionalRole
    }

    /// The plugin's eventType: "Info" for measurements; a fault is created as "Fault" and `notify` sets
    /// "Notification".
    var eventType: String { domain == .fault ? "Notification" : "Info" }

    mutating func set(reporting: String, source: String) {
        reportingEntityId = reporting
        reportingEntityName = reporting
        sourceId = source
        sourceName = source
    }

    func write(to json: inout PythonJSONWriter) {
        json.beginObject()
        json.key("version")
        json.float(1.1)
        json.key("eventType")
        json.string(eventType)
        json.key("domain")
        json.string(domain.name)
        json.key("eventId")
        json.string(eventId)
        json.key("sourceId")
        json.string(sourceId)
        json.key("sourceName")
        json.string(sourceName)
        json.key("functionalRole")
        json.string(functionalRole)
        json.key("reportingEntityId")
        json.string(reportingEntityId)
        json.key("reportingEntityName")
        json.string(reportingEntityName)
        json.key("priority")
        json.string("Normal")
        json.key("startEpochMicrosec")
        startEpochMicrosec.write(to: &json)
        json.key("lastEpochMicrosec")
        lastEpochMicrosec.write(to: &json)
        json.key("sequence")
        json.integer(0)
        json.endObject()
    }
}

/// One `measurementGroup` of additionalMeasurements.
struct MeasurementGroup {
    var name: String
    var measurements: [(name: String, value: String)]
}

/// One `vNicUsage`.
struct VNicUsage {
    var name: String
    var packetsIn: PythonNumber
    var packetsOut: PythonNumber
    var bytesIn: PythonNumber
    var bytesOut: PythonNumber
}

/// The plugin's `MeasurementsForVfScaling` fields with their defaults.
struct MeasurementFields {
    var additionalMeasurements: [MeasurementGroup] = []
    var aggregateCpuUsage = PythonNumber.integer(0)
    var cpuUsage: [(String, PythonNumber)] = []
    var measurementInterval = PythonNumber.integer(0)
    var memoryConfigured = PythonNumber.integer(0)
    var memoryUsed = PythonNumber.integer(0)
    var vNics: [VNicUsage] = []

    func write(to writer: inout EventWriter) {
        let required = EventDomain.requiredMeasurementFields
        func number(_ key: String, _ value: PythonNumber) {
            guard writer.keeps(key, required: required) else { return }
            writer.json.key(key)
            value.write(to: &writer.json)
        }
        func emptyList(_ key: String) {
            guard writer.keeps(key, required: required) else { return }
            writer.json.key(key)
            writer.json.beginArray()
            writer.json.endArray()
        }
        if writer.keeps("additionalMeasurements", required: required) {
            writer.json.key("additionalMeasurements")
            writer.json.beginArray()
            for group in additionalMeasurements where writer.keeps(item: group.name, of: "additionalMeasurements") {
                writer.json.beginObject()
                writer.json.key("name")
                writer.json.string(group.name)
                writer.json.key("measurements")
                writer.json.beginArray()
                for measurement in group.measurements {
                    writer.json.beginObject()
                    writer.json.key("name")
                    writer.json.string(measurement.name)
                    writer.json.key("value")
                    writer.json.string(measurement.value)
                    writer.json.endObject()
                }
                writer.json.endArray()
                writer.json.endObject()
            }
            writer.json.endArray()
        }
        number("aggregateCpuUsage", aggregateCpuUsage)
        emptyList("codecUsageArray")
        number("concurrentSessions", .integer(0))
        number("configuredEntities", .integer(0))
        if writer.keeps("cpuUsageArray", required: required) {
            writer.json.key("cpuUsageArray")
            writer.json.beginArray()
            for (identifier, usage) in cpuUsage {
                writer.json.beginObject()
                writer.json.key("cpuIdentifier")
                writer.json.string(identifier)
                writer.json.key("percentUsage")
                usage.write(to: &writer.json)
                writer.json.endObject()
            }
            writer.json.endArray()
        }
        emptyList("errors")
        emptyList("featureUsageArray")
        emptyList("filesystemUsageArray")
        emptyList("latencyDistribution")
        number("meanRequestLatency", .integer(0))
        number("measurementFieldsVersion", .float(1.1))
        number("measurementInterval", measurementInterval)
        number("memoryConfigured", memoryConfigured)
        number("memoryUsed", memoryUsed)
        number("numberOfMediaPortsInUse", .integer(0))
        number("requestRate", .integer(0))
        number("vnfcScalingMetric", .integer(0))
        if writer.keeps("vNicUsageArray", required: required) {
            writer.json.key("vNicUsageArray")
            writer.json.beginArray()
            for nic in vNics {
                writer.json.beginObject()
                for key in [
                    "broadcastPacketsIn", "broadcastPacketsOut", "multicastPacketsIn", "multicastPacketsOut",
                    "unicastPacketsIn", "unicastPacketsOut",
                ] {
                    writer.json.key(key)
                    writer.json.float(0)
                }
                writer.json.key("vNicIdentifier")
                writer.json.string(nic.name)
                writer.json.key("packetsIn")
                nic.packetsIn.write(to: &writer.json)
                writer.json.key("packetsOut")
                nic.packetsOut.write(to: &writer.json)
                writer.json.key("bytesIn")
                nic.bytesIn.write(to: &writer.json)
                writer.json.key("bytesOut")
                nic.bytesOut.write(to: &writer.json)
                writer.json.endObject()
            }
            writer.json.endArray()
        }
    }
}

/// The plugin's `Fault` fields.
struct FaultFields {
    var eventSeverity: String
    var eventSourceType: String
    var alarmCondition: String
    var specificProblem: String
    var alarmInterfaceA: String

    func write(to writer: inout EventWriter) {
        let required = EventDomain.requiredFaultFields
        func string(_ key: String, _ value: String) {
            guard writer.keeps(key, required: required) else { return }
            writer.json.key(key)
            writer.json.string(value)
        }
        if writer.keeps("faultFieldsVersion", required: required) {
            writer.json.key("faultFieldsVersion")
            writer.json.float(1.1)
        }
        string("eventSeverity", eventSeverity)
        string("eventSourceType", eventSourceType)
        string("alarmCondition", alarmCondition)
        string("specificProblem", specificProblem)
        string("vfStatus", "Active")
        string("alarmInterfaceA", alarmInterfaceA)
        if writer.keeps("alarmAdditionalInformation", required: required) {
            writer.json.key("alarmAdditionalInformation")
            writer.json.beginArray()
            writer.json.endArray()
        }
    }
}
