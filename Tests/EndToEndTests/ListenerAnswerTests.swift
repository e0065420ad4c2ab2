import Foundation
import JSON
import Logging
import MockListener
import TestSupport
import Testing
import VESAgent

/// What the agent does with each kind of refusal from a real listener (review M7) and how long one answer's
/// commands can hold it (review M6): events are held, split or kept in the rejected file, never silently lost.
@Suite("Listener answers", .serialized)
struct ListenerAnswerTests {
    static let virtTrace = SendingTests.virtTrace
    static let virtEventCount = SendingTests.virtEventCount

    static func withSpool<T>(_ body: (String) async throws -> T) async throws -> T {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        return try await body(spool)
    }

    @Test("a batch over the listener's body limit arrives complete in halves")
    func aBatchOverTheBodyLimitArrivesInHalves() async throws {
        // a virt event is about 1.4 KB: two fit in 3000 bytes, the three of one tick do not
        try await Pipeline.run(listener: { $0.maxBodyBytes = 3000 }, agent: { $0.batchSize = 10 }) { pipeline in
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            let records = try pipeline.records
            #expect(SendingTests.eventIds(try pipeline.events) == Array(1...Self.virtEventCount), "all, once, in order")
            #expect(records.allSatisfy { $0["valid"] == .bool(true) })
            let refused = pipeline.listener.store.lines(matching: RecordFilter(kind: .rejected))
            #expect(!refused.isEmpty, "the listener refused the first batch as too large")
            #expect(refused.allSatisfy { String(decoding: $0, as: UTF8.self).contains("\"status\":400") })
            let stats = pipeline.agent.stats.snapshot
            #expect(stats.eventsSent == Self.virtEventCount)
            #expect(stats.eventsRejected == 0 && stats.eventsDropped == 0)
        }
    }

    @Test("a single event too large for the listener lands in rejected")
    func aSingleEventTooLargeLandsInRejected() async throws {
        try await Self.withSpool { spool in
            try await Pipeline.run(
                listener: { $0.maxBodyBytes = 1000 },
                agent: { $0.spoolDirectory = spool }
            ) { pipeline in
                try await pipeline.replay([Self.virtTrace])
                await pipeline.stopAgent()
                let stats = pipeline.agent.stats.snapshot
                #expect(stats.eventsRejected == Self.virtEventCount)
                #expect(stats.eventsSent == 0)
            }
            let text = try String(contentsOfFile: spool + "/rejected/ves-agent.rejected.jsonl", encoding: .utf8)
            let lines = try text.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
            #expect(lines.count == Self.virtEventCount)
            #expect(SendingTests.eventIds(lines.compactMap { $0["event"] }) == Array(1...Self.virtEventCount))
            #expect(lines.allSatisfy { $0["status"] == .integer(400) })
            #expect(lines.allSatisfy { $0["answer"]?.stringValue?.contains("POL9003") == true })
            let mode = try FileManager.default.attributesOfItem(atPath: spool + "/rejected/ves-agent.rejected.jsonl")
            #expect(mode[.posixPermissions] as? Int == 0o600)
        }
    }

    @Test("events the listener names invalid are split out of their batch and kept in rejected")
    func invalidEventsAreSplitOutAndKept() async throws {
        // a schema no event of the agent meets: every event is answered 400 SVC0002 with its pointer
        let schemaPath = try TemporaryFile.write(
            #"{"properties": {"event": {"required": ["neverSent"]}, "eventList": {"items": {"required": ["neverSent"]}}}}"#,
            suffix: ".json"
        )
        defer { try? FileManager.default.removeItem(atPath: schemaPath) }
        let schema = try EventSchema.named(schemaPath)
        try await Self.withSpool { spool in
            try await Pipeline.run(
                listener: { $0.schemaOverride = schema },
                agent: {
                    $0.spoolDirectory = spool
                    $0.batchSize = 5
                }
            ) { pipeline in
                try await pipeline.replay([Self.virtTrace])
                await pipeline.stopAgent()
                let stats = pipeline.agent.stats.snapshot
                #expect(stats.eventsRejected == Self.virtEventCount, "each invalid event dropped once, alone")
                #expect(stats.eventsSent == 0 && stats.retries == 0)
            }
            let text = try String(contentsOfFile: spool + "/rejected/ves-agent.rejected.jsonl", encoding: .utf8)
            let lines = try text.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
            #expect(SendingTests.eventIds(lines.compactMap { $0["event"] }) == Array(1...Self.virtEventCount))
            #expect(lines.allSatisfy { $0["answer"]?.stringValue?.contains("SVC0002") == true })
        }
    }

