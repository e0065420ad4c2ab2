import Collectd
import JSON
import JSONSchema
import Logging
import Replay
import VESAgent
import VESModel

/// The fixed pieces of work the benchmarks time and the instruction counts count, built the same way for both.
public enum FixedWork {
    /// VMs of one vCPU, one interface and one disk (10 series each), sampled every 10 s from 2026-11-25.
    public static func generator(vms: Int, samples: Int) -> VirtTraceGenerator {
        var generator = VirtTraceGenerator()
        generator.vms = vms
        generator.vcpus = 1
        generator.interfaces = 1
        generator.disks = 1
        generator.interval = 10
        generator.samples = samples
        generator.start = 1_795_600_000
        return generator
    }

    /// The records of a trace's decoded entries.
    public static func records(_ entries: [TraceEntry]) -> [CollectdRecord] {
        entries.flatMap { entry -> [CollectdRecord] in
            if case .records(let records) = entry.payload { return records }
            return []
        }
    }

    /// The records packed into datagrams as collectd packs them.
    public static func datagrams(_ records: [CollectdRecord]) -> [[UInt8]] {
        var encoder = NetworkEncoder()
        var datagrams: [[UInt8]] = []
        for record in records { datagrams += encoder.add(record) }
        return datagrams + encoder.flush()
    }

    /// An agent core (host compute-0, nothing expires, logging off) whose events go to `deliver`.
    public static func agentCore(
        clock: AgentConfiguration.ClockMode,
        version: VESVersion = .ves11,
        deliver: @escaping @Sendable ([BuiltEvent]) -> Void
    ) -> AgentCore {
        var configuration = AgentConfiguration()
        configuration.hostname = "compute-0"
        configuration.clock = clock
        configuration.expireIntervals = 0
        configuration.vesVersion = version
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return AgentCore(
            configuration: configuration,
            typesDB: .systemOrBuiltIn(),
            authFile: nil,
            stats: AgentStats(),
            logger: logger,
            deliver: deliver
        )
    }
}
