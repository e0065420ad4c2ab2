import Collectd
import JSON
import TestSupport
import Testing
import VESAgent
import VESModel

/// The fields 5.4.1 and 7.2.1 events carry, value by value: CPU states and percentUsage, memory in KiB, the
/// interface renames with accumulated and delta counters, periods in real microseconds, sources and sequences.
@Suite("5.4.1 and 7.2.1 measurement fields")
struct VersionedEventFieldTests {
    static let start = 1_795_570_000.0
    static let versions = [VESVersion.ves541, .ves721]

    /// The measurement events of records fed in two intervals, ticking every 20 s.
    static func measurements(_ version: VESVersion, _ records: [CollectdRecord]) throws -> [JSONValue] {
        let (core, sent) = VersionedTraceRuns.core(version)
        core.ingest(records)
        core.finalTraceTick()
        return sent.all.filter { VersionedTraceRuns.measurementFields($0) != nil }
    }

    @Test("percentUsage is 100 minus idle", arguments: versions)
    func percentUsageIsHundredMinusIdle(_ version: VESVersion) throws {
        let records = [
            EventBuilderTests.values("cpu", "0", "percent", "idle", at: Self.start, [.gauge(92.5)]),
            EventBuilderTests.values("cpu", "0", "percent", "user", at: Self.start, [.gauge(5)]),
            EventBuilderTests.values("cpu", "0", "percent", "system", at: Self.start, [.gauge(2.5)]),
            EventBuilderTests.values("cpu", "0", "percent", "softirq", at: Self.start, [.gauge(0)]),
        ]
        let event = try #require(try Self.measurements(version, records).first)
        let cpu = try #require(VersionedTraceRuns.measurementFields(event)?["cpuUsageArray"]?[0])
        #expect(cpu["cpuIdentifier"] == "0")
        #expect(cpu["percentUsage"] == .number(7.5))
        #expect(cpu["cpuIdle"] == .number(92.5) && cpu["cpuUsageUser"] == .number(5))
        #expect(cpu["cpuUsageSystem"] == .number(2.5) && cpu["cpuUsageSoftIrq"] == .number(0))
    }

