// The technology-independent domain blocks of VES 7.2.1 other than measurement and perf3gpp: fault, heartbeat,
// notification, other, pnfRegistration, stateChange, stndDefined, syslog and thresholdCrossingAlert.

extension VES721Datatypes {
    static let faultAndHeartbeat: [VESDatatype] = [
        .closedRecord(
            "faultFields",
            [
                .optional("alarmAdditionalInformation", hashMap),
                .required("alarmCondition", .string),
                .optional("alarmInterfaceA", .string),
                .optional("eventCategory", .string),
                .required("eventSeverity", severity),
                // Free text since 5.x: the spec's values are only examples.
                .required("eventSourceType", .string),
                version("faultFieldsVersion", "4.0"),
                .required("specificProblem", .string),
                // The spec writes 'Requesting Termination'; the file has a lower-case 't'.
                .required(
                    "vfStatus",
                    .oneOf(["Active", "Idle", "Preparing to terminate", "Ready to terminate", "Requesting termination"])
                ),
            ]
        ),
        .closedRecord(
            "heartbeatFields",
            [
                .optional("additionalFields", hashMap),
                version("heartbeatFieldsVersion", "3.0"),
                .required("heartbeatInterval", .integer),
            ]
        ),
    ]

    static let otherDomains: [VESDatatype] = [
        .closedRecord(
            "notificationFields",
            [
                .optional("additionalFields", hashMap),
                // The spec writes the list inline; the file names its list datatype, which is the same thing.
                .optional("arrayOfNamedHashMap", .datatype("arrayOfNamedHashMap")),
                .optional("changeContact", .string),
                .required("changeIdentifier", .string),
                .required("changeType", .string),
                // Unlike stateChangeFields, the states here are free text (the spec only gives examples).
                .optional("newState", .string),
                .optional("oldState", .string),
                version("notificationFieldsVersion", "2.0"),
                .optional("stateInterface", .string),
            ]
        ),
        .closedRecord(
            "otherFields",
            [
                .optional("arrayOfNamedHashMap", .datatype("arrayOfNamedHashMap")),
                .optional("hashMap", hashMap),
                .optional("jsonObjects", .datatype("arrayOfJsonObject")),
                version("otherFieldsVersion", "3.0"),
            ]
        ),
        .closedRecord(
            "pnfRegistrationFields",
            [
                .optional("additionalFields", hashMap),
                .optional("lastServiceDate", .string),
                .optional("macAddress", .string),
                .optional("manufactureDate", .string),
                .optional("modelNumber", .string),
                // The spec types the two addresses as plain strings; the file adds formats (annotations in
                // draft-04, which the ONAP collector nevertheless enforces).
                .optional("oamV4IpAddress", .formatted("ipv4")),
                .optional("oamV6IpAddress", .formatted("ipv6")),
                version("pnfRegistrationFieldsVersion", "2.0", "2.1"),
                .optional("serialNumber", .string),
                .optional("softwareVersion", .string),
                .optional("unitFamily", .string),
                .optional("unitType", .string),
                .optional("vendorName", .string),
            ]
        ),
        .closedRecord(
            "stateChangeFields",
            [
                .optional("additionalFields", hashMap),
                .required("newState", states),
                .required("oldState", states),
                version("stateChangeFieldsVersion", "4.0"),
                .required("stateInterface", .string),
            ]
        ),
        .closedRecord(
            "stndDefinedFields",
            [
                // The spec types it as a string; the file adds the uri format (an annotation in draft-04).
                .optional("schemaReference", .formatted("uri")),
                // Whatever the standards body defines: checked later against its own schema, not here.
                .required("data", .object),
                version("stndDefinedFieldsVersion", "1.0"),
            ]
        ),
        .closedRecord(
            "syslogFields",
            [
                .optional("additionalFields", hashMap),
                .optional("eventSourceHost", .string),
                .required("eventSourceType", .string),
                .optional("syslogFacility", .integer),
                version("syslogFieldsVersion", "4.0"),
                .required("syslogMsg", .string),
                .optional("syslogMsgHost", .string),
                .optional("syslogPri", .integer),
                .optional("syslogProc", .string),
                .optional("syslogProcId", .number),
                .optional("syslogSData", .string),
                .optional("syslogSdId", .string),
                // Listed in the file's (alphabetical) order, not the spec's by level, so messages read the same.
                .optional(
                    "syslogSev",
                    .oneOf(["Alert", "Critical", "Debug", "Emergency", "Error", "Info", "Notice", "Warning"])
                ),
                .required("syslogTag", .string),
                .optional("syslogTs", .string),
                .optional("syslogVer", .number),
            ]
        ),
        .closedRecord(
            "counter",
            [
                .required("criticality", .oneOf(["CRIT", "MAJ"])),
                .required("hashMap", hashMap),
                // The spec spells it "threshholdCrossed"; the file has "thresholdCrossed".
                .required("thresholdCrossed", .string),
            ]
        ),
        .closedRecord(
            "thresholdCrossingAlertFields",
            [
                .optional("additionalFields", hashMap),
                .required("additionalParameters", .list(of: .datatype("counter"))),
                // Both enumerations in the file's order (the spec's differs) so messages read the same.
                .required("alertAction", .oneOf(["CLEAR", "CONT", "SET"])),
                .required("alertDescription", .string),
                .required(
                    "alertType",
                    .oneOf(["CARD-ANOMALY", "ELEMENT-ANOMALY", "INTERFACE-ANOMALY", "SERVICE-ANOMALY"])
                ),
                .optional("associatedAlertIdList", .list(of: .string)),
                .required("collectionTimestamp", .string),
                .required("eventSeverity", severity),
                .required("eventStartTimestamp", .string),
                version("thresholdCrossingFieldsVersion", "4.0"),
            ]
                // elementType and networkService were required in 1.1; optional since 5.x.
                + optionalStrings([
                    "alertValue",
                    "dataCollector",
                    "elementType",
                    "interfaceName",
                    "networkService",
                    "possibleRootCause",
                ])
        ),
    ]

    static let states = VESFieldType.oneOf(["inService", "maintenance", "outOfService"])
}
