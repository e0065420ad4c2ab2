public import Collectd

/// Makes traces of collectd's libvirt `virt` plugin for machines without libvirt: per VM the CPU counters
/// (virt_cpu_total, virt_vcpu), memory total/rss, and per interface and disk the counters the plugin reports,
/// all growing as real counters do, from a seed so the same options give the same trace.
public struct VirtTraceGenerator: Sendable {
    public var host = "compute-0"
    /// Hosts the VMs run on: with more than one, VM i runs on `<host>-<i mod hosts>`, as at a site whose
    /// collectds all send to one agent.
    public var hosts = 1
    public var vms = 2
    public var vcpus = 2
    public var interfaces = 1
    public var disks = 1
    /// Seconds between samples, and how many samples.
    public var interval = 10.0
    public var samples = 12
    /// Time of the first sample (seconds since the epoch).
    public var start = 1_700_000_000.0
    public var seed: UInt64 = 1

    public init() {}

    /// Series per VM: cpu total, vCPUs, memory total and rss, four per interface, two per disk.
    public var seriesPerVM: Int { 1 + vcpus + 2 + 4 * interfaces + 2 * disks }

    /// One entry per VM per sample, in time order.
    public func entries() -> [TraceEntry] {
        var random = SplitMix64(seed: seed)
        var machines = (0..<vms).map { index in Machine(index: index, generator: self, random: &random) }
        var entries: [TraceEntry] = []
        entries.reserveCapacity(vms * samples)
        for sample in 0..<samples {
            let time = CollectdTime(seconds: start + Double(sample) * interval)
            for index in machines.indices {
                if sample > 0 { machines[index].advance(seconds: interval, random: &random) }
                entries.append(TraceEntry(payload: .records(machines[index].records(time: time, generator: self))))
            }
        }
        return entries
    }

    /// The counters of one VM.
    private struct Machine {
        var name: String
        var host: String
        var cpuLoad: Double  // share of each vCPU in use
        var vcpuTime: [UInt64]
        var memoryTotal: Double
        var rss: Double
        var packets: [(rx: UInt64, tx: UInt64)]
        var octets: [(rx: UInt64, tx: UInt64)]
        var errors: [(rx: UInt64, tx: UInt64)]
        var dropped: [(rx: UInt64, tx: UInt64)]
        var diskOctets: [(read: UInt64, write: UInt64)]
        var diskOps: [(read: UInt64, write: UInt64)]
        let interfaceBase: Int

        init(index: Int, generator: VirtTraceGenerator, random: inout SplitMix64) {
            name = "instance-" + String(index + 1, radix: 16).leftPadded(to: 8)
            host = generator.hosts > 1 ? "\(generator.host)-\(index % generator.hosts)" : generator.host
            cpuLoad = 0.05 + random.unit() * 0.6
            vcpuTime = (0..<generator.vcpus).map { _ in UInt64(random.unit() * 5e11) }
            memoryTotal = Double(1 << 30) * Double([1, 2, 4, 8][Int(random.next() % 4)])
            rss = memoryTotal * (0.3 + random.unit() * 0.5)
            packets = (0..<generator.interfaces).map { _ in
                (UInt64(random.next() % 100_000), UInt64(random.next() % 100_000))
            }
            octets = packets.map { ($0.rx * 600, $0.tx * 400) }
            errors = packets.map { _ in (0, 0) }
            dropped = packets.map { _ in (0, 0) }
            diskOctets = (0..<generator.disks).map { _ in
                (UInt64(random.next() % (1 << 30)), UInt64(random.next() % (1 << 29)))
            }
            diskOps = diskOctets.map { ($0.read / 4096, $0.write / 4096) }
            interfaceBase = index * generator.interfaces
        }

        mutating func advance(seconds: Double, random: inout SplitMix64) {
            cpuLoad = min(0.98, max(0.01, cpuLoad + (random.unit() - 0.5) * 0.1))
            for index in vcpuTime.indices {
                let busy = min(1, max(0, cpuLoad + (random.unit() - 0.5) * 0.1))
                vcpuTime[index] += UInt64(busy * seconds * 1e9)
            }
            rss = min(memoryTotal, max(memoryTotal * 0.1, rss + (random.unit() - 0.5) * memoryTotal * 0.01))
            for index in packets.indices {
                let rx = UInt64(seconds * (50 + random.unit() * 500))
                let tx = UInt64(seconds * (30 + random.unit() * 300))
                packets[index].rx += rx
                packets[index].tx += tx
                octets[index].rx += rx * UInt64(64 + random.next() % 1400)
                octets[index].tx += tx * UInt64(64 + random.next() % 1400)
                if random.next() % 50 == 0 { errors[index].rx += 1 }
                if random.next() % 40 == 0 { dropped[index].tx += 1 }
            }
            for index in diskOps.indices {
                let reads = UInt64(seconds * random.unit() * 40)
                let writes = UInt64(seconds * random.unit() * 60)
                diskOps[index].read += reads
                diskOps[index].write += writes
                diskOctets[index].read += reads * 4096 * UInt64(1 + random.next() % 16)
                diskOctets[index].write += writes * 4096 * UInt64(1 + random.next() % 16)
            }
        }

        func records(time: CollectdTime, generator: VirtTraceGenerator) -> [CollectdRecord] {
            let interval = CollectdTime(seconds: generator.interval)
            func list(_ type: String, _ instance: String, _ values: [Value]) -> CollectdRecord {
                .values(
                    ValueList(
                        host: host,
                        plugin: "virt",
                        pluginInstance: name,
                        type: type,
                        typeInstance: instance,
                        time: time,
                        interval: interval,
                        values: values
                    )
                )
            }
            func derive(_ value: UInt64) -> Value { .derive(Int64(clamping: value)) }
            var records = [list("virt_cpu_total", "", [derive(vcpuTime.reduce(0, +))])]
            for (index, value) in vcpuTime.enumerated() {
                records.append(list("virt_vcpu", String(index), [derive(value)]))
            }
            records.append(list("memory", "total", [.gauge(memoryTotal)]))
            records.append(list("memory", "rss", [.gauge(rss.rounded())]))
            for index in packets.indices {
                let interface = "vnet\(interfaceBase + index)"
                records.append(list("if_octets", interface, [derive(octets[index].rx), derive(octets[index].tx)]))
                records.append(list("if_packets", interface, [derive(packets[index].rx), derive(packets[index].tx)]))
                records.append(list("if_errors", interface, [derive(errors[index].rx), derive(errors[index].tx)]))
                records.append(list("if_dropped", interface, [derive(dropped[index].rx), derive(dropped[index].tx)]))
            }
            for index in diskOps.indices {
                let disk = "vd" + String(UnicodeScalar(UInt8(97 + index % 26)))
                records.append(
                    list("disk_octets", disk, [derive(diskOctets[index].read), derive(diskOctets[index].write)])
                )
                records.append(list("disk_ops", disk, [derive(diskOps[index].read), derive(diskOps[index].write)]))
            }
            return records
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so generated traces repeat exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
