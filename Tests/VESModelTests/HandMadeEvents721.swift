import JSON
import VESModel

/// Complete VES 7.2.1 bodies written for these tests: every domain with every optional block and field filled,
/// a batch, and the datatypes no event reaches, so mutations reach every rule of the 30.2.1 field set.
enum HandMadeEvents721 {
    static func header(_ domain: String, eventName: String, sequence: Int64 = 3) -> JSONValue {
        [
            "domain": .string(domain),
            "eventId": .string("\(domain)-0000000042"),
            "eventName": .string(eventName),
            "eventType": "lab",
            "internalHeaderFields": ["collectorTimeStamp": "Mon, 04 01 2021 10:00:00 UTC", "depth": [1, 2]],
            "lastEpochMicrosec": 1_700_000_060_000_000,
            "nfcNamingCode": "fwl",
            "nfNamingCode": "vfwl",
            "nfVendorName": "Example Networks",
            "priority": "Normal",
            "reportingEntityId": "cc305d54-75b4-431b-adb2-eb6b9e541234",
            "reportingEntityName": "ems-west",
            "sequence": .integer(sequence),
            "sourceId": "de305d54-75b4-431b-adb2-eb6b9e546014",
            "sourceName": "fw-site3-vm2",
            "startEpochMicrosec": 1700000000000000.0,
            "stndDefinedNamespace": "3GPP-FaultSupervision",
            "timeZoneOffset": "UTC-05:30",
            "version": "4.1",
            "vesEventListenerVersion": "7.2.1",
        ]
    }

    /// `{"event": {"commonEventHeader": ..., "<block>": ...}}`.
    static func event(_ domain: String, _ eventName: String, _ block: String, _ fields: JSONValue) -> JSONValue {
        ["event": ["commonEventHeader": header(domain, eventName: eventName), block: fields]]
    }

    /// Members that all hold one value, for the long all-number tables.
    static func same(_ value: JSONValue, _ names: [String]) -> [(String, JSONValue)] {
        names.map { ($0, value) }
    }

    static let hashMap: JSONValue = ["site": "lab-3", "rack": "r12"]
    static let namedHashMaps: JSONValue = [["name": "pmFile", "hashMap": ["compression": "gzip"]]]

    static let jsonObjects: JSONValue = [
        [
            "objectName": "interfaceCounters",
            "objectSchema": "{\"type\": \"object\"}",
            "objectSchemaUrl": "https://example.net/schemas/counters.json",
            "nfSubscribedObjectName": "counters",
            "nfSubscriptionId": "sub-7",
            "objectInstances": [
                [
                    "jsonObject": [
                        "objectName": "nested",
                        "objectInstances": [["objectInstance": ["queue": 4]]],
                    ],
                    "objectInstance": ["inOctets": 1200, "name": "eth0"],
                    "objectInstanceEpochMicrosec": 1_700_000_000_000_000,
                    "objectKeys": [["keyName": "ifName", "keyOrder": 1, "keyValue": "eth0"]],
                ]
            ],
        ]
    ]

    static let fault = event(
        "fault",
        "Fault_vFirewall_LinkDown",
        "faultFields",
        [
            "alarmAdditionalInformation": ["alarmId": "7", "probableCause": "lossOfSignal"],
            "alarmCondition": "linkDown",
            "alarmInterfaceA": "eth1",
            "eventCategory": "link",
            "eventSeverity": "MAJOR",
            "eventSourceType": "port",
            "faultFieldsVersion": "4.0",
            "specificProblem": "eth1 lost carrier",
            "vfStatus": "Requesting termination",
        ]
    )

    static let heartbeat = event(
        "heartbeat",
        "Heartbeat_vFirewall",
        "heartbeatFields",
        ["additionalFields": hashMap, "heartbeatFieldsVersion": "3.0", "heartbeatInterval": 60]
    )

    static let notification = event(
        "notification",
        "Notification_gNB_FileReady",
        "notificationFields",
        [
            "additionalFields": hashMap,
            "arrayOfNamedHashMap": namedHashMaps,
            "changeContact": "noc",
            "changeIdentifier": "PM_MEAS_FILES",
            "changeType": "fileReady",
            "newState": "ready",
            "oldState": "collecting",
            "notificationFieldsVersion": "2.0",
            "stateInterface": "pm",
        ]
    )

