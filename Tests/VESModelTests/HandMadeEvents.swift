import JSON
import VESModel

/// Complete VES 1.1 bodies written for these tests: every domain with every field the 2016 format defines,
/// plus the non-event datatypes, so mutations reach every rule of the field set.
enum HandMadeEvents {
    static func header(_ domain: String, eventType: String, sequence: Int64 = 7) -> JSONValue {
        [
            "version": 1.1,
            "eventType": .string(eventType),
            "domain": .string(domain),
            "eventId": .string("\(domain)-0001"),
            "sourceId": "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "sourceName": "vnf-a-vm-1",
            "functionalRole": "vFirewall",
            "reportingEntityId": "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
            "reportingEntityName": "ems-east",
            "priority": "Medium",
            "startEpochMicrosec": 1_700_000_000_000_000,
            "lastEpochMicrosec": 1700000020125000.0,
            "sequence": .integer(sequence),
        ]
    }

    static let field: JSONValue = ["name": "site", "value": "lab-3"]

    static let capacity: JSONValue = [
        "event": [
            "commonEventHeader": header("capacity", eventType: "Capacity_vFirewall_Sessions"),
            "capacityFields": [
                "capacityFieldsVersion": 1.0, "additionalFields": [field, ["name": "k", "value": ""]],
            ],
        ]
    ]

    static let fault: JSONValue = [
        "event": [
            "commonEventHeader": header("fault", eventType: "Fault_vFirewall_LinkDown"),
            "faultFields": [
                "faultFieldsVersion": 1.1,
                "eventSeverity": "MAJOR",
                "eventSourceType": "virtualMachine(8)",
                "alarmCondition": "linkDown",
                "specificProblem": "eth1 lost carrier",
                "vfStatus": "Requesting termination",
                "alarmInterfaceA": "eth1",
                "alarmAdditionalInformation": [field, ["name": "port", "value": "2"]],
            ],
        ]
    ]

    static let heartbeat: JSONValue = [
        "event": ["commonEventHeader": header("heartbeat", eventType: "Heartbeat_vFirewall", sequence: 0)]
    ]

    static let measurement: JSONValue = [
        "event": [
            "commonEventHeader": header("measurementsForVfScaling", eventType: "Mfvs_vFirewall_Usage"),
            "measurementsForVfScalingFields": [
                "measurementFieldsVersion": 1.1,
                "measurementInterval": 20,
                "aggregateCpuUsage": 37.5,
                "codecUsageArray": [["codecIdentifier": "G711", "codecUtilization": 12]],
                "concurrentSessions": 40,
                "configuredEntities": 120,
                "cpuUsageArray": [
                    ["cpuIdentifier": "0", "percentUsage": 35.25],
                    ["cpuIdentifier": "1", "percentUsage": 39.75],
                ],
                "featureUsageArray": [["featureIdentifier": "nat", "featureUtilization": 3]],
                "filesystemUsageArray": [
                    [
                        "vmIdentifier": "vm-1",
                        "blockConfigured": 40,
                        "blockIops": 120.5,
                        "blockUsed": 12.25,
                        "ephemeralConfigured": 10,
                        "ephemeralIops": 3,
                        "ephemeralUsed": 1.5,
                    ]
                ],
                "latencyDistribution": [
                    ["countsInTheBucket": 30, "lowEndOfLatencyBucket": 0, "highEndOfLatencyBucket": 10],
                    ["countsInTheBucket": 2],
                ],
                "meanRequestLatency": 4.5,
                "memoryConfigured": 4,
                "memoryUsed": 1.5,
                "numberOfMediaPortsInUse": 6,
                "requestRate": 250,
                "vnfcScalingMetric": 55,
                "vNicUsageArray": [
                    [
                        "vNicIdentifier": "eth0",
                        "broadcastPacketsIn": 0.0,
                        "broadcastPacketsOut": 0.0,
                        "bytesIn": 61_530_000,
                        "bytesOut": 45_410_000,
                        "multicastPacketsIn": 1.0,
                        "multicastPacketsOut": 0,
                        "unicastPacketsIn": 4000,
                        "unicastPacketsOut": 3500,
                    ]
                ],
                "additionalMeasurements": [
                    ["name": "load", "measurements": [["name": "load-shortterm", "value": "0.42"]]]
                ],
            ],
        ]
    ]

