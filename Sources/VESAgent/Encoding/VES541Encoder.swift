import JSON
import VESModel

/// Writes an event in VES 5.4.1 (CommonEventFormat 28.4.1): header version 3.0 (a number), the
/// `measurementsForVfScaling` domain with `measurementsForVfScalingVersion` 2.0, `vNicPerformanceArray` with
/// `vNicIdentifier`, additionalMeasurements as `[{name, arrayOfFields: [{name, value}]}]`, faultFieldsVersion 2.0,
/// heartbeatFieldsVersion 1.0, name-value lists as arrays of `{name, value}`. A listener's throttlingSpecification
/// (5.4.1 keeps the command list) suppresses optional members of a domain's block.
struct VES541Encoder: Sendable {
    let header: HeaderConstants

    static let measurementRequired = VES541FieldSet.requiredFields(of: "measurementsForVfScalingFields")
    static let faultRequired = VES541FieldSet.requiredFields(of: "faultFields")
    static let heartbeatRequired = VES541FieldSet.requiredFields(of: "heartbeatFields")

    static func domainName(_ domain: ONAPEvent.Domain) -> String {
        switch domain {
        case .measurement: "measurementsForVfScaling"
        case .fault: "fault"
        case .heartbeat: "heartbeat"
        }
    }

    func encode(_ event: ONAPEvent, throttling: ThrottlingPolicy) -> BuiltEvent {
        let domain = Self.domainName(event.header.domain)
        var writer = FieldBlockWriter(throttling: throttling.byDomain[domain])
        writer.json.beginObject()
        writer.json.key("commonEventHeader")
        writeHeader(event.header, domain: domain, to: &writer)
        switch event.content {
        case .measurement(let content):
            writer.required = Self.measurementRequired
            writer.json.key("measurementsForVfScalingFields")
            Self.writeMeasurement(content, to: &writer)
        case .fault(let content):
            writer.required = Self.faultRequired
            writer.json.key("faultFields")
            Self.writeFault(content, to: &writer)
        case .heartbeat(let seconds):
            writer.required = Self.heartbeatRequired
            writer.json.key("heartbeatFields")
            writer.json.beginObject()
            writer.number("heartbeatFieldsVersion", .float(1.0))
            writer.number("heartbeatInterval", .integer(Int128(seconds)))
            writer.json.endObject()
        }
        writer.json.endObject()
        return BuiltEvent(
            domain: domain,
            eventId: event.header.eventId,
            reportingEntityName: event.header.reportingEntityName,
            sourceName: event.header.sourceName,
            eventJSON: writer.json.text
        )
    }

    /// The header in the order of the 5.4.1 table.
    private func writeHeader(_ fields: ONAPHeader, domain: String, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.json.key("version")
        writer.json.float(3.0)
        writer.json.key("eventName")
        writer.json.string(fields.eventName)
        writer.json.key("domain")
        writer.json.string(domain)
        writer.json.key("eventId")
        writer.json.string(fields.eventId)
        writer.json.key("eventType")
        writer.json.string(fields.eventType)
        writer.optionalHeaderString("nfcNamingCode", header.nfcNamingCode)
        writer.optionalHeaderString("nfNamingCode", header.nfNamingCode)
        writer.json.key("sourceName")
        writer.json.string(fields.sourceName)
        writer.json.key("reportingEntityName")
        writer.json.string(fields.reportingEntityName)
        writer.json.key("priority")
        writer.json.string("Normal")
        writer.json.key("startEpochMicrosec")
        writer.json.integer(fields.startEpochMicrosec)
        writer.json.key("lastEpochMicrosec")
        writer.json.integer(fields.lastEpochMicrosec)
        writer.json.key("sequence")
        writer.json.integer(Int64(fields.sequence))
        writer.json.endObject()
    }

    private static func writeMeasurement(_ content: MeasurementContent, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.number("measurementInterval", .float(content.interval))
        writer.number("measurementsForVfScalingVersion", .float(2.0))
        writer.items("cpuUsageArray", identifierKey: "cpuIdentifier", content.cpus)
        writer.items("memoryUsageArray", identifierKey: "vmIdentifier", content.memories)
        writer.items("vNicPerformanceArray", identifierKey: "vNicIdentifier", content.nics)
        writer.items("diskUsageArray", identifierKey: "diskIdentifier", content.disks)
        writer.items("filesystemUsageArray", identifierKey: "filesystemName", content.filesystems)
        let groups = content.additional.filter { writer.keeps(item: $0.name, of: "additionalMeasurements") }
        if !groups.isEmpty, writer.keeps("additionalMeasurements") {
            writer.json.key("additionalMeasurements")
            writer.json.beginArray()
            for group in groups {
                writer.json.beginObject()
                writer.json.key("name")
                writer.json.string(group.name)
                writer.json.key("arrayOfFields")
                writeFields(group.values, to: &writer.json)
                writer.json.endObject()
            }
            writer.json.endArray()
        }
        writer.json.endObject()
    }

    private static func writeFault(_ content: FaultContent, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.number("faultFieldsVersion", .float(2.0))
        writer.string("eventSeverity", content.eventSeverity)
        writer.string("eventSourceType", content.eventSourceType)
        writer.string("alarmCondition", content.alarmCondition)
        writer.string("specificProblem", content.specificProblem)
        writer.string("vfStatus", "Active")
        writer.string("alarmInterfaceA", content.alarmInterfaceA)
        let information = content.additionalInformation.filter {
            writer.keeps(item: $0.name, of: "alarmAdditionalInformation")
        }
        if !information.isEmpty, writer.keeps("alarmAdditionalInformation") {
            writer.json.key("alarmAdditionalInformation")
            writeFields(information, to: &writer.json)
        }
        writer.json.endObject()
    }

    /// 5.4.1's name-value list: `[{"name": ..., "value": ...}]`.
    private static func writeFields(_ fields: [(name: String, value: String)], to json: inout PythonJSONWriter) {
        json.beginArray()
        for field in fields {
            json.beginObject()
            json.key("name")
            json.string(field.name)
            json.key("value")
            json.string(field.value)
            json.endObject()
        }
        json.endArray()
    }
}