    static let other = event(
        "other",
        "Other_vFirewall_Inventory",
        "otherFields",
        [
            "arrayOfNamedHashMap": namedHashMaps,
            "hashMap": hashMap,
            "jsonObjects": jsonObjects,
            "otherFieldsVersion": "3.0",
        ]
    )

    static let pnfRegistration = event(
        "pnfRegistration",
        "PnfRegistration_Airscale_Boot",
        "pnfRegistrationFields",
        [
            "additionalFields": hashMap,
            "lastServiceDate": "2020-12-01",
            "macAddress": "02:42:ac:11:00:02",
            "manufactureDate": "2019-06-14",
            "modelNumber": "AS-7",
            "oamV4IpAddress": "192.0.2.17",
            "oamV6IpAddress": "2001:db8::17",
            "pnfRegistrationFieldsVersion": "2.1",
            "serialNumber": "SN-0042",
            "softwareVersion": "5.1.2",
            "unitFamily": "BBU",
            "unitType": "Airscale",
            "vendorName": "Example Networks",
        ]
    )

    static let stateChange = event(
        "stateChange",
        "StateChange_vFirewall_Port",
        "stateChangeFields",
        [
            "additionalFields": hashMap,
            "newState": "maintenance",
            "oldState": "inService",
            "stateChangeFieldsVersion": "4.0",
            "stateInterface": "eth2",
        ]
    )

    static let stndDefined = event(
        "stndDefined",
        "StndDefined_gNB_NotifyNewAlarm",
        "stndDefinedFields",
        [
            "schemaReference": "https://forge.3gpp.org/faultMnS.yaml#/components/schemas/NotifyNewAlarm",
            "data": ["href": "1", "notificationType": "notifyNewAlarm", "perceivedSeverity": "MAJOR"],
            "stndDefinedFieldsVersion": "1.0",
        ]
    )

    static let syslog = event(
        "syslog",
        "Syslog_vFirewall_Kernel",
        "syslogFields",
        [
            "additionalFields": hashMap,
            "eventSourceHost": "fw-site3-vm2",
            "eventSourceType": "virtualMachine",
            "syslogFacility": 4,
            "syslogFieldsVersion": "4.0",
            "syslogMsg": "link down",
            "syslogMsgHost": "fw-site3-vm2",
            "syslogPri": 34,
            "syslogProc": "kernel",
            "syslogProcId": 812,
            "syslogSData": "[origin ip=\"192.0.2.1\"]",
            "syslogSdId": "origin@32473",
            "syslogSev": "Error",
            "syslogTag": "kern",
            "syslogTs": "2021-01-04T10:00:00Z",
            "syslogVer": 1,
        ]
    )

    static let thresholdCrossingAlert = event(
        "thresholdCrossingAlert",
        "Tca_vFirewall_Latency",
        "thresholdCrossingAlertFields",
        [
            "additionalFields": hashMap,
            "additionalParameters": [
                ["criticality": "MAJ", "hashMap": ["latency": "250"], "thresholdCrossed": "latencyMs"]
            ],
            "alertAction": "SET",
            "alertDescription": "latency over 200 ms",
            "alertType": "SERVICE-ANOMALY",
            "alertValue": "250",
            "associatedAlertIdList": ["tca-1", "tca-2"],
            "collectionTimestamp": "Mon, 04 01 2021 10:00:00 UTC",
            "dataCollector": "probe-1",
            "elementType": "router",
            "eventSeverity": "WARNING",
            "eventStartTimestamp": "Mon, 04 01 2021 09:55:00 UTC",
            "interfaceName": "eth0",
            "networkService": "vpn",
            "possibleRootCause": "congestion",
            "thresholdCrossingFieldsVersion": "4.0",
        ]
    )

    static let vendorNfName: JSONValue = ["vendorName": "Example Networks", "nfModuleName": "sbc-m", "nfName": "sbc"]

