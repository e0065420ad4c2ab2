import Collectd
import JSON
import JSONSchema
import Logging
import Synchronization
import Testing
import VESAgent
import VESModel

/// The builder and the cache on their own, for the cases the traces do not reach: where the reference plugin
/// raised, expiry, and the fault formatting quirks.
@Suite("Event builder and value cache")
struct EventBuilderTests {
    static let start = 1_795_570_000.0

    static func values(
        _ plugin: String,
        _ pluginInstance: String = "",
        _ type: String,
        _ typeInstance: String = "",
        at seconds: Double,
        _ values: [Value]
    ) -> CollectdRecord {
        .values(
            ValueList(
                host: "compute-0",
                plugin: plugin,
                pluginInstance: pluginInstance,
                type: type,
                typeInstance: typeInstance,
                time: CollectdTime(seconds: seconds),
                interval: CollectdTime(seconds: 10),
                values: values
            )
        )
    }

    /// An agent core whose events are collected instead of sent.
    static func core(_ configure: (inout AgentConfiguration) -> Void = { _ in }) -> (AgentCore, SentEvents) {
        var configuration = AgentConfiguration()
        configuration.hostname = "compute-0"
        configuration.clock = .trace
        configure(&configuration)
        let sent = SentEvents()
        let core = AgentCore(
            configuration: configuration,
            typesDB: .systemOrBuiltIn(),
            authFile: nil,
            stats: AgentStats(),
            logger: Logger(label: "test"),
            deliver: { events in
                sent.append(events.compactMap { try? JSONParser().parse($0.eventJSON) })
            }
        )
        return (core, sent)
    }

    static func vm(_ name: String, at seconds: Double, cpu: Int64, withOctets: Bool = true) -> [CollectdRecord] {
        var records = [
            values("virt", name, "virt_cpu_total", at: seconds, [.derive(cpu)]),
            values("virt", name, "virt_vcpu", "0", at: seconds, [.derive(cpu)]),
            values("virt", name, "memory", "total", at: seconds, [.gauge(8_589_934_592)]),
            values("virt", name, "memory", "rss", at: seconds, [.gauge(1_073_741_824)]),
            values("virt", name, "if_packets", "vnet0", at: seconds, [.derive(10), .derive(20)]),
        ]
        if withOctets {
            records.append(values("virt", name, "if_octets", "vnet0", at: seconds, [.derive(1000), .derive(2000)]))
        }
        return records
    }

    @Test("virt event fields and types") func virtEventFieldsAndTypes() throws {
        let (core, sent) = Self.core()
        core.ingest(Self.vm("instance-1", at: Self.start, cpu: 0))
        core.ingest(Self.vm("instance-1", at: Self.start + 10, cpu: 2_500_000_000))
        core.finalTraceTick()
        let event = try #require(sent.all.first)
        let header = try #require(event["commonEventHeader"])
        #expect(header["reportingEntityName"] == "compute-0-virt-instance-1")
        #expect(header["sourceId"] == "compute-0")
        #expect(header["startEpochMicrosec"] == .number((Self.start + 10) * 1_000_000))
        #expect(header["lastEpochMicrosec"] == .integer(0))
        let fields = try #require(event["measurementsForVfScalingFields"])
        #expect(fields["aggregateCpuUsage"] == .number(25.0))
        #expect(fields["memoryConfigured"] == .number(8.0))
        #expect(fields["memoryUsed"] == .number(1.0))
        #expect(fields["measurementInterval"] == .number(10.0))
        let nic = try #require(fields["vNicUsageArray"]?[0])
        #expect(nic["packetsIn"] == .integer(10) && nic["bytesOut"] == .integer(2000))
        #expect(nic["broadcastPacketsIn"] == .number(0))
    }

    @Test("interface with packets but no octets is left out not fatal")
    func interfaceWithPacketsButNoOctetsIsLeftOutNotFatal() throws {
        // The plugin raised KeyError here and sent no event for this VM nor for the VMs after it.
        let (core, sent) = Self.core()
        core.ingest(Self.vm("a", at: Self.start, cpu: 0, withOctets: false) + Self.vm("b", at: Self.start, cpu: 0))
        core.finalTraceTick()
        let events = sent.all
        #expect(events.count == 2)
        #expect(events[0]["measurementsForVfScalingFields"]?["vNicUsageArray"] == .array([]))
        #expect(events[1]["measurementsForVfScalingFields"]?["vNicUsageArray"]?.arrayValue?.count == 1)
        #expect(events.allSatisfy { VES11FieldSet.validator.validate(["event": $0]).isEmpty })
    }

