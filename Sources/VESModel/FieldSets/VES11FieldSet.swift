public import JSON
public import JSONSchema

/// The built-in VES 1.1 field set: the 2016 AT&T Vendor Event Listener event format (spec Rev 2.5, API
/// `/eventListener/v1`), the format the reference collectd plugin sends.
///
/// It is written here from the spec's datatype tables, one table per datatype below. Where the spec's text
/// and the official draft-04 file of the time disagree, the file decides, because agents were tested against
/// it; each such place has a one-line comment. The result gives the same verdicts and violation pointers as
/// that file.
public enum VES11FieldSet {
    public static let name = "ves-1.1"

    /// The compiled field set; the root requires `event`, and every datatype is a definition
    /// (`validate(_:definition:pointer:)` with `event`, `eventList`, `eventThrottlingState`, ...).
    public static let validator: JSONSchemaValidator = FieldSetDocument.compile(
        schema,
        name: name,
        formats: .annotation
    )

    /// The names of the required fields of a datatype (`faultFields`, `commonEventHeader`, ...), so an event
    /// source can refuse to suppress them when a listener asks it to throttle.
    public static func requiredFields(of datatype: String) -> Set<String> {
        FieldSetDocument.requiredFields(of: datatype, in: VES11Datatypes.all)
    }

    /// The field set as a draft-04 schema document, for tools that want the schema itself.
    public static var schema: JSONValue {
        FieldSetDocument.schema(
            title: "VES 1.1 field set (AT&T Vendor Event Listener, spec Rev 2.5, API v1)",
            datatypes: VES11Datatypes.all,
            rootMembers: ["event"],
            required: ["event"]
        )
    }
}

// MARK: - The datatypes of spec Rev 2.5, section 4

enum VES11Datatypes {
    static let sourceTypes = [
        "other(0)", "router(1)", "switch(2)", "host(3)", "card(4)", "port(5)", "slotThreshold(6)",
        "portThreshold(7)", "virtualMachine(8)",
    ]

