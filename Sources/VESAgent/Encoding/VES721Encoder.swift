import JSON
import VESModel

/// Writes an event in VES 7.2.1 (CommonEventFormat 30.2.1_ONAP): header version "4.1" and vesEventListenerVersion
/// "7.2.1" (strings), nfVendorName and timeZoneOffset when configured, the `measurement` domain with
/// `measurementFields` and measurementFieldsVersion "4.0", `nicPerformanceArray` with `nicIdentifier`, `loadArray`,
/// additionalMeasurements as `[{name, hashMap: {key: "value"}}]`, faultFieldsVersion "4.0" with
/// alarmAdditionalInformation as a hashMap, heartbeatFieldsVersion "3.0". 7.x has no command list, so nothing is
/// throttled.
struct VES721Encoder: Sendable {
    let header: HeaderConstants

    static func domainName(_ domain: ONAPEvent.Domain) -> String {
        switch domain {
        case .measurement: "measurement"
        case .fault: "fault"
        case .heartbeat: "heartbeat"
        }
    }

    func encode(_ event: ONAPEvent) -> BuiltEvent {
        let domain = Self.domainName(event.header.domain)
        var writer = FieldBlockWriter(throttling: nil)
        writer.json.beginObject()
        writer.json.key("commonEventHeader")
        writeHeader(event.header, domain: domain, to: &writer)
        switch event.content {
        case .measurement(let content):
            writer.json.key("measurementFields")
            Self.writeMeasurement(content, to: &writer)
        case .fault(let content):
            writer.json.key("faultFields")
            Self.writeFault(content, to: &writer)
        case .heartbeat(let seconds):
            writer.json.key("heartbeatFields")
            writer.json.beginObject()
            writer.string("heartbeatFieldsVersion", "3.0")
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

    /// The header in the order of the 7.2.1 table.
    private func writeHeader(_ fields: ONAPHeader, domain: String, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.json.key("domain")
        writer.json.string(domain)
        writer.json.key("eventId")
        writer.json.string(fields.eventId)
        writer.json.key("eventName")
        writer.json.string(fields.eventName)
        writer.json.key("eventType")
        writer.json.string(fields.eventType)
        writer.json.key("lastEpochMicrosec")
        writer.json.integer(fields.lastEpochMicrosec)
        writer.optionalHeaderString("nfcNamingCode", header.nfcNamingCode)
        writer.optionalHeaderString("nfNamingCode", header.nfNamingCode)
        writer.optionalHeaderString("nfVendorName", header.nfVendorName)
        writer.json.key("priority")
        writer.json.string("Normal")
        writer.json.key("reportingEntityName")
        writer.json.string(fields.reportingEntityName)
        writer.json.key("sequence")
        writer.json.integer(Int64(fields.sequence))
        writer.json.key("sourceName")
        writer.json.string(fields.sourceName)
        writer.json.key("startEpochMicrosec")
        writer.json.integer(fields.startEpochMicrosec)
        writer.optionalHeaderString("timeZoneOffset", header.timeZoneOffset)
        writer.json.key("version")
        writer.json.string("4.1")
        writer.json.key("vesEventListenerVersion")
        writer.json.string(VESVersion.ves721.rawValue)
        writer.json.endObject()
    }

    private static func writeMeasurement(_ content: MeasurementContent, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.number("measurementInterval", .float(content.interval))
        writer.string("measurementFieldsVersion", "4.0")
        writer.items("cpuUsageArray", identifierKey: "cpuIdentifier", content.cpus)
        writer.items("memoryUsageArray", identifierKey: "vmIdentifier", content.memories)
        writer.items("nicPerformanceArray", identifierKey: "nicIdentifier", content.nics)
        writer.items("diskUsageArray", identifierKey: "diskIdentifier", content.disks)
        writer.items("filesystemUsageArray", identifierKey: "filesystemName", content.filesystems)
        writer.items("loadArray", identifierKey: nil, content.loads)
        if !content.additional.isEmpty {
            writer.json.key("additionalMeasurements")
            writer.json.beginArray()
            for group in content.additional {
                writer.json.beginObject()
                writer.json.key("name")
                writer.json.string(group.name)
                writer.json.key("hashMap")
                writeHashMap(group.values, to: &writer.json)
                writer.json.endObject()
            }
            writer.json.endArray()
        }
        writer.json.endObject()
    }

    private static func writeFault(_ content: FaultContent, to writer: inout FieldBlockWriter) {
        writer.json.beginObject()
        writer.string("faultFieldsVersion", "4.0")
        writer.string("eventSeverity", content.eventSeverity)
        writer.string("eventSourceType", content.eventSourceType)
        writer.string("alarmCondition", content.alarmCondition)
        writer.string("specificProblem", content.specificProblem)
        writer.string("vfStatus", "Active")
        writer.string("alarmInterfaceA", content.alarmInterfaceA)
        if !content.additionalInformation.isEmpty {
            writer.json.key("alarmAdditionalInformation")
            writeHashMap(content.additionalInformation, to: &writer.json)
        }
        writer.json.endObject()
    }

    /// 7.x's hashMap: `{"key": "value"}`.
    private static func writeHashMap(_ values: [(name: String, value: String)], to json: inout PythonJSONWriter) {
        json.beginObject()
        for (name, value) in values {
            json.key(name)
            json.string(value)
        }
        json.endObject()
    }
}