    @Test("guest running without aggregation sends the host event")
    func guestRunningWithoutAggregationSendsTheHostEvent() throws {
        // The plugin raised IndexError and sent nothing when cpu-aggregation values were missing.
        let (core, sent) = Self.core { $0.guestRunning = true }
        core.ingest([
            Self.values("cpu", "0", "percent", "system", at: Self.start, [.gauge(1.5)]),
            Self.values("cpu", "0", "percent", "user", at: Self.start, [.gauge(2.25)]),
            Self.values("cpu", "1", "percent", "system", at: Self.start, [.gauge(4)]),
            Self.values("memory", "", "memory", "used", at: Self.start, [.gauge(2_147_483_648)]),
            Self.values("load", "", "load", at: Self.start, [.gauge(0.5), .gauge(0.25), .gauge(0.125)]),
        ])
        core.finalTraceTick()
        let event = try #require(sent.all.first)
        let fields = try #require(event["measurementsForVfScalingFields"])
        #expect(fields["aggregateCpuUsage"] == .integer(0), "the plugin's default, with a warning in the log")
        #expect(fields["cpuUsageArray"] == [["cpuIdentifier": "0", "percentUsage": 3.75]], "cpu 1 has no user value")
        #expect(fields["memoryUsed"] == .number(2.0))
        #expect(fields["measurementInterval"] == .number(20))
        let load = try #require(fields["additionalMeasurements"]?[0])
        #expect(load["name"] == "load")
        #expect(
            load["measurements"] == [
                ["name": "load-shortterm", "value": "0.5"], ["name": "load-midterm", "value": "0.25"],
                ["name": "load-longterm", "value": "0.125"],
            ]
        )
        #expect(event["commonEventHeader"]?["startEpochMicrosec"] == .number((Self.start + 20) * 1_000_000))
        #expect(VES11FieldSet.validator.validate(["event": event]).isEmpty)
    }

    @Test("fault formatting keeps the plugins quirks") func faultFormattingKeepsThePluginsQuirks() throws {
        let (core, sent) = Self.core()
        let base = Notification(
            severity: .failure,
            time: CollectdTime(seconds: Self.start),
            message: "Host compute-0, plugin memory",
            host: "compute-0",
            plugin: "memory",
            pluginInstance: "",
            type: "memory",
            typeInstance: "used"
        )
        var warning = base
        warning.severity = .warning
        warning.pluginInstance = "eth0"
        core.ingest([.notification(base), .notification(warning)])
        let events = sent.all
        #expect(events.count == 2, "a fault at once, before any tick")
        let first = try #require(events[0]["faultFields"])
        #expect(first["eventSeverity"] == "CRITICAL")
        #expect(first["specificProblem"] == "-used", "'{}-'.format('') gives a leading dash")
        #expect(first["alarmInterfaceA"] == "memory-", "'-{}'.format('') gives a trailing dash")
        #expect(first["eventSourceType"] == "host(3)")
        #expect(first["alarmCondition"] == "Host compute-0, plugin memory")
        #expect(events[0]["commonEventHeader"]?["eventType"] == "Notification")
        #expect(events[0]["commonEventHeader"]?["lastEpochMicrosec"] == .number(Self.start * 1_000_000))
        let second = try #require(events[1]["faultFields"])
        #expect(second["eventSeverity"] == "WARNING")
        #expect(second["specificProblem"] == "eth0-used")
        #expect(second["alarmInterfaceA"] == "memory-eth0")
        #expect(events.map { $0["commonEventHeader"]?["eventId"] } == ["1", "2"])
    }

    @Test("updated flag skips stale v ms and additional measurements go to the first VM")
    func updatedFlagSkipsStaleVMsAndAdditionalMeasurementsGoToTheFirstVM() throws {
        let (core, sent) = Self.core()
        core.ingest(
            Self.vm("a", at: Self.start, cpu: 0) + Self.vm("b", at: Self.start, cpu: 0)
                + [Self.values("load", "", "load", at: Self.start, [.gauge(1), .gauge(1), .gauge(1)])]
        )
        // second interval: only VM a is updated
        core.ingest(Self.vm("a", at: Self.start + 21, cpu: 1_000_000_000))
        // a record past the second tick makes it fire
        core.ingest([Self.values("load", "", "load", at: Self.start + 41, [.gauge(1), .gauge(1), .gauge(1)])])
        let events = sent.all
        let names = events.compactMap { $0["commonEventHeader"]?["reportingEntityName"]?.stringValue }
        #expect(
            names == ["compute-0-virt-a", "compute-0-virt-b", "compute-0-virt-a"],
            "b was stale at the second tick"
        )
        #expect(events[0]["measurementsForVfScalingFields"]?["additionalMeasurements"]?.arrayValue?.count == 1)
        #expect(events[1]["measurementsForVfScalingFields"]?["additionalMeasurements"] == .array([]))
    }

    @Test("series not updated expire") func seriesNotUpdatedExpire() {
        var cache = ValueCache(expireAfterTicks: 2)
        let list = ValueList(
            host: "h",
            plugin: "load",
            pluginInstance: "",
            type: "load",
            typeInstance: "",
            time: CollectdTime(seconds: 1),
            interval: CollectdTime(seconds: 10),
            values: [.gauge(1)]
        )
        cache.update(list)
        cache.update(list)
        #expect(cache.seriesCount == 1, "an update is not a new series")
        cache.finishTick()
        cache.finishTick()
        #expect(cache.seriesCount == 1)
        cache.finishTick()
        #expect(cache.seriesCount == 0)
        #expect(cache.expiredCount == 1)
        var keeping = ValueCache(expireAfterTicks: 0)
        keeping.update(list)
        for _ in 0..<100 { keeping.finishTick() }
        #expect(keeping.seriesCount == 1)
    }

    @Test("expiry keeps the others values and order") func expiryKeepsTheOthersValuesAndOrder() throws {
        // virt mode; the load series (three values, kept out of line) stays, a disk series stops and expires
        let (core, sent) = Self.core { $0.expireIntervals = 2 }
        func load(_ at: Double, _ value: Double) -> CollectdRecord {
            Self.values("load", "", "load", at: at, [.gauge(value), .gauge(value * 2), .gauge(value * 3)])
        }
        core.ingest(
            Self.vm("a", at: Self.start, cpu: 0) + [
                Self.values("disk", "sda", "disk_ops", at: Self.start, [.derive(1), .derive(2)]), load(Self.start, 1),
            ]
        )
        for step in 1...4 {
            let time = Self.start + Double(step) * 20 + 1
            core.ingest(Self.vm("a", at: time, cpu: Int64(step) * 1_000_000_000) + [load(time, Double(step + 1))])
        }
        core.finalTraceTick()
        let events = sent.all
        #expect(events.count == 5)
        let first = try #require(events.first?["measurementsForVfScalingFields"]?["additionalMeasurements"]?.arrayValue)
        #expect(first.compactMap { $0["name"]?.stringValue } == ["disk-sda", "load"])
        let last = try #require(events.last?["measurementsForVfScalingFields"]?["additionalMeasurements"]?.arrayValue)
        #expect(last.compactMap { $0["name"]?.stringValue } == ["load"])
        #expect(last.first?["measurements"]?[2]?["value"] == "15.0", "the third value of the last load, 5 × 3")
        #expect(events.last?["measurementsForVfScalingFields"]?["aggregateCpuUsage"] == .number(5.0))
    }

    @Test("interval change of zero is refused") func intervalChangeOfZeroIsRefused() {
        let (core, _) = Self.core { $0.sendEventInterval = 15 }
        core.apply(.measurementIntervalChange(seconds: 60))
        #expect(core.interval == 60)
        core.apply(.measurementIntervalChange(seconds: 0))
        #expect(core.interval == 60, "0 is outside 1...86400 s (issue 15, H1)")
    }
}

/// Events a core built, kept instead of sent.
final class SentEvents: Sendable {
    private let events = Mutex<[JSONValue]>([])

    var all: [JSONValue] { events.withLock { $0 } }

    func append(_ more: [JSONValue]) {
        events.withLock { $0 += more }
    }
}
