import JSON
import VESModel

// The 5.4.1 measurement body, with every array and every counter filled, and the datatypes no event reaches.
extension HandMadeEvents541 {
    static let cpu: JSONValue = .object(
        JSONObject(
            [("cpuIdentifier", "cpu0"), ("percentUsage", 41.5)]
                + same(
                    1.25,
                    [
                        "cpuIdle", "cpuUsageInterrupt", "cpuUsageNice", "cpuUsageSoftIrq", "cpuUsageSteal",
                        "cpuUsageSystem", "cpuUsageUser", "cpuWait",
                    ]
                )
        )
    )

    static let disk: JSONValue = .object(
        JSONObject(
            [("diskIdentifier", "vda")]
                + same(
                    7,
                    [
                        "diskIoTimeAvg", "diskIoTimeLast", "diskIoTimeMax", "diskIoTimeMin", "diskMergedReadAvg",
                        "diskMergedReadLast", "diskMergedReadMax", "diskMergedReadMin", "diskMergedWriteAvg",
                        "diskMergedWriteLast", "diskMergedWriteMax", "diskMergedWriteMin", "diskOctetsReadAvg",
                        "diskOctetsReadLast", "diskOctetsReadMax", "diskOctetsReadMin", "diskOctetsWriteAvg",
                        "diskOctetsWriteLast", "diskOctetsWriteMax", "diskOctetsWriteMin", "diskOpsReadAvg",
                        "diskOpsReadLast", "diskOpsReadMax", "diskOpsReadMin", "diskOpsWriteAvg", "diskOpsWriteLast",
                        "diskOpsWriteMax", "diskOpsWriteMin", "diskPendingOperationsAvg", "diskPendingOperationsLast",
                        "diskPendingOperationsMax", "diskPendingOperationsMin", "diskTimeReadAvg", "diskTimeReadLast",
                        "diskTimeReadMax", "diskTimeReadMin", "diskTimeWriteAvg", "diskTimeWriteLast",
                        "diskTimeWriteMax", "diskTimeWriteMin",
                    ]
                )
        )
    )

    static let vNic: JSONValue = .object(
        JSONObject(
            [("valuesAreSuspect", "false"), ("vNicIdentifier", "tap0")]
                + same(
                    1024,
                    [
                        "receivedBroadcastPacketsAccumulated", "receivedBroadcastPacketsDelta",
                        "receivedDiscardedPacketsAccumulated", "receivedDiscardedPacketsDelta",
                        "receivedErrorPacketsAccumulated", "receivedErrorPacketsDelta",
                        "receivedMulticastPacketsAccumulated", "receivedMulticastPacketsDelta",
                        "receivedOctetsAccumulated", "receivedOctetsDelta", "receivedTotalPacketsAccumulated",
                        "receivedTotalPacketsDelta", "receivedUnicastPacketsAccumulated", "receivedUnicastPacketsDelta",
                        "transmittedBroadcastPacketsAccumulated", "transmittedBroadcastPacketsDelta",
                        "transmittedDiscardedPacketsAccumulated", "transmittedDiscardedPacketsDelta",
                        "transmittedErrorPacketsAccumulated", "transmittedErrorPacketsDelta",
                        "transmittedMulticastPacketsAccumulated", "transmittedMulticastPacketsDelta",
                        "transmittedOctetsAccumulated", "transmittedOctetsDelta", "transmittedTotalPacketsAccumulated",
                        "transmittedTotalPacketsDelta", "transmittedUnicastPacketsAccumulated",
                        "transmittedUnicastPacketsDelta",
                    ]
                )
        )
    )

    static let measurement = event(
        "measurementsForVfScaling",
        "Mfvs_vDNS_Usage",
        "measurementsForVfScalingFields",
        [
            "additionalFields": fields,
            "additionalMeasurements": [["name": "cache", "arrayOfFields": fields]],
            "additionalObjects": jsonObjects,
            "codecUsageArray": [["codecIdentifier": "G711", "numberInUse": 12]],
            "concurrentSessions": 340,
            "configuredEntities": 500,
            "cpuUsageArray": [cpu],
            "diskUsageArray": [disk],
            "featureUsageArray": [["featureIdentifier": "dnssec", "featureUtilization": 90]],
            "filesystemUsageArray": [
                [
                    "blockConfigured": 100.0, "blockIops": 12, "blockUsed": 40.5, "ephemeralConfigured": 20,
                    "ephemeralIops": 3, "ephemeralUsed": 2.5, "filesystemName": "/var",
                ]
            ],
            "latencyDistribution": [
                ["countsInTheBucket": 800, "highEndOfLatencyBucket": 10, "lowEndOfLatencyBucket": 0]
            ],
            "meanRequestLatency": 3.2,
            "measurementInterval": 60,
            "measurementsForVfScalingVersion": 2.0,
            "memoryUsageArray": [
                [
                    "memoryBuffered": 1024, "memoryCached": 2048.5, "memoryConfigured": 8_388_608,
                    "memoryFree": 4_194_304, "memorySlabRecl": 512, "memorySlabUnrecl": 256, "memoryUsed": 3_000_000,
                    "vmIdentifier": "dns-site1-vm4",
                ]
            ],
            "numberOfMediaPortsInUse": 0,
            "requestRate": 5100.5,
            "vnfcScalingMetric": 70,
            "vNicPerformanceArray": [vNic],
        ]
    )

    static let throttleSpecification: JSONValue = [
        "eventDomain": "measurementsForVfScaling",
        "suppressedFieldNames": ["diskUsageArray", "vNicPerformanceArray"],
        "suppressedNvPairsList": [["nvPairFieldName": "additionalFields", "suppressedNvPairNames": ["zone", "tier"]]],
    ]

    /// Values checked against one definition: what a listener sends back, or what an agent reports.
    static let definitions: [(String, JSONValue)] = [
        (
            "commandList",
            [
                ["commandType": "heartbeatIntervalChange", "heartbeatInterval": 30],
                ["commandType": "measurementIntervalChange", "measurementInterval": 300],
                ["commandType": "provideThrottlingState"],
                ["commandType": "throttlingSpecification", "eventDomainThrottleSpecification": throttleSpecification],
            ]
        ),
        (
            "eventThrottlingState",
            [
                "eventThrottlingMode": "throttled",
                "eventDomainThrottleSpecificationList": [
                    throttleSpecification, ["eventDomain": "fault", "suppressedFieldNames": ["alarmInterfaceA"]],
                ],
            ]
        ),
        (
            "requestError",
            [
                "messageId": "SVC0002", "text": "Invalid input value for message part %1",
                "url": "https://example.org/errors/SVC0002", "variables": "event.commonEventHeader.version",
            ]
        ),
        (
            "schemaHeaderBlock",
            [
                "associatedApi": "VES Event Listener", "lastUpdatedBy": "tests", "schemaDate": "2023-12-05",
                "schemaVersion": 28.41,
            ]
        ),
    ]
}
