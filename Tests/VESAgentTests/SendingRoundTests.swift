import Logging
import Synchronization
import Testing

@testable import VESAgent

/// Rounds on several connections: which batches go out together, and how their answers take them off the queue
/// when some go through and some do not.
@Suite("Sending rounds")
struct SendingRoundTests {
    /// A measurement event of `source` with id `id`.
    static func event(_ source: String, _ id: Int) -> BuiltEvent {
        BuiltEvent(
            domain: "measurementsForVfScaling",
            eventId: String(id),
            reportingEntityName: "h",
            sourceName: source,
            eventJSON: "{}"
        )
    }

    static func sender(queueSize: Int = 1000) -> EventSender {
        var configuration = AgentConfiguration()
        configuration.connections = 4
        configuration.queueSize = queueSize
        return EventSender(
            configuration: configuration,
            stats: AgentStats(),
            logger: Logger(label: "test"),
            onCommand: { _ in }
        )
    }

    static func ids(_ sender: EventSender) -> [String] {
        sender.state.withLock { $0.queue.map(\.eventId) }
    }

    static func round(_ sender: EventSender, lanes: Int, limit: Int) -> [EventSender.QueuedBatch] {
        sender.state.withLock { EventSender.nextRound(of: $0, lanes: lanes, limit: limit, maximumBodyBytes: nil) }
    }

    @Test("a round passes over a batch whose source an earlier batch has, and every later event of that source")
    func roundPassesOverARepeatedSource() {
        let sender = Self.sender()
        let sources = ["a", "b", "c", "a", "d", "e", "a", "b"]
        sender.enqueue(sources.enumerated().map { Self.event($0.element, $0.offset + 1) })
        #expect(
            Self.round(sender, lanes: 4, limit: 1).map { $0.events.map(\.eventId) } == [["1"], ["2"], ["3"], ["5"]]
        )
        #expect(Self.round(sender, lanes: 4, limit: 1).map(\.start) == [0, 1, 2, 4])
        #expect(
            Self.round(sender, lanes: 4, limit: 2).map { $0.events.map(\.eventId) } == [["1", "2"], ["5", "6"]],
            "(c, a) shares a with (a, b); (a, b) at the end shares both"
        )
        #expect(Self.round(sender, lanes: 1, limit: 1).map { $0.events.map(\.eventId) } == [["1"]])
        sender.state.withLock { $0.removedFromFront = 7 }
        #expect(Self.round(sender, lanes: 2, limit: 1).map(\.start) == [7, 8])
        #expect(EventSender.nextRound(of: EventSender.State(), lanes: 4, limit: 1, maximumBodyBytes: nil).isEmpty)
    }

    @Test("one source fills the queue: a round of one batch, found without reading the whole queue")
    func oneSourceOneBatch() {
        let sender = Self.sender(queueSize: 100_000)
        sender.enqueue((1...50_000).map { Self.event("compute-0", $0) } + [Self.event("compute-1", 50_001)])
        let round = Self.round(sender, lanes: 8, limit: 1)
        #expect(round.map { $0.events.map(\.eventId) } == [["1"]], "compute-1 lies beyond the window")
        #expect(EventSender.roundWindow(lanes: 8, limit: 1) < 50_000)
    }

    @Test("batches delivered around a passed-over one leave the queue, which keeps the rest in order")
    func deliveredAroundAPassedOverBatch() {
        let sender = Self.sender()
        let sources = ["a", "b", "a", "c", "d"]
        sender.enqueue(sources.enumerated().map { Self.event($0.element, $0.offset + 1) })
        let round = Self.round(sender, lanes: 4, limit: 1)
        #expect(round.map { $0.events.map(\.eventId) } == [["1"], ["2"], ["4"], ["5"]])
        var narrowed: (limit: Int, events: Int)? = nil
        let answers: [ListenerAnswer] = [
            .retry(reason: "503"), .delivered(commands: []), .delivered(commands: []), .delivered(commands: []),
        ]
        let outcome = sender.settle(round, answers, narrowed: &narrowed)
        #expect(outcome.delivered == 3)
        #expect(Self.ids(sender) == ["1", "3"])
        #expect(sender.state.withLock { $0.removedFromFront } == 0)
        #expect(Self.round(sender, lanes: 4, limit: 1).map { $0.events.map(\.eventId) } == [["1"]])
    }

    @Test("batches delivered behind a held one leave the queue; the held one stays at its head")
    func deliveredBehindAHeldBatch() {
        let sender = Self.sender()
        sender.enqueue((1...5).map { Self.event("vm\($0)", $0) })
        let round = Self.round(sender, lanes: 4, limit: 1)
        #expect(round.count == 4)
        var narrowed: (limit: Int, events: Int)? = nil
        let answers: [ListenerAnswer] = [
            .delivered(commands: []), .retry(reason: "503"), .delivered(commands: []), .delivered(commands: []),
        ]
        let outcome = sender.settle(round, answers, narrowed: &narrowed)
        #expect(outcome.delivered == 3)
        #expect(outcome.retry?.reason == "503")
        #expect(Self.ids(sender) == ["2", "5"])
        #expect(sender.state.withLock { $0.removedFromFront } == 1)
        let next = Self.round(sender, lanes: 4, limit: 1)
        #expect(next.map { $0.events.map(\.eventId) } == [["2"], ["5"]])
        #expect(next.map(\.start) == [1, 2])
    }

    @Test("a full queue that dropped a round's front while it was in flight does not make it remove the wrong events")
    func frontDroppedWhileInFlight() {
        let sender = Self.sender(queueSize: 4)
        sender.enqueue((1...4).map { Self.event("vm\($0)", $0) })
        let round = Self.round(sender, lanes: 3, limit: 1)
        // two more events while the round is out: the two oldest (1 and 2) are dropped
        sender.enqueue([Self.event("vm5", 5), Self.event("vm6", 6)])
        #expect(Self.ids(sender) == ["3", "4", "5", "6"])
        var narrowed: (limit: Int, events: Int)? = nil
        let answers: [ListenerAnswer] = [.retry(reason: "503"), .delivered(commands: []), .delivered(commands: [])]
        let outcome = sender.settle(round, answers, narrowed: &narrowed)
        #expect(outcome.delivered == 2)
        #expect(Self.ids(sender) == ["4", "5", "6"], "3 was delivered; 1 and 2 were already dropped")
    }
}
