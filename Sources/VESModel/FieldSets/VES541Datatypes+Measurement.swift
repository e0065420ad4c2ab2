// The measurementsForVfScaling block of 5.4.1 and its arrays (spec section "'Measurements For Vf Scaling'
// Domain Datatypes").

extension VES541Datatypes {
    /// The four statistics (`Avg`, `Last`, `Max`, `Min`) the disk table gives each of its counters.
    static func diskStatistics(_ counters: [String]) -> [VESField] {
        optionalNumbers(counters.flatMap { counter in ["Avg", "Last", "Max", "Min"].map { counter + $0 } })
    }

    /// Each NIC counter, received and transmitted, as a running total and as this interval's change.
    static func nicCounters(_ counters: [String]) -> [VESField] {
        let names = ["received", "transmitted"].flatMap { direction in
            counters.flatMap { counter in ["Accumulated", "Delta"].map { direction + counter + $0 } }
        }
        return optionalNumbers(names)
    }

    static let measurement: [VESDatatype] = [
        .record(
            "codecsInUse",
            [
                // The spec spells it "codecIdentifer"; the file has "codecIdentifier".
                .required("codecIdentifier", .string),
                .required("numberInUse", .integer),
            ]
        ),
        .record(
            "cpuUsage",
            [.required("cpuIdentifier", .string), .required("percentUsage", .number)]
                + optionalNumbers([
                    "cpuIdle", "cpuUsageInterrupt", "cpuUsageNice", "cpuUsageSoftIrq", "cpuUsageSteal",
                    "cpuUsageSystem", "cpuUsageUser", "cpuWait",
                ])
        ),
        .record(
            "diskUsage",
            // The spec breaks several of these names with spaces ("diskOctetsRead Avg"); the file has none.
            [.required("diskIdentifier", .string)]
                + diskStatistics([
                    "diskIoTime", "diskMergedRead", "diskMergedWrite", "diskOctetsRead", "diskOctetsWrite",
                    "diskOpsRead", "diskOpsWrite", "diskPendingOperations", "diskTimeRead", "diskTimeWrite",
                ])
        ),
        .record(
            "featuresInUse",
            [
                // The spec spells it "featureIdentifer"; the file has "featureIdentifier".
                .required("featureIdentifier", .string),
                .required("featureUtilization", .integer),
            ]
        ),
        .record(
            "filesystemUsage",
            [.required("filesystemName", .string)]
                + [
                    "blockConfigured", "blockIops", "blockUsed", "ephemeralConfigured", "ephemeralIops",
                    "ephemeralUsed",
                ].map { .required($0, .number) }
        ),
        .record(
            "measurementsForVfScalingFields",
            [
                .optional("additionalFields", fieldList),
                .optional("additionalMeasurements", .list(of: .datatype("namedArrayOfFields"))),
                .optional("additionalObjects", .list(of: .datatype("jsonObject"))),
                .optional("codecUsageArray", .list(of: .datatype("codecsInUse"))),
                .optional("concurrentSessions", .integer),
                .optional("configuredEntities", .integer),
                .optional("cpuUsageArray", .list(of: .datatype("cpuUsage"))),
                .optional("diskUsageArray", .list(of: .datatype("diskUsage"))),
                .optional("featureUsageArray", .list(of: .datatype("featuresInUse"))),
                .optional("filesystemUsageArray", .list(of: .datatype("filesystemUsage"))),
                .optional("latencyDistribution", .list(of: .datatype("latencyBucketMeasure"))),
                .optional("meanRequestLatency", .number),
                .required("measurementInterval", .number),
                .required("measurementsForVfScalingVersion", .number),
                .optional("memoryUsageArray", .list(of: .datatype("memoryUsage"))),
                .optional("numberOfMediaPortsInUse", .integer),
                .optional("requestRate", .number),
                .optional("vnfcScalingMetric", .integer),
                .optional("vNicPerformanceArray", .list(of: .datatype("vNicPerformance"))),
            ]
        ),
        .record(
            "memoryUsage",
            [
                .required("memoryFree", .number),
                .required("memoryUsed", .number),
                .required("vmIdentifier", .string),
            ]
                + optionalNumbers([
                    "memoryBuffered", "memoryCached", "memoryConfigured", "memorySlabRecl", "memorySlabUnrecl",
                ])
        ),
        .record(
            "vNicPerformance",
            [
                .required("valuesAreSuspect", .oneOf(["true", "false"])),
                .required("vNicIdentifier", .string),
            ]
                + nicCounters([
                    "BroadcastPackets", "DiscardedPackets", "ErrorPackets", "MulticastPackets", "Octets",
                    "TotalPackets", "UnicastPackets",
                ])
        ),
    ]
}
