public import JSON
public import JSONSchema

/// The built-in VES 7.2.1 field set: the ONAP VES Event Listener 7.2.1 common event format (schema
/// CommonEventFormat 30.2.1, API `/eventListener/v7`).
///
/// It is written here from the spec's datatype tables, one table per datatype below and in the
/// `VES721Datatypes+*.swift` files. Where the spec's text and the official 30.2.1 file disagree, the file
/// decides, because agents are tested against it; each such place has a one-line comment. Every record is
/// closed (no members beyond its table) as the spec's v7.0 change log asks, except the two the spec leaves
/// open (`internalHeaderFields`, `hashMap`). The result gives the same verdicts and violation pointers as
/// that file.
public enum VES721FieldSet {
    public static let name = "ves-7.2.1"

    /// The compiled field set; the root takes `event` or `eventList` and requires neither, as the file does,
    /// and every datatype is a definition (`validate(_:definition:pointer:)` with `event`, `requestError`, ...).
    public static let validator: JSONSchemaValidator = FieldSetDocument.compile(schema, name: name, formats: .checked)

    /// The names of the required fields of a datatype (`faultFields`, `commonEventHeader`, ...), so an event
    /// source knows what it can never leave out of a block.
    public static func requiredFields(of datatype: String) -> Set<String> {
        FieldSetDocument.requiredFields(of: datatype, in: VES721Datatypes.all)
    }

    /// The field set as a draft-04 schema document, for tools that want the schema itself.
    public static var schema: JSONValue {
        FieldSetDocument.schema(
            title: "VES 7.2.1 field set (ONAP VES Event Listener 7.2.1, CommonEventFormat 30.2.1, API v7)",
            datatypes: VES721Datatypes.all,
            rootMembers: ["event", "eventList"],
            required: []
        )
    }
}

// MARK: - The common datatypes and the header (spec sections "Common Event Datatypes", "Common Event Header")

enum VES721Datatypes {
    static let all: [VESDatatype] =
        common + header + faultAndHeartbeat + otherDomains + measurement + hardware + perf3gpp + sessions

    /// Every field block's version is a string enum since v7.0, so an unknown block version is refused.
    static func version(_ block: String, _ values: String...) -> VESField {
        .required(block, .oneOf(values))
    }

    /// Rows that are all optional numbers, the bulk of the measurement tables.
    static func optionalNumbers(_ names: [String]) -> [VESField] {
        names.map { .optional($0, .number) }
    }

    static func requiredNumbers(_ names: [String]) -> [VESField] {
        names.map { .required($0, .number) }
    }

    static func optionalStrings(_ names: [String]) -> [VESField] {
        names.map { .optional($0, .string) }
    }

    /// The four statistics (`Avg`, `Last`, `Max`, `Min`) the disk table gives each of its counters.
    static func statistics(_ counters: [String]) -> [VESField] {
        counters.flatMap { counter in ["Avg", "Last", "Max", "Min"].map { .optional(counter + $0, .number) } }
    }

    static let hashMap = VESFieldType.datatype("hashMap")
    static let trueOrFalse = VESFieldType.oneOf(["true", "false"])
    static let severity = VESFieldType.oneOf(["CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"])

    static let common: [VESDatatype] = [
        // The spec draws these three as records holding one required list; the file makes each the list itself.
        VESDatatype(name: "arrayOfJsonObject", shape: .list(of: .datatype("jsonObject"))),
        VESDatatype(name: "arrayOfNamedHashMap", shape: .list(of: .datatype("namedHashMap"))),
        VESDatatype(name: "eventList", shape: .list(of: .datatype("event"))),
        .closedRecord(
            "event",
            [
                .required("commonEventHeader", .datatype("commonEventHeader")),
                .optional("faultFields", .datatype("faultFields")),
                .optional("heartbeatFields", .datatype("heartbeatFields")),
                .optional("measurementFields", .datatype("measurementFields")),
                .optional("mobileFlowFields", .datatype("mobileFlowFields")),
                .optional("notificationFields", .datatype("notificationFields")),
                .optional("otherFields", .datatype("otherFields")),
                .optional("perf3gppFields", .datatype("perf3gppFields")),
                .optional("pnfRegistrationFields", .datatype("pnfRegistrationFields")),
                .optional("sipSignalingFields", .datatype("sipSignalingFields")),
                .optional("stateChangeFields", .datatype("stateChangeFields")),
                .optional("stndDefinedFields", .datatype("stndDefinedFields")),
                .optional("syslogFields", .datatype("syslogFields")),
                .optional("thresholdCrossingAlertFields", .datatype("thresholdCrossingAlertFields")),
                .optional("voiceQualityFields", .datatype("voiceQualityFields")),
            ]
        ),
        // Extensible on purpose: any names, string values only (the file's "default" is an annotation).
        VESDatatype(name: "hashMap", shape: .map(of: .string)),
        .closedRecord(
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
        .closedRecord(
            "jsonObjectInstance",
            [
                // Recursive: an instance may carry a nested object description.
                .optional("jsonObject", .datatype("jsonObject")),
                .optional("objectInstance", .object),
                .optional("objectInstanceEpochMicrosec", .number),
                .optional("objectKeys", .list(of: .datatype("key"))),
            ]
        ),
        .closedRecord(
            "key",
            [
                .required("keyName", .string),
                .optional("keyOrder", .integer),
                .optional("keyValue", .string),
            ]
        ),
        .closedRecord(
            "namedHashMap",
            [
                .required("name", .string),
                .required("hashMap", hashMap),
            ]
        ),
        .closedRecord(
            "requestError",
            [
                .required("messageId", .string),
                .required("text", .string),
                .optional("url", .string),
                // The description speaks of a list of strings; the table and the file say one string.
                .optional("variables", .string),
            ]
        ),
        .closedRecord(
            "vendorNfNameFields",
            [
                .required("vendorName", .string),
                .optional("nfModuleName", .string),
                .optional("nfName", .string),
            ]
        ),
        // Not in the spec: the file describes itself here (date, version, author); open, as in the file.
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
        .closedRecord(
            "commonEventHeader",
            [
                .required(
                    "domain",
                    .oneOf([
                        "fault", "heartbeat", "measurement", "mobileFlow", "notification", "other", "perf3gpp",
                        "pnfRegistration", "sipSignaling", "stateChange", "stndDefined", "syslog",
                        "thresholdCrossingAlert", "voiceQuality",
                    ])
                ),
                .required("eventId", .string),
                .required("eventName", .string),
                .optional("eventType", .string),
                .optional("internalHeaderFields", .datatype("internalHeaderFields")),
                .required("lastEpochMicrosec", .number),
                .optional("nfcNamingCode", .string),
                .optional("nfNamingCode", .string),
                .optional("nfVendorName", .string),
                // The 7.2.1 table gives no values for priority; the file keeps the four of earlier versions.
                .required("priority", .oneOf(["High", "Medium", "Normal", "Low"])),
                .optional("reportingEntityId", .string),
                .required("reportingEntityName", .string),
                .required("sequence", .integer),
                .optional("sourceId", .string),
                .required("sourceName", .string),
                .required("startEpochMicrosec", .number),
                .optional("stndDefinedNamespace", .string),
                .optional("timeZoneOffset", .string),
                // Both versions accept every earlier minor version of their major (spec section 1).
                version("version", "4.0", "4.0.1", "4.1"),
                version("vesEventListenerVersion", "7.0", "7.0.1", "7.1", "7.1.1", "7.2", "7.2.1"),
            ]
        ),
        // Left for each listener to define, so any object passes.
        .record("internalHeaderFields", []),
    ]
}
