import Collectd
import JSON
import TestSupport
import Testing
import VESMapping
import VESModel

/// The reference files run over the project's recorded traces: every event valid under the project's field set
/// and the official schema of the version the file targets, and the fields ves_app got wrong right.
@Suite("ves_app mapping files over recorded traces", .needsShared("reference/ves_app", "ves/schemas"))
struct MappingTraceTests {
    /// Which file over which trace, and the fewest events it must give.
    static let runs: [(file: String, trace: String, minimum: Int)] = [
        ("host.yaml", "host.jsonl", 5),
        ("host.yaml", "guest.jsonl", 5),
        ("host.yaml", "threshold.jsonl", 5),
        ("guest.yaml", "guest.jsonl", 5),
        ("guest.yaml", "host.jsonl", 5),
        (MappingMaterial.oranFile, "host.jsonl", 5),
        (MappingMaterial.oranFile, "guest.jsonl", 5),
        ("hypervisor.yaml", "virt-3vms.jsonl", 0),
        ("node.yaml", "host.jsonl", 0),
    ]

    @Test("every event is valid under the built-in field set and the official schema", arguments: runs)
    func eventsAreValid(run: (file: String, trace: String, minimum: Int)) throws {
        let mapping = try MappingMaterial.load(run.file)
        let output = mapping.measurements(of: try TraceTicks.load(run.trace))
        #expect(output.events.count >= run.minimum, "\(run.file) over \(run.trace): \(output.events.count) events")
        for event in output.events {
            let problems = try MappingMaterial.violations(event)
            #expect(problems.isEmpty, "\(run.file) over \(run.trace), event \(event.eventId): \(problems)")
            #expect(event.version == mapping.version)
        }
        #expect(output.notes.isEmpty, "\(output.notes)")
    }