    static let all: [VESDatatype] = [
        .record(
            "capacityFields",
            [
                .optional("capacityFieldsVersion", .number),
                .optional("additionalFields", .list(of: .datatype("field"))),
            ]
        ),
        .record(
            "codecsInUse",
            [
                // The spec spells it "codecIdentifer"; the file's "codecIdentifier" is what agents send.
                .required("codecIdentifier", .string),
                .required("codecUtilization", .number),
            ]
        ),
        .record(
            "commonEventHeader",
            [
                .optional("version", .number),
                .optional("eventType", .string),
                // The spec lists 'measurement'; the file (and every agent) uses 'measurementsForVfScaling'.
                .required(
                    "domain",
                    .oneOf([
                        "capacity", "fault", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other", "syslog",
                        "thresholdCrossingAlert", "usage",
                    ])
                ),
                .required("eventId", .string),
                .required("sourceId", .string),
                .required("sourceName", .string),
                .required("functionalRole", .string),
                .required("reportingEntityId", .string),
                .required("reportingEntityName", .string),
                .required("priority", .oneOf(["High", "Medium", "Normal", "Low"])),
                .required("startEpochMicrosec", .number),
                .required("lastEpochMicrosec", .number),
                .required("sequence", .integer),
            ]
        ),
        .record(
            "counter",
            [
                .required("name", .string),
                .required("value", .string),
                // The spec spells it "threshholdCrossed"; the file has "thresholdCrossed".
                .required("thresholdCrossed", .string),
                .required("criticality", .oneOf(["CRIT", "MAJ"])),
            ]
        ),
        .record(
            "cpuUsage",
            [
                // The spec spells it "cpuIdentifer"; the file has "cpuIdentifier".
                .required("cpuIdentifier", .string),
                .required("percentUsage", .number),
            ]
        ),
        .record(
            "filesystemUsage",
            [
                // The spec spells it "vmIdentifer"; the file has "vmIdentifier".
                .required("vmIdentifier", .string),
                .required("blockConfigured", .number),
                .required("blockIops", .number),
                .required("blockUsed", .number),
                .required("ephemeralConfigured", .number),
                .required("ephemeralIops", .number),
                .required("ephemeralUsed", .number),
            ]
        ),
        .record(
            "event",
            [
                .required("commonEventHeader", .datatype("commonEventHeader")),
                .optional("capacityFields", .datatype("capacityFields")),
                .optional("faultFields", .datatype("faultFields")),
                .optional("measurementsForVfScalingFields", .datatype("measurementsForVfScalingFields")),
                .optional("mobileFlowFields", .datatype("mobileFlowFields")),
                .optional("otherFields", .datatype("otherFields")),
                .optional("syslogFields", .datatype("syslogFields")),
                // The spec spells it "threholdCrossingAlertFields"; the file has "thresholdCrossingAlertFields".
                .optional("thresholdCrossingAlertFields", .datatype("thresholdCrossingAlertFields")),
                .optional("usageFields", .datatype("usageFields")),
            ]
        ),
        .record(
            "eventDomainThrottleSpecification",
            [
                .required("eventDomain", .string),
                .optional("suppressedFieldNames", .list(of: .string)),
                .optional("suppressedNvPairsList", .list(of: .datatype("suppressedNvPairs"))),
            ]
        ),
        // The spec draws this as a record holding one required list; the file makes it the list itself.
        VESDatatype(
            name: "eventDomainThrottleSpecificationList",
            shape: .list(of: .datatype("eventDomainThrottleSpecification"))
        ),
        // Likewise the spec's eventList record is, in the file, the array of events itself.
        VESDatatype(name: "eventList", shape: .list(of: .datatype("event"))),
        .record(
            "eventThrottlingState",
            [
                .required("eventThrottlingMode", .oneOf(["normal", "throttled"])),
                .optional("eventDomainThrottleSpecificationList", .datatype("eventDomainThrottleSpecificationList")),
            ]
        ),
        .record(
            "faultFields",
            [
                .optional("faultFieldsVersion", .number),
                .required("eventSeverity", .oneOf(["CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"])),
                // The spec adds 'virtualNetworkFunction(9)' here; the file allows it only in syslogFields.
                .required("eventSourceType", .oneOf(sourceTypes)),
                .required("alarmCondition", .string),
                .required("specificProblem", .string),
                // The spec writes 'Requesting Termination'; the file has a lower-case 't'.
                .required(
                    "vfStatus",
                    .oneOf(["Active", "Idle", "Preparing to terminate", "Ready to terminate", "Requesting termination"])
                ),
                // The spec spells it "alarmtInterfaceA"; the file has "alarmInterfaceA".
                .optional("alarmInterfaceA", .string),
                // The spec writes "alarmAdditional Information"; the file has "alarmAdditionalInformation".
                .optional("alarmAdditionalInformation", .list(of: .datatype("field"))),
            ]
        ),
        .record(
            "featuresInUse",
            [
                // The spec spells these "featureIdentifer" and "feautureUtilization".
                .required("featureIdentifier", .string),
                .required("featureUtilization", .number),
            ]
        ),
        .record(
            "field",
            [
                // The spec capitalises "Name" and "Value"; the file (and every agent) uses lower case.
                .required("name", .string),
                .required("value", .string),
            ]
        ),
        .record("gtpPerFlowMetrics", gtpPerFlowMetricsFields),
        .record(
            "latencyBucketMeasure",
            [
                .required("countsInTheBucket", .number),
                .optional("highEndOfLatencyBucket", .number),
                .optional("lowEndOfLatencyBucket", .number),
            ]
        ),
        .record(
            "measurementsForVfScalingFields",
            [
                .optional("measurementFieldsVersion", .number),
                .optional("aggregateCpuUsage", .number),
                .optional("codecUsageArray", .list(of: .datatype("codecsInUse"))),
                .required("concurrentSessions", .number),
                .required("configuredEntities", .number),
                .required("cpuUsageArray", .list(of: .datatype("cpuUsage"))),
                .optional("featureUsageArray", .list(of: .datatype("featuresInUse"))),
                .required("filesystemUsageArray", .list(of: .datatype("filesystemUsage"))),
                .required("latencyDistribution", .list(of: .datatype("latencyBucketMeasure"))),
                .required("meanRequestLatency", .number),
                .required("measurementInterval", .number),
                .required("memoryConfigured", .number),
                .required("memoryUsed", .number),
                .optional("numberOfMediaPortsInUse", .number),
                .required("requestRate", .number),
                .optional("vnfcScalingMetric", .number),
                .required("vNicUsageArray", .list(of: .datatype("vNicUsage"))),
                .optional("additionalMeasurements", .list(of: .datatype("measurementGroup"))),
            ]
        ),
        .record(
            "measurementGroup",
            [
                .required("name", .string),
                .required("measurements", .list(of: .datatype("field"))),
            ]
        ),
        .record("mobileFlowFields", mobileFlowFields),
        VESDatatype(name: "otherFields", shape: .list(of: .datatype("field"))),
        .record(
            "requestError",
            [
                .required("messageId", .string),
                .required("text", .string),
                .optional("url", .string),
                // The exception table says string [0..unbounded]; the datatype table and the file say string.
                .optional("variables", .string),
            ]
        ),
        .record(
            "suppressedNvPairs",
            [
                .required("nvPairFieldName", .string),
                .required("suppressedNvPairNames", .list(of: .string)),
            ]
        ),
        .record(
            "syslogFields",
            [
                .optional("eventSourceHost", .string),
                .required("eventSourceType", .oneOf(sourceTypes + ["virtualNetworkFunction(9)"])),
                .optional("syslogFacility", .number),
                .optional("syslogFieldsVersion", .number),
                .required("syslogMsg", .string),
                .optional("syslogProc", .string),
                .optional("syslogProcId", .number),
                .optional("syslogVer", .number),
                .optional("syslogSData", .string),
                .required("syslogTag", .string),
            ]
        ),
        .record(
            "thresholdCrossingAlertFields",
            [
                .required("additionalParameters", .list(of: .datatype("counter"))),
                // Listed in the file's order (the spec's is SET, CONT, CLEAR) so messages read the same.
                .required("alertAction", .oneOf(["CLEAR", "CONT", "SET"])),
                .required("alertDescription", .string),
                .required(
                    "alertType",
                    .oneOf(["CARD-ANOMALY", "ELEMENT-ANOMALY", "INTERFACE-ANOMALY", "SERVICE-ANOMALY"])
                ),
                .optional("alertValue", .string),
                .optional("associatedAlertIdList", .list(of: .string)),
                .required("collectionTimestamp", .string),
                .optional("dataCollector", .string),
                .required("elementType", .string),
                .required("eventStartTimestamp", .string),
                .optional("interfaceName", .string),
                .required("networkService", .string),
                .optional("possibleRootCause", .string),
                // The spec writes "thresholdCrossing FieldsVersion"; the file has no space.
                .optional("thresholdCrossingFieldsVersion", .number),
            ]
        ),
        // The spec omits this datatype ("[omitted]"); the file accepts any value.
        VESDatatype(name: "usageFields", shape: .unconstrained),
        .record(
            "vNicUsage",
            [
                .required("broadcastPacketsIn", .number),
                .required("broadcastPacketsOut", .number),
                .required("bytesIn", .number),
                .required("bytesOut", .number),
                .required("multicastPacketsIn", .number),
                .required("multicastPacketsOut", .number),
                .required("unicastPacketsIn", .number),
                .required("unicastPacketsOut", .number),
                .required("vNicIdentifier", .string),
            ]
        ),
    ]

