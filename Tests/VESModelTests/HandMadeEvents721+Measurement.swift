import JSON

// The 7.2.1 bodies with the longest tables: measurement (with IPMI), perf3gpp and mobileFlow.
extension HandMadeEvents721 {
    static let measurement = event(
        "measurement",
        "Measurement_vFirewall_Usage",
        "measurementFields",
        [
            "additionalFields": hashMap,
            "additionalMeasurements": namedHashMaps,
            "additionalObjects": jsonObjects,
            "codecUsageArray": [["codecIdentifier": "G711", "numberInUse": 12]],
            "concurrentSessions": 40,
            "configuredEntities": 120,
            "cpuUsageArray": [
                .object(
                    JSONObject(
                        [("cpuIdentifier", "cpu0"), ("percentUsage", 35.25)]
                            + same(
                                1.5,
                                [
                                    "cpuCapacityContention",
                                    "cpuDemandAvg",
                                    "cpuDemandMhz",
                                    "cpuDemandPct",
                                    "cpuIdle",
                                    "cpuLatencyAvg",
                                    "cpuOverheadAvg",
                                    "cpuSwapWaitTime",
                                    "cpuUsageInterrupt",
                                    "cpuUsageNice",
                                    "cpuUsageSoftIrq",
                                    "cpuUsageSteal",
                                    "cpuUsageSystem",
                                    "cpuUsageUser",
                                    "cpuWait",
                                ]
                            )
                    )
                )
            ],
            "diskUsageArray": [.object(JSONObject([("diskIdentifier", "vda")] + diskCounters))],
            "featureUsageArray": ["nat": "3"],
            "filesystemUsageArray": [
                .object(
                    JSONObject(
                        [("filesystemName", "/var")]
                            + same(
                                12.5,
                                [
                                    "blockConfigured",
                                    "blockIops",
                                    "blockUsed",
                                    "ephemeralConfigured",
                                    "ephemeralIops",
                                    "ephemeralUsed",
                                ]
                            )
                    )
                )
            ],
            "hugePagesArray": [
                .object(
                    JSONObject(
                        [("hugePagesIdentifier", "2M")]
                            + same(
                                8,
                                [
                                    "bytesFree",
                                    "bytesUsed",
                                    "percentFree",
                                    "percentUsed",
                                    "vmPageNumberFree",
                                    "vmPageNumberUsed",
                                ]
                            )
                    )
                )
            ],
            "ipmi": ipmi,
            "latencyDistribution": [
                ["countsInTheBucket": 12, "highEndOfLatencyBucket": 20, "lowEndOfLatencyBucket": 10]
            ],
            "loadArray": [["longTerm": 0.5, "midTerm": 0.75, "shortTerm": 1.25]],
            "machineCheckExceptionArray": [
                [
                    "correctedMemoryErrors": 1, "correctedMemoryErrorsIn1Hr": 0, "uncorrectedMemoryErrors": 0,
                    "uncorrectedMemoryErrorsIn1Hr": 0, "vmIdentifier": "vm-2",
                ]
            ],
            "meanRequestLatency": 3.5,
            "measurementFieldsVersion": "4.0",
            "measurementInterval": 60,
            "memoryUsageArray": [
                .object(
                    JSONObject(
                        [("vmIdentifier", "vm-2"), ("memoryFree", 2048), ("memoryUsed", 1024)]
                            + same(
                                64,
                                [
                                    "memoryBuffered",
                                    "memoryCached",
                                    "memoryConfigured",
                                    "memoryDemand",
                                    "memoryLatencyAvg",
                                    "memorySharedAvg",
                                    "memorySlabRecl",
                                    "memorySlabUnrecl",
                                    "memorySwapInAvg",
                                    "memorySwapInRateAvg",
                                    "memorySwapOutAvg",
                                    "memorySwapOutRateAvg",
                                    "memorySwapUsedAvg",
                                    "percentMemoryUsage",
                                ]
                            )
                    )
                )
            ],
            "nfcScalingMetric": 2,
            "nicPerformanceArray": [nicPerformance],
            "numberOfMediaPortsInUse": 6,
            "processStatsArray": [
                .object(
                    JSONObject(
                        [("processIdentifier", "sshd")]
                            + same(
                                2,
                                [
                                    "forkRate",
                                    "psStateBlocked",
                                    "psStatePaging",
                                    "psStateRunning",
                                    "psStateSleeping",
                                    "psStateStopped",
                                    "psStateZombie",
                                ]
                            )
                    )
                )
            ],
            "requestRate": 120.5,
        ]
    )