    static let sipSignaling = event(
        "sipSignaling",
        "SipSignaling_vSBC_Call",
        "sipSignalingFields",
        [
            "additionalInformation": hashMap,
            "compressedSip": "eJzLSM3JyVcozy/KSQEAGgQEXQ==",
            "correlator": "call-77",
            "localIpAddress": "192.0.2.5",
            "localPort": "5060",
            "remoteIpAddress": "198.51.100.9",
            "remotePort": "5061",
            "sipSignalingFieldsVersion": "3.0",
            "summarySip": "INVITE 200 ACK BYE",
            "vendorNfNameFields": vendorNfName,
        ]
    )

    static let voiceQuality = event(
        "voiceQuality",
        "VoiceQuality_vSBC_Call",
        "voiceQualityFields",
        [
            "additionalInformation": hashMap,
            "calleeSideCodec": "G711",
            "callerSideCodec": "AMR-WB",
            "correlator": "call-77",
            "endOfCallVqmSummaries": .object(
                JSONObject(
                    [("adjacencyName", "peer-a"), ("endpointDescription", "Caller")]
                        + same(
                            2.5,
                            [
                                "endpointAverageJitter",
                                "endpointMaxJitter",
                                "localAverageJitter",
                                "localAverageJitterBufferDelay",
                                "localMaxJitter",
                                "localMaxJitterBufferDelay",
                                "mosCqe",
                                "oneWayDelay",
                                "packetLossPercent",
                                "rFactor",
                                "roundTripDelay",
                            ]
                        )
                        + same(
                            120,
                            [
                                "endpointRtpOctetsDiscarded",
                                "endpointRtpOctetsLost",
                                "endpointRtpOctetsReceived",
                                "endpointRtpOctetsSent",
                                "endpointRtpPacketsDiscarded",
                                "endpointRtpPacketsLost",
                                "endpointRtpPacketsReceived",
                                "endpointRtpPacketsSent",
                                "localRtpOctetsDiscarded",
                                "localRtpOctetsLost",
                                "localRtpOctetsReceived",
                                "localRtpOctetsSent",
                                "localRtpPacketsDiscarded",
                                "localRtpPacketsLost",
                                "localRtpPacketsReceived",
                                "localRtpPacketsSent",
                            ]
                        )
                )
            ),
            "phoneNumber": "+15550100",
            "midCallRtcp": "rtcp-xr",
            "vendorNfNameFields": vendorNfName,
            "voiceQualityFieldsVersion": "4.0",
        ]
    )

    /// A batch at the root: every item is an event of its own.
    static let batch: JSONValue = [
        "eventList": [
            ["commonEventHeader": header("heartbeat", eventName: "Heartbeat_vFirewall", sequence: 0)],
            ["commonEventHeader": header("heartbeat", eventName: "Heartbeat_vFirewall", sequence: 1)],
        ]
    ]

    /// Every base the mutation test runs: each domain, the batch, and the datatypes no event reaches.
    static let bases: [MutationBase] =
        [
            ("fault", fault), ("heartbeat", heartbeat), ("measurement", measurement), ("mobileFlow", mobileFlow),
            ("notification", notification), ("other", other), ("perf3gpp", perf3gpp),
            ("pnfRegistration", pnfRegistration), ("sipSignaling", sipSignaling), ("stateChange", stateChange),
            ("stndDefined", stndDefined), ("syslog", syslog), ("thresholdCrossingAlert", thresholdCrossingAlert),
            ("voiceQuality", voiceQuality), ("batch", batch),
        ].map { MutationBase(name: "7.2.1 \($0.0)", value: $0.1, definition: nil) }
        + [
            (
                "requestError",
                [
                    "messageId": "SVC0002",
                    "text": "Invalid input value for message part %1",
                    "url": "https://example.net/errors/SVC0002",
                    "variables": "event.commonEventHeader.domain",
                ]
            ),
            (
                "schemaHeaderBlock",
                [
                    "associatedApi": "VES Event Listener", "lastUpdatedBy": "tests", "schemaDate": "2021-01-04",
                    "schemaVersion": 30.21,
                ]
            ),
        ].map { MutationBase(name: "7.2.1 \($0.0) definition", value: $0.1, definition: $0.0) }
}