    static let gtpPerFlowMetricsFields: [VESField] = [
        .required("avgBitErrorRate", .number),
        .required("avgPacketDelayVariation", .number),
        .required("avgPacketLatency", .number),
        .required("avgReceiveThroughput", .number),
        .required("avgTransmitThroughput", .number),
        .optional("durConnectionFailedStatus", .number),
        .optional("durTunnelFailedStatus", .number),
        .optional("flowActivatedBy", .string),
        .required("flowActivationEpoch", .number),
        .required("flowActivationMicrosec", .number),
        // The spec types the two times as datetime; the file takes any string.
        .optional("flowActivationTime", .string),
        .optional("flowDeactivatedBy", .string),
        .required("flowDeactivationEpoch", .number),
        .required("flowDeactivationMicrosec", .number),
        .required("flowDeactivationTime", .string),
        .required("flowStatus", .string),
        .optional("gtpConnectionStatus", .string),
        .optional("gtpTunnelStatus", .string),
        .optional("ipTosCountList", .countPairs),
        // The spec types the value lists as "string"; the file makes them arrays of strings.
        .optional("ipTosList", .list(of: .string)),
        .optional("largePacketRtt", .number),
        .optional("largePacketThreshold", .number),
        .required("maxPacketDelayVariation", .number),
        .optional("maxReceiveBitRate", .number),
        .optional("maxTransmitBitRate", .number),
        .optional("mobileQciCosCountList", .countPairs),
        .optional("mobileQciCosList", .list(of: .string)),
        .required("numActivationFailures", .number),
        .required("numBitErrors", .number),
        .required("numBytesReceived", .number),
        .required("numBytesTransmitted", .number),
        .required("numDroppedPackets", .number),
        .optional("numGtpEchoFailures", .number),
        .optional("numGtpTunnelErrors", .number),
        .optional("numHttpErrors", .number),
        .required("numL7BytesReceived", .number),
        .required("numL7BytesTransmitted", .number),
        .required("numLostPackets", .number),
        .required("numOutOfOrderPackets", .number),
        .required("numPacketErrors", .number),
        .required("numPacketsReceivedExclRetrans", .number),
        .required("numPacketsReceivedInclRetrans", .number),
        .required("numPacketsTransmittedInclRetrans", .number),
        .required("numRetries", .number),
        .required("numTimeouts", .number),
        .required("numTunneledL7BytesReceived", .number),
        .required("roundTripTime", .number),
        .optional("tcpFlagCountList", .countPairs),
        .optional("tcpFlagList", .list(of: .string)),
        .required("timeToFirstByte", .number),
    ]

