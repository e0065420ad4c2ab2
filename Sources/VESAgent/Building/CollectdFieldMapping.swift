import VESModel

/// The mapping table: which VES 5.4.1 and 7.2.1 field each collectd value becomes, per plugin. A value with no row
/// for the version in force goes to additionalMeasurements (the README's table says the same in prose).
///
/// Units are the specs': percentages for CPU states, kibibytes for memory, counts (accumulated, and the delta
/// since the previous event) for interfaces, per-second rates of collectd's counters (the "Last" fields, over
/// collectd's last interval) and milliseconds for disks, GB (2^30 bytes, as the reference plugin counted them)
/// for file systems.
enum CollectdFieldMapping {
    /// The versions a field exists in.
    static let both: Set<VESVersion> = [.ves541, .ves721]
    static let only721: Set<VESVersion> = [.ves721]

    // MARK: cpu, cpu-aggregation (one cpuUsage item per plugin instance)

    /// The state (type instance of `percent`, or of `cpu` jiffies turned into a share of the CPU's time) → the
    /// cpuUsage field, in both versions. percentUsage is 100 − idle.
    static let cpuStates: [String: String] = [
        "idle": "cpuIdle",
        "user": "cpuUsageUser",
        "system": "cpuUsageSystem",
        "nice": "cpuUsageNice",
        "interrupt": "cpuUsageInterrupt",
        "softirq": "cpuUsageSoftIrq",
        "steal": "cpuUsageSteal",
        "wait": "cpuWait",
    ]
    /// The order cpuUsage members are written in.
    static let cpuFieldOrder = [
        "cpuIdle", "cpuUsageInterrupt", "cpuUsageNice", "cpuUsageSoftIrq", "cpuUsageSteal", "cpuUsageSystem",
        "cpuUsageUser", "cpuWait",
    ]

    // MARK: memory (one memoryUsage item, vmIdentifier = the host)

    /// Type instance of `memory` (bytes) → memoryUsage field in KiB, both versions. memoryFree and memoryUsed are
    /// required: without both, the memory values go to additionalMeasurements. 7.2.1 adds percentMemoryUsage.
    static let memory: [(typeInstance: String, field: String)] = [
        ("used", "memoryUsed"), ("free", "memoryFree"), ("buffered", "memoryBuffered"), ("cached", "memoryCached"),
        ("slab_recl", "memorySlabRecl"), ("slab_unrecl", "memorySlabUnrecl"),
    ]

    // MARK: interface (one vNicPerformance / nicPerformance item per interface)

    /// Type → the counter's name between `received`/`transmitted` (rx/tx) and `Accumulated`/`Delta`, both
    /// versions. 7.2.1 adds received/transmittedPercentError and PercentDiscard from the deltas.
    static let interfaceCounters: [InterfaceCounter] = [
        ("if_octets", "Octets"), ("if_packets", "TotalPackets"), ("if_errors", "ErrorPackets"),
        ("if_dropped", "DiscardedPackets"),
    ].map(InterfaceCounter.init)

    /// 7.2.1's percentages of an interface: the counter (by position above) over TotalPackets, per direction.
    static let interfaceTotalPackets = 1
    static let interfacePercents: [(counter: Int, received: String, transmitted: String)] = [
        (2, "receivedPercentError", "transmittedPercentError"),
        (3, "receivedPercentDiscard", "transmittedPercentDiscard"),
    ]

    /// One interface counter with the names of its four fields.
    struct InterfaceCounter: Sendable {
        let type: String
        let counter: String
        let receivedAccumulated: String
        let transmittedAccumulated: String
        let receivedDelta: String
        let transmittedDelta: String

        init(type: String, counter: String) {
            self.type = type
            self.counter = counter
            receivedAccumulated = "received" + counter + "Accumulated"
            transmittedAccumulated = "transmitted" + counter + "Accumulated"
            receivedDelta = "received" + counter + "Delta"
            transmittedDelta = "transmitted" + counter + "Delta"
        }
    }

    // MARK: disk (one diskUsage item per disk)

    /// Type → the diskUsage field of each data source, with the versions that have it. Counters (DERIVE) become
    /// per-second rates over collectd's last interval; gauges are taken as they are.
    static let disk: [String: [(field: String, versions: Set<VESVersion>)]] = [
        "disk_octets": [("diskOctetsReadLast", both), ("diskOctetsWriteLast", both)],
        "disk_ops": [("diskOpsReadLast", both), ("diskOpsWriteLast", both)],
        "disk_merged": [("diskMergedReadLast", both), ("diskMergedWriteLast", both)],
        "disk_time": [("diskTimeReadLast", both), ("diskTimeWriteLast", both)],
        "disk_io_time": [("diskIoTimeLast", both), ("diskWeightedIoTimeLast", only721)],
        "pending_operations": [("diskPendingOperationsLast", both)],
    ]

    // MARK: load (7.2.1 loadArray; 5.4.1 has no such field)

    /// The data sources of `load`, in order → the load fields of 7.2.1.
    static let load: [String] = ["shortTerm", "midTerm", "longTerm"]
    static let loadVersions = only721

    // MARK: df (one filesystemUsage item per mount point)

    /// `df_complex` type instances (bytes). blockConfigured = used + free + reserved, blockUsed = used, both in GB;
    /// blockIops and the ephemeral fields, required and not measured by collectd, are 0.
    static let filesystemParts = ["used", "free", "reserved"]
    static let filesystemZeroFields = ["blockIops", "ephemeralConfigured", "ephemeralIops", "ephemeralUsed"]

    // MARK: virt (one event per VM: sourceName = the VM)

    /// `virt_vcpu` (type instance = the vCPU) and `virt_cpu_total` (cpuIdentifier `total`; above 100 when several
    /// vCPUs are busy, as collectd counts it): CPU nanoseconds over collectd's last interval as percentUsage.
    static let virtCPUTotalIdentifier = "total"
    /// `memory` type instances (bytes) → memoryUsage in KiB; memoryFree is `unused` when the VM reports it, else
    /// total − rss.
    static let virtMemory: [(typeInstance: String, field: String)] = [
        ("total", "memoryConfigured"), ("rss", "memoryUsed"), ("unused", "memoryFree"),
    ]
    /// Interfaces (`if_*`, type instance = the interface) and disks (`disk_*`, type instance = the disk) as for
    /// the host's interface and disk plugins.

    /// Whether `field` of a row exists in `version`.
    static func has(_ versions: Set<VESVersion>, _ version: VESVersion) -> Bool {
        versions.contains(version)
    }
}