    static let gtpPerFlowMetrics: JSONValue = [
        "avgBitErrorRate": 0.001,
        "avgPacketDelayVariation": 3.5,
        "avgPacketLatency": 12,
        "avgReceiveThroughput": 1_000_000,
        "avgTransmitThroughput": 900_000,
        "durConnectionFailedStatus": 0,
        "durTunnelFailedStatus": 0,
        "flowActivatedBy": "UE",
        "flowActivationEpoch": 1_700_000_000,
        "flowActivationMicrosec": 125_000,
        "flowActivationTime": "Tue, 14 Nov 2023 22:13:20 GMT",
        "flowDeactivatedBy": "network",
        "flowDeactivationEpoch": 1_700_000_060,
        "flowDeactivationMicrosec": 0,
        "flowDeactivationTime": "Tue, 14 Nov 2023 22:14:20 GMT",
        "flowStatus": "working",
        "gtpConnectionStatus": "connected",
        "gtpTunnelStatus": "up",
        "ipTosCountList": [["0", 120], ["46", 12.5]],
        "ipTosList": ["0", "46"],
        "largePacketRtt": 30,
        "largePacketThreshold": 1400,
        "maxPacketDelayVariation": 9,
        "maxReceiveBitRate": 2_000_000,
        "maxTransmitBitRate": 1_800_000,
        "mobileQciCosCountList": [["QCI9", 400]],
        "mobileQciCosList": ["QCI9"],
        "numActivationFailures": 0,
        "numBitErrors": 3,
        "numBytesReceived": 1_048_576,
        "numBytesTransmitted": 524_288,
        "numDroppedPackets": 1,
        "numGtpEchoFailures": 0,
        "numGtpTunnelErrors": 0,
        "numHttpErrors": 2,
        "numL7BytesReceived": 1_000_000,
        "numL7BytesTransmitted": 500_000,
        "numLostPackets": 4,
        "numOutOfOrderPackets": 1,
        "numPacketErrors": 0,
        "numPacketsReceivedExclRetrans": 900,
        "numPacketsReceivedInclRetrans": 910,
        "numPacketsTransmittedInclRetrans": 700,
        "numRetries": 10,
        "numTimeouts": 1,
        "numTunneledL7BytesReceived": 999_000,
        "roundTripTime": 25,
        "tcpFlagCountList": [["SYN", 10], ["ACK", 800]],
        "tcpFlagList": ["SYN", "ACK"],
        "timeToFirstByte": 40,
    ]

    static let mobileFlow: JSONValue = [
        "event": [
            "commonEventHeader": header("mobileFlow", eventType: "MobileFlow_vSGW_Flow"),
            "mobileFlowFields": [
                "applicationType": "video",
                "appProtocolType": "HTTP",
                "appProtocolVersion": "1.1",
                "cid": "cell-7",
                "connectionType": "S1-U",
                "ecgi": "310-410-1234567",
                "flowDirection": "Outbound",
                "gtpPerFlowMetrics": gtpPerFlowMetrics,
                "gtpProtocolType": "GTP-U",
                "gtpVersion": "1",
                "httpHeader": "GET / HTTP/1.1",
                "imei": "490154203237518",
                "imsi": "310150123456789",
                "ipProtocolType": "TCP",
                "ipVersion": "IPv4",
                "lac": "100",
                "mcc": "310",
                "mnc": "410",
                "msisdn": "15551234567",
                "otherEndpointIpAddress": "203.0.113.9",
                "otherEndpointPort": 443,
                "otherFunctionalRole": "PGW",
                "rac": "5",
                "radioAccessTechnology": "LTE",
                "reportingEndpointIpAddr": "198.51.100.4",
                "reportingEndpointPort": 2152,
                "sac": "12",
                "samplingAlgorithm": 0,
                "tac": "7",
                "tunnelId": "0x1f2e",
                "vlanId": "100",
            ],
        ]
    ]

