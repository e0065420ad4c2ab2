import ArgumentParser
import Collectd
import Logging
import Replay

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trace of collectd's virt plugin for VMs that do not exist (there is no libvirt here).",
        discussion:
            "Per VM: virt_cpu_total, virt_vcpu, memory total/rss, if_octets/packets/errors/dropped, disk_octets/ops."
    )

    @Option(help: "The trace to write (format from the extension: .jsonl, .putval, .hex, .tsv, .pcap).")
    var out: String

    @Option(help: "Number of VMs.")
    var vms = 2

    @Option(help: "vCPUs per VM.")
    var vcpus = 2

    @Option(help: "Network interfaces per VM.")
    var interfaces = 1

    @Option(help: "Disks per VM.")
    var disks = 1

    @Option(help: "Seconds between samples.")
    var interval = 10.0

    @Option(help: "Seconds of trace.")
    var duration = 120.0

    @Option(help: "collectd Hostname of the compute node.")
    var host = "compute-0"

    @Option(help: "Hosts the VMs are spread over; with more than one, VM i runs on <host>-<i mod hosts>.")
    var hosts = 1

    @Option(help: "Time of the first sample, seconds since the epoch.")
    var start = 1_700_000_000.0

    @Option(help: "Seed: the same options and seed give the same trace.")
    var seed: UInt64 = 1

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard vms >= 1, vcpus >= 1, hosts >= 1, interfaces >= 0, disks >= 0 else {
            throw ValidationError("--vms, --vcpus and --hosts must be at least 1, --interfaces and --disks at least 0")
        }
        guard interval > 0, duration >= interval else {
            throw ValidationError("--duration must be at least --interval > 0")
        }
    }

    func run() async throws {
        _ = try common.makeLogger()
        var generator = VirtTraceGenerator()
        generator.host = host
        generator.hosts = hosts
        generator.vms = vms
        generator.vcpus = vcpus
        generator.interfaces = interfaces
        generator.disks = disks
        generator.interval = interval
        generator.samples = Int(duration / interval) + 1
        generator.start = start
        generator.seed = seed
        guard let format = TraceFormat(path: out) else {
            throw ValidationError("name the output .jsonl, .putval, .hex, .tsv or .pcap")
        }
        let entries = generator.entries()
        let typesDB = try common.loadTypesDB()
        try withUserErrors { try TraceFile.write(entries, format: format, to: out, typesDB: typesDB) }
        print(
            "generated \(vms) VMs x \(generator.seriesPerVM) series x \(generator.samples) samples "
                + "(\(vms * generator.seriesPerVM * generator.samples) value lists): \(out)"
        )
    }
}