    static let diskCounters: [(String, JSONValue)] =
        same(
            4,
            [
                "diskBusResets",
                "diskCommandsAborted",
                "diskCommandsAvg",
                "diskFlushRequests",
                "diskFlushTime",
                "diskReadCommandsAvg",
                "diskTime",
                "diskTotalReadLatencyAvg",
                "diskTotalWriteLatencyAvg",
                "diskWriteCommandsAvg",
            ]
        )
        + [
            "diskIoTime", "diskMergedRead", "diskMergedWrite", "diskOctetsRead", "diskOctetsWrite", "diskOpsRead",
            "diskOpsWrite", "diskPendingOperations", "diskTimeRead", "diskTimeWrite", "diskWeightedIoTime",
        ].flatMap { counter in ["Avg", "Last", "Max", "Min"].map { (counter + $0, JSONValue.number(0.5)) } }

    static let nicPerformance: JSONValue = {
        var members: [(String, JSONValue)] = [
            ("administrativeState", "inService"), ("nicIdentifier", "eth0"), ("operationalState", "outOfService"),
            ("speed", 10000), ("valuesAreSuspect", "false"),
        ]
        let counters = [
            "BroadcastPackets", "DiscardedPackets", "ErrorPackets", "MulticastPackets", "Octets", "TotalPackets",
            "UnicastPackets",
        ]
        for direction in ["received", "transmitted"] {
            for counter in counters {
                members.append((direction + counter + "Accumulated", 900))
                members.append((direction + counter + "Delta", 9))
            }
            members += same(
                0.25,
                [direction + "PercentDiscard", direction + "PercentError", direction + "Utilization"]
            )
        }
        return .object(JSONObject(members))
    }()

    static let ipmi: JSONValue = [
        "exitAirTemperature": 31.5,
        "frontPanelTemperature": 24,
        "ioModuleTemperature": 40,
        "ipmiBaseboardTemperatureArray": [["baseboardTemperatureIdentifier": "bb0", "baseboardTemperature": 35]],
        "ipmiBaseboardVoltageRegulatorArray": [
            ["baseboardVoltageRegulatorIdentifier": "vr0", "voltageRegulatorTemperature": 50]
        ],
        "ipmiBatteryArray": [["batteryIdentifier": "bat0", "batteryType": "CR2032", "batteryVoltageLevel": 3.1]],
        "ipmiFanArray": [["fanIdentifier": "fan0", "fanSpeed": 4200]],
        "ipmiHsbpArray": [["hsbpIdentifier": "hsbp0", "hsbpTemperature": 30]],
        "ipmiGlobalAggregateTemperatureMarginArray": [
            ["globalAggregateTemperatureMarginIdentifier": "gatm0", "globalAggregateTemperatureMargin": 12]
        ],
        "ipmiNicArray": [["nicIdentifier": "nic0", "nicTemperature": 45]],
        "ipmiPowerSupplyArray": [
            [
                "powerSupplyIdentifier": "psu0", "powerSupplyInputPower": 350, "powerSupplyCurrentOutputPercent": 40,
                "powerSupplyTemperature": 38,
            ]
        ],
        "ipmiProcessorArray": [
            [
                "processorIdentifier": "cpu0",
                "processorThermalControlPercent": 10,
                "processorDtsThermalMargin": 22,
                "processorDimmAggregateThermalMarginArray": [
                    ["processorDimmAggregateThermalMarginIdentifier": "dimm0", "thermalMargin": 18]
                ],
            ]
        ],
        "systemAirflow": 55,
    ]

