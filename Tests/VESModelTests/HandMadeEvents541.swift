import JSON
import VESModel

/// Complete VES 5.4.1 bodies written for these tests: every domain with every optional field filled, a batch,
/// and the datatypes no event reaches (command list, throttling state, errors), so mutations reach every rule
/// of the 28.4.1 field set.
enum HandMadeEvents541 {
    static func header(_ domain: String, eventName: String, sequence: Int64 = 12) -> JSONValue {
        [
            "domain": .string(domain),
            "eventId": .string("\(domain)-0000000107"),
            "eventName": .string(eventName),
            "eventType": "applicationVnf",
            "internalHeaderFields": ["collectorTimeStamp": "Tue, 05 12 2023 09:30:00 UTC", "hops": [1, 2]],
            "lastEpochMicrosec": 1_701_768_660_000_000,
            "nfcNamingCode": "dns",
            "nfNamingCode": "vdns",
            "priority": "Normal",
            "reportingEntityId": "0d2f1c9e-52a1-4b8e-9c53-5f0e2b1a7730",
            "reportingEntityName": "ems-north",
            "sequence": .integer(sequence),
            "sourceId": "3f9c77a2-61be-4f0c-8d45-1c2b9a6e0042",
            "sourceName": "dns-site1-vm4",
            "startEpochMicrosec": 1701768600000000.0,
            "version": 3.0,
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

    static let fields: JSONValue = [["name": "zone", "value": "edge-2"], ["name": "tier", "value": ""]]
    static let vendor: JSONValue = ["vendorName": "Example Voice", "vfModuleName": "sbc-mod-1", "vnfName": "vSBC-7"]

    static let jsonObjects: JSONValue = [
        [
            "objectName": "routeTable",
            "objectSchema": "{\"type\": \"object\"}",
            "objectSchemaUrl": "https://example.org/schemas/routes.json",
            "nfSubscribedObjectName": "routes",
            "nfSubscriptionId": "sub-19",
            "objectInstances": [
                [
                    "objectInstance": ["prefix": "10.1.0.0/16", "metrics": [3, 4]],
                    "objectInstanceEpochMicrosec": 1_701_768_600_500_000,
                    "objectKeys": [["keyName": "vrf", "keyOrder": 1, "keyValue": "blue"]],
                ]
            ],
        ]
    ]

    static let fault = event(
        "fault",
        "Fault_vDNS_ServiceDown",
        "faultFields",
        [
            "alarmAdditionalInformation": fields,
            "alarmCondition": "serviceDown",
            "alarmInterfaceA": "eth0",
            "eventCategory": "routing",
            "eventSeverity": "CRITICAL",
            "eventSourceType": "virtualNetworkFunction",
            "faultFieldsVersion": 2.0,
            "specificProblem": "resolver stopped answering",
            "vfStatus": "Preparing to terminate",
        ]
    )

    static let heartbeat = event(
        "heartbeat",
        "Heartbeat_vDNS",
        "heartbeatFields",
        ["additionalFields": fields, "heartbeatFieldsVersion": 1.0, "heartbeatInterval": 60]
    )

    static let mobileFlow = event(
        "mobileFlow",
        "MobileFlow_vPGW_Session",
        "mobileFlowFields",
        [
            "additionalFields": fields,
            "applicationType": "video",
            "appProtocolType": "http",
            "appProtocolVersion": "2",
            "cid": "4411",
            "connectionType": "S1-U",
            "ecgi": "310-410-0a1b2c3",
            "flowDirection": "Reverse",
            "gtpPerFlowMetrics": gtpPerFlowMetrics,
            "gtpProtocolType": "GTP-U",
            "gtpVersion": "2",
            "httpHeader": "GET /index.html",
            "imei": "356938035643809",
            "imsi": "310410123456789",
            "ipProtocolType": "TCP",
            "ipVersion": "IPv4",
            "lac": "2001",
            "mcc": "310",
            "mnc": "410",
            "mobileFlowFieldsVersion": 2.0,
            "msisdn": "15551230000",
            "otherEndpointIpAddress": "198.51.100.7",
            "otherEndpointPort": 443,
            "otherFunctionalRole": "pgw",
            "rac": "12",
            "radioAccessTechnology": "LTE",
            "reportingEndpointIpAddr": "192.0.2.15",
            "reportingEndpointPort": 2152,
            "sac": "7",
            "samplingAlgorithm": 1,
            "tac": "6601",
            "tunnelId": "0x5a3c",
            "vlanId": "120",
        ]
    )

    static let gtpPerFlowMetrics: JSONValue = .object(
        JSONObject(
            same(
                2.5,
                [
                    "avgBitErrorRate", "avgPacketDelayVariation", "avgPacketLatency", "avgReceiveThroughput",
                    "avgTransmitThroughput", "durConnectionFailedStatus", "durTunnelFailedStatus",
                    "flowActivationEpoch", "flowActivationMicrosec", "flowDeactivationEpoch",
                    "flowDeactivationMicrosec", "largePacketRtt", "largePacketThreshold", "maxPacketDelayVariation",
                    "maxReceiveBitRate", "maxTransmitBitRate", "numActivationFailures", "numBitErrors",
                    "numBytesReceived", "numBytesTransmitted", "numDroppedPackets", "numGtpEchoFailures",
                    "numGtpTunnelErrors", "numHttpErrors", "numL7BytesReceived", "numL7BytesTransmitted",
                    "numLostPackets", "numOutOfOrderPackets", "numPacketErrors", "numPacketsReceivedExclRetrans",
                    "numPacketsReceivedInclRetrans", "numPacketsTransmittedInclRetrans", "numRetries", "numTimeouts",
                    "numTunneledL7BytesReceived", "roundTripTime", "timeToFirstByte",
                ]
            ) + [
                ("flowActivatedBy", "Agent"),
                ("flowActivationTime", "Tue, 05 Dec 2023 09:29:00 +0000"),
                ("flowDeactivatedBy", "Timeout"),
                ("flowDeactivationTime", "Tue, 05 Dec 2023 09:30:00 +0000"),
                ("flowStatus", "closed"),
                ("gtpConnectionStatus", "up"),
                ("gtpTunnelStatus", "up"),
                ("ipTosCountList", [["0", 120], ["46", 8]]),
                ("ipTosList", ["0", "46"]),
                ("mobileQciCosCountList", [["5", 2]]),
                ("mobileQciCosList", ["5", "9"]),
                ("tcpFlagCountList", [["SYN", 3], ["FIN", 1]]),
                ("tcpFlagList", ["SYN", "FIN"]),
            ]
        )
    )

    static let other = event(
        "other",
        "Other_vDNS_Inventory",
        "otherFields",
        [
            "hashOfNameValuePairArrays": [["name": "resolvers", "arrayOfFields": fields]],
            "jsonObjects": jsonObjects,
            "nameValuePairs": fields,
            "otherFieldsVersion": 1.1,
        ]
    )

    static let sipSignaling = event(
        "sipSignaling",
        "SipSignaling_vSBC_Invite",
        "sipSignalingFields",
        [
            "additionalInformation": fields,
            "compressedSip": "eJzT0yMAAGTvBe8=",
            "correlator": "call-5511",
            "localIpAddress": "192.0.2.40",
            "localPort": "5060",
            "remoteIpAddress": "203.0.113.9",
            "remotePort": "5061",
            "sipSignalingFieldsVersion": 1.0,
            "summarySip": "INVITE",
            "vendorVnfNameFields": vendor,
        ]
    )

    static let stateChange = event(
        "stateChange",
        "StateChange_vDNS_Port",
        "stateChangeFields",
        [
            "additionalFields": fields,
            "newState": "maintenance",
            "oldState": "inService",
            "stateChangeFieldsVersion": 2.0,
            "stateInterface": "port-3",
        ]
    )

    static let syslog = event(
        "syslog",
        "Syslog_vDNS_Named",
        "syslogFields",
        [
            "additionalFields": "pid=311|queue=2|",
            "eventSourceHost": "dns-site1-vm4.example",
            "eventSourceType": "virtualMachine",
            "syslogFacility": 3,
            "syslogFieldsVersion": 3.0,
            "syslogMsg": "zone reload finished",
            "syslogPri": 30,
            "syslogProc": "named",
            "syslogProcId": 311,
            "syslogSData": "[origin ip=\"192.0.2.15\"]",
            "syslogSdId": "origin@32473",
            "syslogSev": "Notice",
            "syslogTag": "NILVALUE",
            "syslogVer": 1,
        ]
    )

    static let thresholdCrossingAlert = event(
        "thresholdCrossingAlert",
        "Tca_vDNS_QueryRate",
        "thresholdCrossingAlertFields",
        [
            "additionalFields": fields,
            "additionalParameters": [
                ["criticality": "MAJ", "name": "queryRate", "thresholdCrossed": "5000", "value": "6120"]
            ],
            "alertAction": "SET",
            "alertDescription": "query rate above limit",
            "alertType": "SERVICE-ANOMALY",
            "alertValue": "6120",
            "associatedAlertIdList": ["tca-0041", "tca-0042"],
            "collectionTimestamp": "Tue, 05 Dec 2023 09:30:00 +0000",
            "dataCollector": "probe-2",
            "elementType": "vDNS",
            "eventSeverity": "WARNING",
            "eventStartTimestamp": "Tue, 05 Dec 2023 09:25:00 +0000",
            "interfaceName": "eth0",
            "networkService": "dns",
            "possibleRootCause": "traffic burst",
            "thresholdCrossingFieldsVersion": 2.0,
        ]
    )

    static let voiceQuality = event(
        "voiceQuality",
        "VoiceQuality_vSBC_CallEnd",
        "voiceQualityFields",
        [
            "additionalInformation": fields,
            "calleeSideCodec": "G711",
            "callerSideCodec": "AMR-WB",
            "correlator": "call-5511",
            "endOfCallVqmSummaries": .object(
                JSONObject(
                    [("adjacencyName", "peer-east"), ("endpointDescription", "Callee")]
                        + same(
                            4,
                            [
                                "endpointJitter", "endpointRtpOctetsDiscarded", "endpointRtpOctetsReceived",
                                "endpointRtpOctetsSent", "endpointRtpPacketsDiscarded", "endpointRtpPacketsReceived",
                                "endpointRtpPacketsSent", "localJitter", "localRtpOctetsDiscarded",
                                "localRtpOctetsReceived", "localRtpOctetsSent", "localRtpPacketsDiscarded",
                                "localRtpPacketsReceived", "localRtpPacketsSent", "mosCqe", "packetsLost",
                                "packetLossPercent", "rFactor", "roundTripDelay",
                            ]
                        )
                )
            ),
            "midCallRtcp": "rtcp-summary",
            "phoneNumber": "+15551230000",
            "vendorVnfNameFields": vendor,
            "voiceQualityFieldsVersion": 1.0,
        ]
    )

    /// Two domains in one batch: the 5.4.1 file, unlike the 7.x spec, does not ask for one domain per batch.
    static let batch: JSONValue = ["eventList": .array([fault, syslog].compactMap { $0["event"] })]

    static let bases: [MutationBase] =
        [
            ("fault", fault), ("heartbeat", heartbeat), ("measurementsForVfScaling", measurement),
            ("mobileFlow", mobileFlow), ("other", other), ("sipSignaling", sipSignaling),
            ("stateChange", stateChange), ("syslog", syslog), ("thresholdCrossingAlert", thresholdCrossingAlert),
            ("voiceQuality", voiceQuality), ("batch", batch),
        ].map { MutationBase(name: "5.4.1 \($0.0)", value: $0.1, definition: nil) }
        + definitions.map { MutationBase(name: "5.4.1 \($0.0) definition", value: $0.1, definition: $0.0) }
}