    static let other: JSONValue = [
        "event": [
            "commonEventHeader": header("other", eventType: "Other_vFirewall_Note"),
            "otherFields": [field, ["name": "note", "value": "hello"]],
        ]
    ]

    static let syslog: JSONValue = [
        "event": [
            "commonEventHeader": header("syslog", eventType: "Syslog_vFirewall"),
            "syslogFields": [
                "eventSourceHost": "fw-1",
                "eventSourceType": "virtualNetworkFunction(9)",
                "syslogFacility": 16,
                "syslogFieldsVersion": 1.0,
                "syslogMsg": "session table 90% full",
                "syslogProc": "fwd",
                "syslogProcId": 4321,
                "syslogVer": 1,
                "syslogSData": "[meta sequenceId=\"29\"]",
                "syslogTag": "FW100",
            ],
        ]
    ]

    static let thresholdCrossingAlert: JSONValue = [
        "event": [
            "commonEventHeader": header("thresholdCrossingAlert", eventType: "Tca_vFirewall_CpuThresholdExceeded"),
            "thresholdCrossingAlertFields": [
                "additionalParameters": [
                    ["criticality": "MAJ", "name": "cpu", "thresholdCrossed": "80", "value": "91"]
                ],
                "alertAction": "SET",
                "alertDescription": "NE-CPUMEM",
                "alertType": "ELEMENT-ANOMALY",
                "alertValue": "91",
                "associatedAlertIdList": ["tca-0001", "tca-0002"],
                "collectionTimestamp": "Tue, 14 Nov 2023 22:13:20 GMT",
                "dataCollector": "collector-1",
                "elementType": "vFirewall",
                "eventStartTimestamp": "Tue, 14 Nov 2023 22:13:00 GMT",
                "interfaceName": "eth0",
                "networkService": "internet",
                "possibleRootCause": "traffic surge",
                "thresholdCrossingFieldsVersion": 1.0,
            ],
        ]
    ]

    static let usage: JSONValue = [
        "event": [
            "commonEventHeader": header("usage", eventType: "Usage_vFirewall"),
            "usageFields": ["anything": ["goes": [1, "here"]]],
        ]
    ]

    /// Bodies validated against the root schema.
    static let events: [(String, JSONValue)] = [
        ("capacity", capacity),
        ("fault", fault),
        ("heartbeat", heartbeat),
        ("measurementsForVfScaling", measurement),
        ("mobileFlow", mobileFlow),
        ("other", other),
        ("syslog", syslog),
        ("thresholdCrossingAlert", thresholdCrossingAlert),
        ("usage", usage),
    ]

    /// Values validated against one definition.
    static let definitions: [(definition: String, value: JSONValue)] = [
        (
            "eventThrottlingState",
            [
                "eventThrottlingMode": "throttled",
                "eventDomainThrottleSpecificationList": [
                    [
                        "eventDomain": "fault",
                        "suppressedFieldNames": ["alarmInterfaceA", "alarmAdditionalInformation"],
                    ],
                    [
                        "eventDomain": "thresholdCrossingAlert",
                        "suppressedFieldNames": ["possibleRootCause"],
                        "suppressedNvPairsList": [
                            ["nvPairFieldName": "additionalParameters", "suppressedNvPairNames": ["cpu", "mem"]]
                        ],
                    ],
                ],
            ]
        ),
        (
            "requestError",
            [
                "messageId": "SVC0002", "text": "Invalid input value for message part %1", "url": "",
                "variables": "/event",
            ]
        ),
        ("eventList", [fault["event"]!, heartbeat["event"]!, syslog["event"]!]),
        ("event", measurement["event"]!),
    ]
}