    @Test("cpu states from recorded collectd add up", arguments: versions)
    func cpuStatesFromRecordedCollectdAddUp(_ version: VESVersion) throws {
        // host: jiffies (type cpu) as shares of each CPU's time; guest: percentages, and cpu-aggregation's average
        for trace in ["host", "guest"] {
            let events = try VersionedTraceRuns.events(version, trace: trace)
            let cpus = events.compactMap { VersionedTraceRuns.measurementFields($0)?["cpuUsageArray"]?.arrayValue }
                .flatMap { $0 }
            #expect(cpus.count > 4, "\(trace)")
            for cpu in cpus {
                let idle = try #require(cpu["cpuIdle"]?.doubleValue)
                let usage = try #require(cpu["percentUsage"]?.doubleValue)
                #expect(abs(usage - (100 - idle)) < 0.006, "\(trace) \(cpu)")
                let states = [
                    "cpuIdle", "cpuUsageUser", "cpuUsageSystem", "cpuUsageNice", "cpuUsageInterrupt", "cpuUsageSoftIrq",
                    "cpuUsageSteal", "cpuWait",
                ].compactMap { cpu[$0]?.doubleValue }
                #expect(
                    abs(states.reduce(0, +) - 100) < 1.5,
                    "\(trace) \(cpu): the states are shares of the CPU's time"
                )
            }
            if trace == "guest" {
                #expect(cpus.contains { $0["cpuIdentifier"] == "cpu-average" }, "cpu-aggregation's item")
            }
        }
    }

    @Test("memory in KiB", arguments: versions)
    func memoryInKibibytes(_ version: VESVersion) throws {
        let records = [
            EventBuilderTests.values("memory", "", "memory", "used", at: Self.start, [.gauge(2_147_483_648)]),
            EventBuilderTests.values("memory", "", "memory", "free", at: Self.start, [.gauge(1_073_741_824)]),
            EventBuilderTests.values("memory", "", "memory", "buffered", at: Self.start, [.gauge(1_048_576)]),
            EventBuilderTests.values("memory", "", "memory", "slab_recl", at: Self.start, [.gauge(2048)]),
        ]
        let event = try #require(try Self.measurements(version, records).first)
        let memory = try #require(VersionedTraceRuns.measurementFields(event)?["memoryUsageArray"]?[0])
        #expect(memory["vmIdentifier"] == "compute-0")
        #expect(memory["memoryUsed"] == .number(2_097_152))
        #expect(memory["memoryFree"] == .number(1_048_576))
        #expect(memory["memoryBuffered"] == .number(1024))
        #expect(memory["memorySlabRecl"] == .number(2))
        #expect(memory["percentMemoryUsage"] == (version == .ves721 ? .number(66.67) : nil))
    }

    @Test("interfaces renamed with accumulated and delta counters", arguments: versions)
    func interfacesRenamedWithAccumulatedAndDelta(_ version: VESVersion) throws {
        func interface(_ at: Double, octets: (Int64, Int64), packets: (Int64, Int64), errors: Int64) -> [CollectdRecord]
        {
            [
                EventBuilderTests.values(
                    "interface",
                    "eth0",
                    "if_octets",
                    at: at,
                    [.derive(octets.0), .derive(octets.1)]
                ),
                EventBuilderTests.values(
                    "interface",
                    "eth0",
                    "if_packets",
                    at: at,
                    [.derive(packets.0), .derive(packets.1)]
                ),
                EventBuilderTests.values("interface", "eth0", "if_errors", at: at, [.derive(errors), .derive(0)]),
            ]
        }
        let records =
            interface(Self.start, octets: (1000, 2000), packets: (10, 20), errors: 1)
            + interface(Self.start + 21, octets: (1500, 2600), packets: (20, 28), errors: 2)
            + interface(Self.start + 41, octets: (100, 2700), packets: (21, 29), errors: 2)
        let events = try Self.measurements(version, records)
        #expect(events.count == 3)
        let array = version == .ves721 ? "nicPerformanceArray" : "vNicPerformanceArray"
        let identifier = version == .ves721 ? "nicIdentifier" : "vNicIdentifier"
        let nics = events.compactMap { VersionedTraceRuns.measurementFields($0)?[array]?[0] }
        #expect(nics.count == 3, "\(array) in every event")
        #expect(nics.allSatisfy { $0[identifier] == "eth0" })
        #expect(nics[0]["receivedOctetsAccumulated"] == .integer(1000))
        #expect(nics[0]["transmittedTotalPacketsAccumulated"] == .integer(20))
        #expect(nics[0]["receivedOctetsDelta"] == nil, "no delta before a second event")
        #expect(nics[0]["valuesAreSuspect"] == "false")
        #expect(nics[1]["receivedOctetsDelta"] == .integer(500) && nics[1]["transmittedOctetsDelta"] == .integer(600))
        #expect(nics[1]["receivedTotalPacketsDelta"] == .integer(10))
        #expect(nics[1]["receivedErrorPacketsAccumulated"] == .integer(2))
        #expect(nics[1]["receivedPercentError"] == (version == .ves721 ? .number(10) : nil))
        #expect(nics[2]["valuesAreSuspect"] == "true", "rx octets went back: a reset")
        #expect(nics[2]["receivedOctetsDelta"] == nil)
    }

    @Test("load, file systems and disks go to their arrays", arguments: versions)
    func loadFilesystemsAndDisks(_ version: VESVersion) throws {
        let events = try VersionedTraceRuns.events(version, trace: "host")
        let fields = try #require(events.compactMap(VersionedTraceRuns.measurementFields).dropFirst().first)
        let filesystem = try #require(fields["filesystemUsageArray"]?[0])
        #expect(filesystem["filesystemName"]?.stringValue?.isEmpty == false)
        #expect((filesystem["blockConfigured"]?.doubleValue ?? 0) >= (filesystem["blockUsed"]?.doubleValue ?? 1))
        let disk = try #require(fields["diskUsageArray"]?[0])
        #expect(disk["diskOctetsReadLast"] != nil && disk["diskIoTimeLast"] != nil)
        #expect((disk["diskWeightedIoTimeLast"] != nil) == (version == .ves721), "7.2.1 only")
        let additional = fields["additionalMeasurements"]?.arrayValue ?? []
        if version == .ves721 {
            let load = try #require(fields["loadArray"]?[0])
            #expect(load["shortTerm"] != nil && load["midTerm"] != nil && load["longTerm"] != nil)
            #expect(!additional.contains { $0["name"] == "load" })
        } else {
            #expect(fields["loadArray"] == nil)
            let load = try #require(additional.first { $0["name"] == "load" })
            let names = load["arrayOfFields"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["loadShortterm", "loadMidterm", "loadLongterm"])
        }
    }

    @Test("periods in real microseconds, one event per source and period, sequences per source", arguments: versions)
    func periodsSourcesAndSequences(_ version: VESVersion) throws {
        let events = try VersionedTraceRuns.events(version, trace: "virt-3vms")
        let measurements = events.filter { VersionedTraceRuns.measurementFields($0) != nil }
        let bySource = Dictionary(grouping: measurements) {
            VersionedTraceRuns.header($0)?["sourceName"]?.stringValue ?? ""
        }
        #expect(
            bySource.keys.sorted() == ["instance-00000001", "instance-00000002", "instance-00000003"],
            "one source per VM"
        )
        let interval = 20_000_000.0
        for (source, events) in bySource {
            let headers = events.compactMap(VersionedTraceRuns.header)
            #expect(headers.allSatisfy { $0["reportingEntityName"] == "compute-0" }, "the collectd host reports")
            #expect(headers.compactMap { $0["sequence"]?.intValue } == Array(1...Int64(headers.count)), "\(source)")
            #expect(Set(headers.compactMap { $0["eventId"]?.stringValue }).count == headers.count)
            let starts = headers.compactMap { $0["startEpochMicrosec"]?.doubleValue }
            let lasts = headers.compactMap { $0["lastEpochMicrosec"]?.doubleValue }
            #expect(starts.allSatisfy { $0.truncatingRemainder(dividingBy: interval) == 0 }, "on the boundaries")
            #expect(zip(starts, lasts).allSatisfy { ($1 - $0) >= interval / 2 && ($1 - $0) <= interval * 1.5 })
            #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 == interval }, "one per period")
            #expect(starts.allSatisfy { (1_700_000_000e6...1_900_000_000e6).contains($0) }, "microseconds")
        }
    }

    @Test("host events come from the collectd host, not the agent's name", arguments: versions)
    func hostEventsComeFromTheCollectdHost(_ version: VESVersion) throws {
        let events = try VersionedTraceRuns.events(version, trace: "host") { $0.hostname = "localhost" }
        let headers = events.filter { VersionedTraceRuns.measurementFields($0) != nil }
            .compactMap(VersionedTraceRuns.header)
        #expect(!headers.isEmpty)
        #expect(headers.allSatisfy { $0["sourceName"] == "compute-0" && $0["reportingEntityName"] == "compute-0" })
        #expect(headers.allSatisfy { $0["eventType"] == "hostOS" })
    }

    @Test("throttling on 5.4.1 suppresses optional members only") func throttlingOn541() throws {
        let (core, sent) = VersionedTraceRuns.core(.ves541)
        core.apply(
            .throttlingSpecification(
                .init(
                    eventDomain: "measurementsForVfScaling",
                    suppressedFieldNames: ["additionalMeasurements", "measurementInterval"],
                    suppressedPairs: []
                )
            )
        )
        core.ingest([EventBuilderTests.values("load", "", "load", at: Self.start, [.gauge(1), .gauge(2), .gauge(3)])])
        core.finalTraceTick()
        let fields = try #require(sent.all.first?["measurementsForVfScalingFields"])
        #expect(fields["additionalMeasurements"] == nil)
        #expect(fields["measurementInterval"] == .number(20), "required: never suppressed")
    }
}
