import Collectd
import JSON
import Logging
import Synchronization
import TestSupport
import Testing

@testable import VESAgent

/// A listener's commandList cannot stop, wedge or flood the agent: intervals out of 1...86400 s, too many
/// commands, too many throttled domains (review findings H1 and M6).
@Suite("Listener command limits")
struct ListenerCommandLimitTests {
    static func body(interval: String) -> [UInt8] {
        Array(
            #"{"commandList": [{"commandType": "measurementIntervalChange", "measurementInterval": \#(interval)}]}"#
                .utf8
        )
    }

    static let hostileIntervals = [
        #""inf""#, #""infinity""#, #""nan""#, #""0x1p100""#, #""1e3""#, #"" 60""#, "0", "1e-9", "0.5", "-5",
        "1e30", "86401", "1000000000000000000000000000000", String(repeating: "9", count: 400), #""abc""#, "null",
        "true", "[60]",
    ]

    @Test("intervals that are not a number of seconds from 1 to 86400 are refused")
    func hostileIntervalsAreRefused() {
        for interval in Self.hostileIntervals {
            let commands = ListenerCommand.parse(body: Self.body(interval: interval))
            guard case .refusedIntervalChange? = commands.first, commands.count == 1 else {
                Issue.record("\(interval) gave \(commands)")
                continue
            }
        }
        // 1e400 is no JSON number this parser takes: the whole answer is refused
        #expect(ListenerCommand.parse(body: Self.body(interval: "1e400")).isEmpty)
        for (interval, seconds) in [("1", 1.0), ("86400", 86_400), (#""600""#, 600), ("2.5", 2.5), ("60.0", 60)] {
            #expect(
                ListenerCommand.parse(body: Self.body(interval: interval)) == [
                    .measurementIntervalChange(seconds: seconds)
                ]
            )
        }
    }

    static func core(stats: AgentStats, log: CapturedLog) -> AgentCore {
        var configuration = AgentConfiguration()
        configuration.clock = .trace
        configuration.sendEventInterval = 15
        return AgentCore(
            configuration: configuration,
            typesDB: .systemOrBuiltIn(),
            authFile: nil,
            stats: stats,
            logger: log.logger,
            deliver: { _ in }
        )
    }

    @Test("a refused interval leaves the interval, is counted and warned about once a minute")
    func refusedIntervalIsCountedAndWarned() {
        let stats = AgentStats()
        let log = CapturedLog()
        let core = Self.core(stats: stats, log: log)
        #expect(core.apply(.measurementIntervalChange(seconds: 60)))
        for seconds in [Double.infinity, .nan, 0, 1e-9, 1e30, -1, 86_401] {
            #expect(!core.apply(.measurementIntervalChange(seconds: seconds)))
        }
        #expect(!core.apply(.refusedIntervalChange(value: "\"inf\"\n[forged] line")))
        #expect(core.interval == 60)
        #expect(stats.snapshot.intervalChangesRefused == 8)
        #expect(stats.snapshot.summary.hasSuffix("; refused: 8 interval changes"))
        let warnings = log.messages.filter { $0.contains("ignoring a measurementIntervalChange") }
        #expect(warnings.count == 1, "one warning a minute: \(warnings)")
        #expect(warnings.first?.contains("it stays 60 s") == true)
        #expect(!log.messages.contains { $0.contains("\n") })
    }

    @Test("an answer gives at most 100 commands and one throttling-state post")
    func answerGivesAtMost100Commands() throws {
        let entries =
            (0..<150).map { _ in #"{"commandType": "provideThrottlingState"}"# }
            + (0..<50).map { _ in #"{"commandType": "heartbeatIntervalChange", "heartbeatInterval": 60}"# }
        let many = ListenerCommand.parse(body: Array(#"{"commandList": [\#(entries.joined(separator: ","))]}"#.utf8))
        #expect(many == [.provideThrottlingState, .ignoredEntries(count: 100)])
        let mixed = (0..<120).map { index in
            index % 2 == 0
                ? #"{"commandType": "provideThrottlingState"}"#
                : #"{"commandType": "measurementIntervalChange", "measurementInterval": 30}"#
        }
        let commands = ListenerCommand.parse(body: Array(#"{"commandList": [\#(mixed.joined(separator: ","))]}"#.utf8))
        #expect(commands.count == 50 + 1 + 1)
        #expect(commands.filter { $0 == .provideThrottlingState }.count == 1)
        #expect(commands[49] == .provideThrottlingState, "the last one is kept, after the changes before it")
        #expect(commands.last == .ignoredEntries(count: 20))

        let stats = AgentStats()
        let log = CapturedLog()
        let core = Self.core(stats: stats, log: log)
        #expect(!core.apply(.ignoredEntries(count: 20)))
        #expect(stats.snapshot.commandsIgnored == 20)
        #expect(log.messages.contains { $0.contains("ignored 20 listener commands") })
    }

    @Test("at most 100 domains are throttled at once")
    func atMost100DomainsAreThrottled() {
        let stats = AgentStats()
        let log = CapturedLog()
        let core = Self.core(stats: stats, log: log)
        for index in 0..<105 {
            let specification = ThrottlingPolicy.DomainSpecification(
                eventDomain: "domain\(index)",
                suppressedFieldNames: ["field"],
                suppressedPairs: []
            )
            _ = core.apply(.throttlingSpecification(specification))
        }
        #expect(core.throttlingState.byDomain.count == ThrottlingPolicy.maximumDomains)
        #expect(stats.snapshot.commandsIgnored == 5)
        // a domain held may still change, and ending one makes room
        var policy = core.throttlingState
        let changed = policy.set(.init(eventDomain: "domain0", suppressedFieldNames: ["other"], suppressedPairs: []))
        let refused = policy.set(.init(eventDomain: "domain200", suppressedFieldNames: ["x"], suppressedPairs: []))
        let ended = policy.set(.init(eventDomain: "domain1", suppressedFieldNames: [], suppressedPairs: []))
        let added = policy.set(.init(eventDomain: "domain200", suppressedFieldNames: ["x"], suppressedPairs: []))
        #expect(changed && !refused && ended && added)
    }
}
