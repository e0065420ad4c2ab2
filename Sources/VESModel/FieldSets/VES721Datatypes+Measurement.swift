// The measurement domain of VES 7.2.1: the block and its per-resource arrays (CPU, disk, filesystem, huge pages,
// latency, load, machine checks, memory, NICs, processes). The IPMI hardware tables are in +Hardware.

extension VES721Datatypes {
    static let measurement: [VESDatatype] = [
        .closedRecord(
            "measurementFields",
            [
                .optional("additionalFields", hashMap),
                .optional("additionalMeasurements", .datatype("arrayOfNamedHashMap")),
                .optional("additionalObjects", .datatype("arrayOfJsonObject")),
                .optional("codecUsageArray", .list(of: .datatype("codecsInUse"))),
                .optional("concurrentSessions", .integer),
                .optional("configuredEntities", .integer),
                .optional("cpuUsageArray", .list(of: .datatype("cpuUsage"))),
                .optional("diskUsageArray", .list(of: .datatype("diskUsage"))),
                .optional("featureUsageArray", hashMap),
                .optional("filesystemUsageArray", .list(of: .datatype("filesystemUsage"))),
                .optional("hugePagesArray", .list(of: .datatype("hugePages"))),
                .optional("ipmi", .datatype("ipmi")),
                .optional("latencyDistribution", .list(of: .datatype("latencyBucketMeasure"))),
                .optional("loadArray", .list(of: .datatype("load"))),
                .optional("machineCheckExceptionArray", .list(of: .datatype("machineCheckException"))),
                .optional("meanRequestLatency", .number),
                version("measurementFieldsVersion", "4.0"),
                .required("measurementInterval", .number),
                .optional("memoryUsageArray", .list(of: .datatype("memoryUsage"))),
                .optional("nfcScalingMetric", .integer),
                .optional("nicPerformanceArray", .list(of: .datatype("nicPerformance"))),
                .optional("numberOfMediaPortsInUse", .integer),
                .optional("processStatsArray", .list(of: .datatype("processStats"))),
                .optional("requestRate", .number),
            ]
        ),
        .closedRecord(
            "codecsInUse",
            [
                // The spec spells it "codecIdentifer"; the file has "codecIdentifier".
                .required("codecIdentifier", .string),
                .required("numberInUse", .integer),
            ]
        ),
        .closedRecord(
            "cpuUsage",
            optionalNumbers(["cpuCapacityContention", "cpuDemandAvg", "cpuDemandMhz", "cpuDemandPct"])
                + [.required("cpuIdentifier", .string)]
                + optionalNumbers([
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
                ])
                + [.required("percentUsage", .number)]
        ),
        .closedRecord(
            "diskUsage",
            optionalNumbers([
                "diskBusResets",
                "diskCommandsAborted",
                "diskCommandsAvg",
                "diskFlushRequests",
                "diskFlushTime",
            ])
                + [.required("diskIdentifier", .string)]
                + statistics([
                    "diskIoTime",
                    "diskMergedRead",
                    "diskMergedWrite",
                    "diskOctetsRead",
                    "diskOctetsWrite",
                    "diskOpsRead",
                    "diskOpsWrite",
                    "diskPendingOperations",
                ])
                + optionalNumbers(["diskReadCommandsAvg", "diskTime"])
                + statistics(["diskTimeRead", "diskTimeWrite"])
                + optionalNumbers(["diskTotalReadLatencyAvg", "diskTotalWriteLatencyAvg"])
                + statistics(["diskWeightedIoTime"])
                + optionalNumbers(["diskWriteCommandsAvg"])
        ),
        .closedRecord(
            "filesystemUsage",
            // 1.1 named the VM here; since 5.x the row names the filesystem.
            [.required("filesystemName", .string)]
                + requiredNumbers([
                    "blockConfigured",
                    "blockIops",
                    "blockUsed",
                    "ephemeralConfigured",
                    "ephemeralIops",
                    "ephemeralUsed",
                ])
        ),
        .closedRecord(
            "hugePages",
            optionalNumbers(["bytesFree", "bytesUsed"])
                + [.required("hugePagesIdentifier", .string)]
                + optionalNumbers(["percentFree", "percentUsed", "vmPageNumberFree", "vmPageNumberUsed"])
        ),
        .closedRecord(
            "latencyBucketMeasure",
            [.required("countsInTheBucket", .number)]
                + optionalNumbers(["highEndOfLatencyBucket", "lowEndOfLatencyBucket"])
        ),
        // Every load average is optional, so an empty object passes.
        .closedRecord("load", optionalNumbers(["longTerm", "midTerm", "shortTerm"])),
        .closedRecord(
            "machineCheckException",
            optionalNumbers([
                "correctedMemoryErrors",
                "correctedMemoryErrorsIn1Hr",
                "uncorrectedMemoryErrors",
                "uncorrectedMemoryErrorsIn1Hr",
            ]) + [.required("vmIdentifier", .string)]
        ),
        .closedRecord(
            "memoryUsage",
            optionalNumbers(["memoryBuffered", "memoryCached", "memoryConfigured", "memoryDemand"])
                + [.required("memoryFree", .number)]
                + optionalNumbers([
                    "memoryLatencyAvg",
                    "memorySharedAvg",
                    "memorySlabRecl",
                    "memorySlabUnrecl",
                    "memorySwapInAvg",
                    "memorySwapInRateAvg",
                    "memorySwapOutAvg",
                    "memorySwapOutRateAvg",
                    "memorySwapUsedAvg",
                ])
                + [.required("memoryUsed", .number)]
                + optionalNumbers(["percentMemoryUsage"])
                + [.required("vmIdentifier", .string)]
        ),
        .closedRecord("nicPerformance", nicPerformanceFields),
        .closedRecord(
            "processStats",
            optionalNumbers(["forkRate"])
                + [.required("processIdentifier", .string)]
                + optionalNumbers([
                    "psStateBlocked",
                    "psStatePaging",
                    "psStateRunning",
                    "psStateSleeping",
                    "psStateStopped",
                    "psStateZombie",
                ])
        ),
    ]

    /// Each direction counts the same packet kinds, as a running total and as the change over the interval.
    static let nicPerformanceFields: [VESField] = {
        let interfaceState = VESFieldType.oneOf(["inService", "outOfService"])
        let counters = ["Broadcast", "Discarded", "Error", "Multicast", "Unicast"].map { $0 + "Packets" }
        var fields: [VESField] = [
            .optional("administrativeState", interfaceState),
            .required("nicIdentifier", .string),
            .optional("operationalState", interfaceState),
            .optional("speed", .number),
            .required("valuesAreSuspect", trueOrFalse),
        ]
        for direction in ["received", "transmitted"] {
            for counter in counters + ["Octets", "TotalPackets"] {
                fields += optionalNumbers([direction + counter + "Accumulated", direction + counter + "Delta"])
            }
            fields += optionalNumbers([
                direction + "PercentDiscard",
                direction + "PercentError",
                direction + "Utilization",
            ])
        }
        return fields
    }()
}
