// The fault, heartbeat, other, state change, syslog and threshold crossing blocks of 5.4.1 (spec sections
// "'Fault' Domain Datatypes" to "'Threshold Crossing Alert' Domain Datatypes").

extension VES541Datatypes {
    static let faultAndHeartbeat: [VESDatatype] = [
        .record(
            "faultFields",
            [
                // The spec writes "alarmAdditional Information"; the file has no space.
                .optional("alarmAdditionalInformation", fieldList),
                .required("alarmCondition", .string),
                .optional("alarmInterfaceA", .string),
                .optional("eventCategory", .string),
                .required("eventSeverity", severity),
                // Free text since 5.x: the spec's values are only examples, no longer 1.1's enumeration.
                .required("eventSourceType", .string),
                .required("faultFieldsVersion", .number),
                .required("specificProblem", .string),
                // The spec writes 'Requesting Termination'; the file has a lower-case 't'.
                .required(
                    "vfStatus",
                    .oneOf(["Active", "Idle", "Preparing to terminate", "Ready to terminate", "Requesting termination"])
                ),
            ]
        ),
        .record(
            "heartbeatFields",
            [
                .optional("additionalFields", fieldList),
                .required("heartbeatFieldsVersion", .number),
                .required("heartbeatInterval", .integer),
            ]
        ),
    ]

    static let otherDomains: [VESDatatype] = [
        .record(
            "otherFields",
            [
                .optional("hashOfNameValuePairArrays", .list(of: .datatype("namedArrayOfFields"))),
                .optional("jsonObjects", .list(of: .datatype("jsonObject"))),
                .optional("nameValuePairs", fieldList),
                .required("otherFieldsVersion", .number),
            ]
        ),
        .record(
            "stateChangeFields",
            [
                .optional("additionalFields", fieldList),
                // The spec lists the three states in prose; the file makes them an enumeration.
                .required("newState", .oneOf(["inService", "maintenance", "outOfService"])),
                .required("oldState", .oneOf(["inService", "maintenance", "outOfService"])),
                .required("stateChangeFieldsVersion", .number),
                .required("stateInterface", .string),
            ]
        ),
        .record(
            "syslogFields",
            [
                // Name=value pairs joined by '|' in one string, unlike the other blocks' field lists.
                .optional("additionalFields", .string),
                .optional("eventSourceHost", .string),
                .required("eventSourceType", .string),
                .optional("syslogFacility", .integer),
                .required("syslogFieldsVersion", .number),
                .required("syslogMsg", .string),
                .optional("syslogPri", .integer),
                .optional("syslogProc", .string),
                .optional("syslogProcId", .number),
                .optional("syslogSData", .string),
                .optional("syslogSdId", .string),
                // Listed in the file's (alphabetical) order, not the spec's by severity, so messages read the same.
                .optional(
                    "syslogSev",
                    .oneOf(["Alert", "Critical", "Debug", "Emergency", "Error", "Info", "Notice", "Warning"])
                ),
                .required("syslogTag", .string),
                .optional("syslogVer", .number),
            ]
        ),
        .record(
            "thresholdCrossingAlertFields",
            [
                .optional("additionalFields", fieldList),
                .required("additionalParameters", .list(of: .datatype("counter"))),
                // Listed in the file's order (the spec's is SET, CONT, CLEAR) so messages read the same.
                .required("alertAction", .oneOf(["CLEAR", "CONT", "SET"])),
                .required("alertDescription", .string),
                // The file's order again; the spec puts INTERFACE before ELEMENT.
                .required(
                    "alertType",
                    .oneOf(["CARD-ANOMALY", "ELEMENT-ANOMALY", "INTERFACE-ANOMALY", "SERVICE-ANOMALY"])
                ),
                .optional("alertValue", .string),
                .optional("associatedAlertIdList", .list(of: .string)),
                .required("collectionTimestamp", .string),
                .optional("dataCollector", .string),
                .optional("elementType", .string),
                .required("eventSeverity", severity),
                .required("eventStartTimestamp", .string),
                .optional("interfaceName", .string),
                .optional("networkService", .string),
                .optional("possibleRootCause", .string),
                // The spec writes "thresholdCrossing FieldsVersion"; the file has no space.
                .required("thresholdCrossingFieldsVersion", .number),
            ]
        ),
    ]
}
