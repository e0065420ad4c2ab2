import Collectd
import JSON
import TestSupport
import Testing

@testable import VESAgent

/// Under `Clock trace` the packet times drive the ticks; times far from the clock are refused and no record runs
/// more than a thousand ticks (review finding M4).
@Suite("Trace clock limits")
struct TraceClockLimitTests {
    static let start = 1_795_570_000.0

    static func memory(at time: CollectdTime, host: String = "compute-0") -> CollectdRecord {
        .values(
            ValueList(
                host: host,
                plugin: "memory",
                pluginInstance: "",
                type: "memory",
                typeInstance: "used",
                time: time,
                interval: CollectdTime(seconds: 10),
                values: [.gauge(1000)]
            )
        )
    }

    static func core(_ configure: (inout AgentConfiguration) -> Void) -> (AgentCore, AgentStats, SentEvents) {
        var configuration = AgentConfiguration()
        configuration.hostname = "compute-0"
        configuration.clock = .trace
        configuration.guestRunning = true
        configure(&configuration)
        let stats = AgentStats()
        let sent = SentEvents()
        let core = AgentCore(
            configuration: configuration,
            typesDB: .systemOrBuiltIn(),
            authFile: nil,
            stats: stats,
            logger: CapturedLog().logger,
            deliver: { events in sent.append(events.compactMap { try? JSONParser().parse($0.eventJSON) }) }
        )
        return (core, stats, sent)
    }

    @Test("times 1 s and 1.7e10 s are refused and normal series keep producing events", .timeLimit(.minutes(1)))
    func farTimesAreRefused() {
        let (core, stats, sent) = Self.core { _ in }
        var records: [CollectdRecord] = []
        for step in 0..<10 {
            let now = Self.start + Double(step) * 10
            records.append(Self.memory(at: CollectdTime(seconds: now)))
            if step == 3 {
                records.append(Self.memory(at: CollectdTime(raw: .max), host: "far-ahead"))
                records.append(Self.memory(at: CollectdTime(seconds: 1), host: "far-behind"))
                records.append(Self.memory(at: CollectdTime(seconds: now + 3601), host: "just-out"))
            }
        }
        core.ingest(records)
        let counters = stats.snapshot
        #expect(counters.traceTimesRefused == 3)
        #expect(counters.valueLists == 13, "refused records were still received")
        #expect(counters.ticks == 4, "ticks at +20, +40, +60 and +80 s, none from the far times")
        #expect(counters.series == 1, "no refused record reached the cache")
        #expect(sent.all.count == 4)
        #expect(counters.summary.contains("refused: 3 trace times"))
    }

    @Test("a value within the window but far ahead runs at most 1000 ticks", .timeLimit(.minutes(1)))
    func ticksPerRecordAreCapped() {
        let (core, stats, sent) = Self.core {
            $0.sendEventInterval = 1
            $0.traceClockWindow = 31_536_000
        }
        core.ingest([Self.memory(at: CollectdTime(seconds: Self.start))])
        core.ingest([Self.memory(at: CollectdTime(seconds: Self.start + 100_000.5))])
        #expect(stats.snapshot.ticks == 1000)
        #expect(stats.snapshot.ticksSkipped == 99_000)
        #expect(sent.all.count == 1000)
        // the clock goes on from the record's time: the next second ticks once
        core.ingest([Self.memory(at: CollectdTime(seconds: Self.start + 100_001.5))])
        #expect(stats.snapshot.ticks == 1001)
    }

    @Test("a record without a time neither moves nor is refused by the trace clock")
    func recordWithoutTimeIsNotRefused() {
        let (core, stats, _) = Self.core { _ in }
        core.ingest([Self.memory(at: CollectdTime(seconds: Self.start))])
        core.ingest([Self.memory(at: CollectdTime(raw: 0), host: "untimed")])
        #expect(stats.snapshot.traceTimesRefused == 0)
        #expect(stats.snapshot.ticks == 0)
    }
}