    /// Runs the trace through a listener that first answers with `faults`; every event must still arrive once, in
    /// order. Returns the agent's counters.
    static func deliverAll(after faults: [InjectedFault], logger: Logger = Pipeline.quietLogger) async throws
        -> AgentCounters
    {
        try await Pipeline.run(logger: logger) { pipeline in
            for fault in faults { pipeline.listener.control.enqueue(fault: fault) }
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            #expect(SendingTests.eventIds(try pipeline.events) == Array(1...Self.virtEventCount))
            return pipeline.agent.stats.snapshot
        }
    }

    @Test("401 then 202 loses nothing and logs the refusal once per retry, not per event")
    func unauthorizedThen202LosesNothing() async throws {
        let log = CapturedLog()
        let faults = [InjectedFault(status: 401, count: 4), InjectedFault(status: 403, count: 2)]
        let stats = try await Self.deliverAll(after: faults, logger: log.logger)
        #expect(stats.retries == 6)
        #expect(stats.eventsRejected == 0 && stats.eventsDropped == 0)
        let refusals = log.messages.filter { $0.contains("check Username and Password") }
        #expect(refusals.count == 6, "one line per refused POST: \(refusals.count)")
        #expect(refusals.first?.hasPrefix("error") == true)
    }

    @Test("other 4xx answers hold the events instead of dropping them")
    func other4xxAnswersHoldTheEvents() async throws {
        let faults = [InjectedFault(status: 404, count: 2), InjectedFault(status: 400, count: 2)]
        let stats = try await Self.deliverAll(after: faults)
        #expect(stats.eventsRejected == 0 && stats.retries == 4)
    }

    /// A commandList (the listener puts it in its next 202) asking 50 times for the throttling state.
    static let fiftyStateRequests: JSONValue = {
        let entry = JSONValue.object(JSONObject([("commandType", .string("provideThrottlingState"))]))
        return .array(Array(repeating: entry, count: 50))
    }()

    @Test("one answer asking 50 times for the throttling state gets one post")
    func oneAnswerGetsOneThrottlingStatePost() async throws {
        try await Pipeline.run { pipeline in
            pipeline.listener.control.enqueue(commandList: Self.fiftyStateRequests)
            try await pipeline.replay([Self.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(Self.virtEventCount)
            let states = pipeline.listener.store.lines(matching: RecordFilter(kind: .throttlingState))
            #expect(states.count == 1, "one throttling-state POST per answer, not 50")
        }
    }

    @Test("a throttling-state post that hangs holds the send loop for one Timeout only")
    func aHangingThrottlingStatePostIsBounded() async throws {
        try await Pipeline.run(agent: { $0.timeout = 0.5 }) { pipeline in
            pipeline.listener.control.enqueue(commandList: Self.fiftyStateRequests)
            // the first event POST goes through as usual, the throttling-state POST after it waits 5 s
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 202, count: 1))
            pipeline.listener.control.enqueue(fault: InjectedFault(status: 202, count: 1, delayMilliseconds: 5000))
            let started = ContinuousClock.now
            try await pipeline.replay([Self.virtTrace])
            await pipeline.waitForEvents(Self.virtEventCount - 3)
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(4), "the send loop went on after one Timeout: \(waited)")
            await pipeline.stopAgent()
        }
    }
}