    static let mobileFlowFields: [VESField] = [
        .optional("applicationType", .string),
        .optional("appProtocolType", .string),
        .optional("appProtocolVersion", .string),
        .optional("cid", .string),
        .optional("connectionType", .string),
        .optional("ecgi", .string),
        .required("flowDirection", .string),
        .required("gtpPerFlowMetrics", .datatype("gtpPerFlowMetrics")),
        .optional("gtpProtocolType", .string),
        .optional("gtpVersion", .string),
        .optional("httpHeader", .string),
        .optional("imei", .string),
        .optional("imsi", .string),
        .required("ipProtocolType", .string),
        .required("ipVersion", .string),
        .optional("lac", .string),
        .optional("mcc", .string),
        .optional("mnc", .string),
        .optional("msisdn", .string),
        .required("otherEndpointIpAddress", .string),
        // The spec types the two ports and samplingAlgorithm as string; the file as number.
        .required("otherEndpointPort", .number),
        .optional("otherFunctionalRole", .string),
        .optional("rac", .string),
        .optional("radioAccessTechnology", .string),
        .required("reportingEndpointIpAddr", .string),
        .required("reportingEndpointPort", .number),
        .optional("sac", .string),
        .optional("samplingAlgorithm", .number),
        .optional("tac", .string),
        .optional("tunnelId", .string),
        .optional("vlanId", .string),
    ]
}
