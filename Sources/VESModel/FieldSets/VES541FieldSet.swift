public import JSON
public import JSONSchema

/// The built-in VES 5.4.1 field set: the ONAP VES Event Listener 5.4.1 common event format (schema
/// CommonEventFormat 28.4.1, API `/eventListener/v5`), with the command list and throttling datatypes of the
/// spec's original text.
///
/// It is written here from the spec's datatype tables, one table per datatype below and in the
/// `VES541Datatypes+*.swift` files; the tables 5.4.1 kept from 1.1 word for word are taken from the 1.1 field
/// set. Where the spec's text and the official 28.4.1 file disagree, the file decides, because agents are
/// tested against it; each such place has a one-line comment. Records stay open (members beyond a table are
/// allowed), as in the file. The result gives the same verdicts and violation pointers as that file.
public enum VES541FieldSet {
    public static let name = "ves-5.4.1"

    /// The compiled field set; the root takes `event` or `eventList` and requires neither, as the file does,
    /// and every datatype is a definition (`validate(_:definition:pointer:)` with `event`, `commandList`, ...).
    public static let validator: JSONSchemaValidator = FieldSetDocument.compile(
        schema,
        name: name,
        formats: .annotation
    )

    /// The names of the required fields of a datatype (`faultFields`, `commonEventHeader`, ...), so an event
    /// source can refuse to suppress them when a listener asks it to throttle.
    public static func requiredFields(of datatype: String) -> Set<String> {
        FieldSetDocument.requiredFields(of: datatype, in: VES541Datatypes.all)
    }

    /// The field set as a draft-04 schema document, for tools that want the schema itself.
    public static var schema: JSONValue {
        FieldSetDocument.schema(
            title: "VES 5.4.1 field set (ONAP VES Event Listener 5.4.1, CommonEventFormat 28.4.1, API v5)",
            datatypes: VES541Datatypes.all,
            rootMembers: ["event", "eventList"],
            required: []
        )
    }
}

// MARK: - The common datatypes, the header and the command list (spec "Common Event Datatypes")

enum VES541Datatypes {
    static let all: [VESDatatype] =
        keptFromVES11 + commands + common + header + faultAndHeartbeat + otherDomains + measurement + sessions

    /// Unchanged since 1.1: the throttling records, `field`, `counter`, latency buckets and `requestError`.
    static let keptFromVES11: [VESDatatype] = VES11Datatypes.all.filter {
        [
            "counter", "eventDomainThrottleSpecification", "eventDomainThrottleSpecificationList", "eventList",
            "eventThrottlingState", "field", "latencyBucketMeasure", "requestError", "suppressedNvPairs",
        ].contains($0.name)
    }

    /// Rows that are all optional numbers, the bulk of the measurement tables.
    static func optionalNumbers(_ names: [String]) -> [VESField] {
        names.map { .optional($0, .number) }
    }

    static let severity = VESFieldType.oneOf(["CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"])
    static let fieldList = VESFieldType.list(of: .datatype("field"))

    static let commands: [VESDatatype] = [
        .record(
            "command",
            [
                // The spec misspells the last value "throttllingSpecification"; the file spells it right.
                .required(
                    "commandType",
                    .oneOf([
                        "heartbeatIntervalChange", "measurementIntervalChange", "provideThrottlingState",
                        "throttlingSpecification",
                    ])
                ),
                // The spec writes "eventDomainThrottle Specification"; the file has no space.
                .optional("eventDomainThrottleSpecification", .datatype("eventDomainThrottleSpecification")),
                .optional("heartbeatInterval", .integer),
                .optional("measurementInterval", .integer),
            ]
        ),
        // The spec draws a record holding one required list; the file makes it the list itself.
        VESDatatype(name: "commandList", shape: .list(of: .datatype("command"))),
    ]

    static let common: [VESDatatype] = [
        .record(
            "event",
            [
                .required("commonEventHeader", .datatype("commonEventHeader")),
                .optional("faultFields", .datatype("faultFields")),
                .optional("heartbeatFields", .datatype("heartbeatFields")),
                .optional("measurementsForVfScalingFields", .datatype("measurementsForVfScalingFields")),
                .optional("mobileFlowFields", .datatype("mobileFlowFields")),
                .optional("otherFields", .datatype("otherFields")),
                .optional("sipSignalingFields", .datatype("sipSignalingFields")),
                .optional("stateChangeFields", .datatype("stateChangeFields")),
                .optional("syslogFields", .datatype("syslogFields")),
                .optional("thresholdCrossingAlertFields", .datatype("thresholdCrossingAlertFields")),
                .optional("voiceQualityFields", .datatype("voiceQualityFields")),
            ]
        ),
        .record(
            "jsonObject",
            [
                .required("objectInstances", .list(of: .datatype("jsonObjectInstance"))),
                .required("objectName", .string),
                .optional("objectSchema", .string),
                .optional("objectSchemaUrl", .string),
                .optional("nfSubscribedObjectName", .string),
                .optional("nfSubscriptionId", .string),
            ]
        ),
        .record(
            "jsonObjectInstance",
            [
                .required("objectInstance", .object),
                .optional("objectInstanceEpochMicrosec", .number),
                .optional("objectKeys", .list(of: .datatype("key"))),
            ]
        ),
        .record(
            "key",
            [
                .required("keyName", .string),
                .optional("keyOrder", .integer),
                .optional("keyValue", .string),
            ]
        ),
        .record(
            "namedArrayOfFields",
            [
                .required("name", .string),
                .required("arrayOfFields", fieldList),
            ]
        ),
        .record(
            "vendorVnfNameFields",
            [
                .required("vendorName", .string),
                .optional("vfModuleName", .string),
                .optional("vnfName", .string),
            ]
        ),
        // Not in the spec: the file describes itself here (date, version, author).
        .record(
            "schemaHeaderBlock",
            [
                .optional("associatedApi", .string),
                .optional("lastUpdatedBy", .string),
                .optional("schemaDate", .string),
                .optional("schemaVersion", .number),
            ]
        ),
    ]

    static let header: [VESDatatype] = [
        .record(
            "commonEventHeader",
            [
                .required(
                    "domain",
                    .oneOf([
                        "fault", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other", "sipSignaling",
                        "stateChange", "syslog", "thresholdCrossingAlert", "voiceQuality",
                    ])
                ),
                .required("eventId", .string),
                .required("eventName", .string),
                .optional("eventType", .string),
                // The spec writes "internalHeader Fields"; the file has no space.
                .optional("internalHeaderFields", .datatype("internalHeaderFields")),
                .required("lastEpochMicrosec", .number),
                .optional("nfcNamingCode", .string),
                .optional("nfNamingCode", .string),
                .required("priority", .oneOf(["High", "Medium", "Normal", "Low"])),
                .optional("reportingEntityId", .string),
                .required("reportingEntityName", .string),
                .required("sequence", .integer),
                .optional("sourceId", .string),
                .required("sourceName", .string),
                .required("startEpochMicrosec", .number),
                .required("version", .number),
            ]
        ),
        // Each listener fills it in for itself, so any object passes.
        .record("internalHeaderFields", []),
    ]
}