    @Test("header: real microseconds of the values' period, the real hostname, eventIds in order")
    func header() throws {
        let mapping = try MappingMaterial.load("host.yaml")
        let trace = try TraceTicks.load("guest.jsonl")
        let output = mapping.measurements(of: trace)
        let events = output.events
        try #require(
            events.count == trace.ticks.filter { tick in tick.values.contains { $0.plugin == "memory" } }.count
        )
        for (index, event) in events.enumerated() {
            let header = try #require(event.event["commonEventHeader"])
            #expect(event.eventId == String(index + 1))
            #expect(header["reportingEntityName"]?.stringValue == "mapping-test-host")
            #expect(header["reportingEntityId"]?.stringValue == "mapping-test-host")
            #expect(header["sourceName"]?.stringValue == "compute-0")
            let start = try #require(header["startEpochMicrosec"]?.intValue)
            let last = try #require(header["lastEpochMicrosec"]?.intValue)
            // The trace is from 2026: microseconds are about 1.8e15 (seconds would be 1.8e9).
            #expect((1_700_000_000_000_000...1_900_000_000_000_000).contains(start))
            #expect(last >= start)
            #expect(last - start <= 3 * 2_000_000, "the values' interval is 2 s")
        }
        // The period ends at the newest value in the event.
        let first = try #require(events.first)
        let tick = try #require(trace.ticks.first { tick in tick.values.contains { $0.plugin == "memory" } })
        let newest = tick.values.filter { $0.plugin == "memory" || $0.plugin == "cpu" || $0.plugin == "interface" }
            .map(\.time).max()
        let newestMicroseconds = Int64(((newest ?? 0) * 1_000_000).rounded())
        #expect(first.event[path: "commonEventHeader", "lastEpochMicrosec"]?.intValue ?? 0 <= newestMicroseconds)
        #expect(first.event[path: "commonEventHeader", "lastEpochMicrosec"]?.intValue ?? 0 > 0)
    }

    @Test("per-CPU items with percentUsage from cpuIdle, memory in KiB")
    func cpuAndMemory() throws {
        let mapping = try MappingMaterial.load("guest.yaml")
        let trace = try TraceTicks.load("guest.jsonl")
        var ids: UInt64 = 0
        let tick = try #require(trace.ticks.last)
        let output = mapping.measurements(
            values: tick.values,
            now: tick.now,
            settings: MappingMaterial.settings,
            eventIds: &ids
        )
        let event = try #require(output.events.first)
        let fields = try #require(event.event["measurementsForVfScalingFields"])
        let cpus = try #require(fields["cpuUsageArray"])
        #expect(cpus.arrayCount == 2)
        for (index, cpu) in ["0", "1"].enumerated() {
            let item = try #require(cpus[index])
            #expect(item["cpuIdentifier"]?.stringValue == cpu)
            let idle = try #require(
                tick.values.first { $0.plugin == "cpu" && $0.pluginInstance == cpu && $0.typeInstance == "idle" }
            )
            #expect(item["cpuIdle"]?.doubleValue == idle.value)
            let usage = try #require(item["percentUsage"]?.doubleValue)
            #expect(abs(usage - (100 - idle.value)) < 1e-6)
            #expect(item["cpuUsageUser"]?.doubleValue != nil)
        }
        let memory = try #require(fields[path: "memoryUsageArray", 0])
        func bytes(_ instance: String) throws -> Double {
            try #require(tick.values.first { $0.plugin == "memory" && $0.typeInstance == instance }).value
        }
        #expect(memory["vmIdentifier"]?.stringValue == "compute-0")
        for (field, instance) in [("memoryFree", "free"), ("memoryUsed", "used"), ("memoryCached", "cached")] {
            let kibibytes = try #require(memory[field]?.doubleValue, "\(field)")
            #expect(abs(kibibytes - (try bytes(instance)) / 1024) < 0.001, "\(field) in KiB")
        }
        #expect(fields[path: "vNicPerformanceArray", 0, "valuesAreSuspect"]?.stringValue == "true")
        #expect(fields["measurementInterval"]?.doubleValue == 2)
        // Other plugins go to additionalMeasurements by plugin and instance, values as the strings 5.4.1 asks for.
        let additional = try #require(fields["additionalMeasurements"])
        let load = try #require(
            (0..<(additional.arrayCount ?? 0)).compactMap { additional[$0] }.first { $0["name"]?.stringValue == "load" }
        )
        #expect(load[path: "arrayOfFields", 0, "name"]?.stringValue == "load-shortterm")
        #expect(load[path: "arrayOfFields", 0, "value"]?.stringValue != nil)
    }

    @Test("the O-RAN SC file builds 7.2.1 measurement events with loadArray and nicPerformanceArray")
    func oranSevenTwoOne() throws {
        let mapping = try MappingMaterial.load(MappingMaterial.oranFile)
        let output = mapping.measurements(of: try TraceTicks.load("host.jsonl"))
        let event = try #require(output.events.last)
        #expect(event.version == .ves721)
        #expect(event.domain == "measurement")
        #expect(event.event[path: "commonEventHeader", "vesEventListenerVersion"]?.stringValue == "7.2.1")
        let fields = try #require(event.event["measurementFields"])
        #expect(fields[path: "loadArray", 0, "midTerm"]?.doubleValue != nil)
        #expect(fields[path: "loadArray", 0, "shortTerm"]?.doubleValue != nil)
        #expect((fields["nicPerformanceArray"]?.arrayCount ?? 0) >= 1)
        #expect(fields[path: "nicPerformanceArray", 0, "nicIdentifier"]?.stringValue != nil)
        #expect(fields[path: "diskUsageArray", 0, "diskOctetsReadLast"]?.doubleValue != nil)
        // The host trace reads cpu in jiffies, not percent: no cpuUsageArray items, as the file's SELECT says.
        #expect(fields["cpuUsageArray"]?.arrayCount == 0)
    }

    @Test("hypervisor.yaml: one event per VM once the virt plugin reports percent/virt_cpu_total")
    func hypervisorPerVM() throws {
        let mapping = try MappingMaterial.load("hypervisor.yaml")
        // The file's trigger is percent/virt_cpu_total, which the virt plugin sends with ExtraStats "cpu_util" (the
        // user guide's hypervisor configuration); the generated traces have the counters only. Add it per VM.
        let records = try TraceTicks.records("virt-3vms.jsonl")
        var withPercent: [CollectdRecord] = []
        for record in records {
            withPercent.append(record)
            if case .values(var list) = record, list.type == "virt_cpu_total" {
                list.type = "percent"
                list.typeInstance = "virt_cpu_total"
                list.values = [.gauge(12.5)]
                withPercent.append(.values(list))
            }
        }
        let trace = TraceTicks(records: withPercent, sendInterval: 10)
        let output = mapping.measurements(of: trace)
        let last = try #require(trace.ticks.last)
        var ids: UInt64 = 0
        let lastTick = mapping.measurements(
            values: last.values,
            now: last.now,
            settings: MappingMaterial.settings,
            eventIds: &ids
        )
        #expect(
            Set(lastTick.events.map(\.sourceName)) == ["instance-00000001", "instance-00000002", "instance-00000003"]
        )
        for event in output.events {
            let problems = try MappingMaterial.violations(event)
            #expect(problems.isEmpty, "\(event.sourceName): \(problems)")
            let fields = try #require(event.event["measurementsForVfScalingFields"])
            #expect(fields["cpuUsageArray"]?.arrayCount == 2)
            let total = try #require(fields[path: "memoryUsageArray", 0, "memoryConfigured"]?.doubleValue)
            #expect(
                [1_048_576, 2_097_152, 4_194_304, 8_388_608].contains(total),
                "KiB of a power-of-two GiB: \(total)"
            )
            #expect((fields["additionalFields"]?.arrayCount ?? 0) >= 1)
        }
        #expect(output.notes.isEmpty, "\(output.notes)")
    }

    @Test("node.yaml: host and guest memory instances make host and guest events")
    func nodeHostAndGuest() throws {
        let mapping = try MappingMaterial.load("node.yaml")
        let trace = try TraceTicks.load("host.jsonl")
        let tick = try #require(trace.ticks.last)
        // node.yaml tells host from guest by the memory plugin's instance; a node reports both.
        var values = tick.values
        for value in tick.values where value.plugin == "memory" {
            var guest = value
            guest.pluginInstance = "guest"
            values.append(guest)
        }
        values = values.map { value in
            var value = value
            if value.plugin == "memory", value.pluginInstance.isEmpty { value.pluginInstance = "host" }
            return value
        }
        var ids: UInt64 = 0
        let output = mapping.measurements(
            values: values,
            now: tick.now,
            settings: MappingMaterial.settings,
            eventIds: &ids
        )
        #expect(output.events.map(\.template) == ["Host Measurements", "Guest Measurements"])
        #expect(
            output.events.map { $0.event[path: "commonEventHeader", "eventType"]?.stringValue } == [
                "hostOS", "guestOS",
            ]
        )
        for event in output.events {
            #expect(try MappingMaterial.violations(event).isEmpty)
        }
    }

    @Test("hypervisor.yaml over 200 VMs: each event holds its own VM's values only")
    func manyVMs() throws {
        let mapping = try MappingMaterial.load("hypervisor.yaml")
        var values: [MappingValue] = []
        for vm in 0..<200 {
            func add(_ type: String, _ typeInstance: String, _ dsName: String = "value", _ value: Double) {
                values.append(
                    MappingValue(
                        host: "compute-0",
                        plugin: "virt",
                        pluginInstance: "vm-\(vm)",
                        type: type,
                        typeInstance: typeInstance,
                        dsName: dsName,
                        value: value,
                        time: 1_800_000_000,
                        interval: 10
                    )
                )
            }
            add("percent", "virt_cpu_total", "value", 12)
            add("virt_vcpu", "0", "value", Double(vm))
            add("memory", "total", "value", Double(vm + 1) * 1024 * 1024)
            add("memory", "rss", "value", Double(vm + 1) * 1024)
            for type in ["if_octets", "if_packets", "if_errors", "if_dropped"] {
                add(type, "vnet\(vm)", "rx", 1)
                add(type, "vnet\(vm)", "tx", 2)
            }
        }
        var ids: UInt64 = 0
        let output = mapping.measurements(
            values: values,
            now: 1_800_000_005,
            settings: MappingMaterial.settings,
            eventIds: &ids
        )
        #expect(output.events.count == 200)
        #expect(output.notes.isEmpty, "\(output.notes)")
        for (vm, event) in output.events.enumerated() {
            let fields = try #require(event.event["measurementsForVfScalingFields"])
            #expect(event.sourceName == "vm-\(vm)")
            #expect(fields[path: "memoryUsageArray", 0, "memoryConfigured"]?.doubleValue == Double(vm + 1) * 1024)
            #expect(fields[path: "memoryUsageArray", 0, "memoryFree"]?.doubleValue == Double(vm + 1))
            #expect(fields[path: "cpuUsageArray", 0, "percentUsage"]?.doubleValue == Double(vm))
            #expect(fields[path: "vNicPerformanceArray", 0, "vNicIdentifier"]?.stringValue == "vnet\(vm)")
            #expect(fields["vNicPerformanceArray"]?.arrayCount == 1)
        }
        let sample = try #require(output.events.last)
        #expect(try MappingMaterial.violations(sample).isEmpty)
    }
}