    static let perf3gpp = event(
        "perf3gpp",
        "Perf3gpp_gNB_Counters",
        "perf3gppFields",
        [
            "eventAddlFields": hashMap,
            "measDataCollection": [
                "formatVersion": "28.550 2.0",
                "granularityPeriod": 900,
                "measInfoList": [
                    [
                        "jobId": "job-1",
                        "measInfoId": ["iMeasInfoId": 17],
                        "measTypes": ["iMeasTypesList": [1, 2, 3, 4]],
                        "measValuesList": [
                            [
                                "measObjAddlFlds": hashMap,
                                "measObjInstId": "ManagedElement=1,GNBDUFunction=1",
                                "measResults": [
                                    ["p": 1, "iValue": 5], ["p": 2, "isNull": "true"], ["p": 3, "rValue": 1.5],
                                    ["p": 4, "sValue": "n/a"],
                                ],
                                "suspectFlag": "false",
                            ]
                        ],
                    ],
                    [
                        "measInfoId": ["sMeasInfoId": "DRB"],
                        "measTypes": ["sMeasTypesList": ["DRB.UEThpDl"]],
                        "measValuesList": [["measObjInstId": "NRCellDU=1", "measResults": [["p": 1, "rValue": 2.5]]]],
                    ],
                ],
                "measObjInstIdList": ["NRCellDU=1"],
                "measuredEntityDn": "ManagedElement=1",
                "measuredEntitySoftwareVersion": "r16",
                "measuredEntityUserName": "gnb-1",
            ],
            "perf3gppFieldsVersion": "1.0.1",
        ]
    )

    static let mobileFlow = event(
        "mobileFlow",
        "MobileFlow_vGW_Session",
        "mobileFlowFields",
        .object(
            JSONObject(
                [
                    ("additionalFields", hashMap), ("flowDirection", "uplink"),
                    ("gtpPerFlowMetrics", gtpPerFlowMetrics),
                    ("ipProtocolType", "TCP"), ("ipVersion", "IPv4"), ("mobileFlowFieldsVersion", "4.0"),
                    ("otherEndpointIpAddress", "198.51.100.4"), ("otherEndpointPort", 443),
                    ("reportingEndpointIpAddr", "192.0.2.9"), ("reportingEndpointPort", 2152), ("samplingAlgorithm", 1),
                ]
                    + same(
                        "x",
                        [
                            "applicationType",
                            "appProtocolType",
                            "appProtocolVersion",
                            "cid",
                            "connectionType",
                            "ecgi",
                            "gtpProtocolType",
                            "gtpVersion",
                            "httpHeader",
                            "imei",
                            "imsi",
                            "lac",
                            "mcc",
                            "mnc",
                            "msisdn",
                            "otherFunctionalRole",
                            "rac",
                            "radioAccessTechnology",
                            "sac",
                            "tac",
                            "tunnelId",
                            "vlanId",
                        ]
                    )
            )
        )
    )

    static let gtpPerFlowMetrics: JSONValue = .object(
        JSONObject(
            same(
                7,
                [
                    "avgBitErrorRate",
                    "avgPacketDelayVariation",
                    "avgPacketLatency",
                    "avgReceiveThroughput",
                    "avgTransmitThroughput",
                    "durConnectionFailedStatus",
                    "durTunnelFailedStatus",
                    "flowActivationEpoch",
                    "flowActivationMicrosec",
                    "flowDeactivationEpoch",
                    "flowDeactivationMicrosec",
                    "largePacketRtt",
                    "largePacketThreshold",
                    "maxPacketDelayVariation",
                    "maxReceiveBitRate",
                    "maxTransmitBitRate",
                    "numActivationFailures",
                    "numBitErrors",
                    "numBytesReceived",
                    "numBytesTransmitted",
                    "numDroppedPackets",
                    "numGtpEchoFailures",
                    "numGtpTunnelErrors",
                    "numHttpErrors",
                    "numL7BytesReceived",
                    "numL7BytesTransmitted",
                    "numLostPackets",
                    "numOutOfOrderPackets",
                    "numPacketErrors",
                    "numPacketsReceivedExclRetrans",
                    "numPacketsReceivedInclRetrans",
                    "numPacketsTransmittedInclRetrans",
                    "numRetries",
                    "numTimeouts",
                    "numTunneledL7BytesReceived",
                    "roundTripTime",
                    "timeToFirstByte",
                ]
            )
                + same(
                    "up",
                    [
                        "flowActivatedBy",
                        "flowActivationTime",
                        "flowDeactivatedBy",
                        "flowDeactivationTime",
                        "flowStatus",
                        "gtpConnectionStatus",
                        "gtpTunnelStatus",
                    ]
                )
                + same(["a": "1"], ["ipTosCountList", "mobileQciCosCountList", "tcpFlagCountList"])
                + same(["a", "b"], ["ipTosList", "mobileQciCosList", "tcpFlagList"])
        )
    )
}
