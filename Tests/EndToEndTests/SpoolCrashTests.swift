import Foundation
import MockListener
import Platform
import Replay
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built ves-agent killed with SIGKILL at every step of a spool append, advance and rewrite (the
/// `VES_AGENT_FAULT_POINT` test hook), then started again: no journaled event is lost (review M3). Duplicates are
/// allowed where the journal documents them (a crash after the counter was reset sends passed lines again).
@Suite("Spool crash consistency", .serialized)
struct SpoolCrashTests {
    /// Where the hook kills: in the first run (while events are appended) or in the second (at its start's rewrite,
    /// or while it delivers); `hit` is which time the step is reached; `atLeast` the ids that must arrive.
    struct Case: Sendable, CustomStringConvertible {
        var point: String
        var hit: Int
        var inFirstRun: Bool
        var atLeast: Int
        var description: String { "\(point)@\(hit)" }
    }

    /// A tick of the virt trace appends its three events at once: a kill at the second append keeps the first three.
    static let cases: [Case] = [
        Case(point: "append.partial", hit: 2, inFirstRun: true, atLeast: 3),
        Case(point: "append.written", hit: 2, inFirstRun: true, atLeast: 6),
        Case(point: "append.synced", hit: 2, inFirstRun: true, atLeast: 6),
        Case(point: "rewrite.temp", hit: 1, inFirstRun: false, atLeast: 18),
        Case(point: "rewrite.counter", hit: 1, inFirstRun: false, atLeast: 18),
        Case(point: "rewrite.renamed", hit: 1, inFirstRun: false, atLeast: 18),
        Case(point: "rewrite.done", hit: 1, inFirstRun: false, atLeast: 18),
        Case(point: "advance.counter", hit: 3, inFirstRun: false, atLeast: 18),
        Case(point: "drain.counter", hit: 1, inFirstRun: false, atLeast: 18),
        Case(point: "drain.truncated", hit: 1, inFirstRun: false, atLeast: 18),
    ]

    static func agent(port: Int, spool: String, faultPoint: String?) throws -> RunningProgram {
        try RunningProgram(
            "ves-agent",
            [
                "--port", String(port), "--listen", "127.0.0.1:0", "--clock", "trace", "--hostname", "compute-0",
                "--spool-directory", spool, "--log-level", "critical",
            ],
            environment: faultPoint.map { ["VES_AGENT_FAULT_POINT": $0] } ?? [:]
        )
    }

    /// Waits for the program to end, killing it after `seconds` if it has not; true when it died of SIGKILL by itself.
    static func killedItself(_ program: RunningProgram, within seconds: Int) async throws -> Bool {
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds))
            program.signal(SIGKILL)
            return true
        }
        _ = try await program.finish()
        watchdog.cancel()
        let timedOut = (try? await watchdog.value) ?? false
        return !timedOut && program.process.terminationReason == .uncaughtSignal
            && program.process.terminationStatus == SIGKILL
    }

    static func replayTrace(to line: String?) async throws {
        let text = try #require(line, "the agent printed where it listens")
        let port = try #require(Int(text.split(separator: ":").last ?? ""))
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: port))
        options.speed = nil
        let trace = try LoadedTrace.load(path: SendingTests.virtTrace, typesDB: options.typesDB)
        try await ReplaySession(traces: [trace], options: options, showProgress: false, logger: Pipeline.quietLogger)
            .run()
    }

    /// Asks for the counters until the agent has built `count` events (each answer awaited, with a deadline).
    static func waitUntilBuilt(_ program: RunningProgram, _ count: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            program.signal(SIGUSR1)
            guard let line = try await program.readLine() else { return false }
            if line.contains("\(count) events built") { return true }
        }
        return false
    }

    @Test("a SIGKILL at any spool step loses no journaled event", arguments: cases)
    func aKillAtAnySpoolStepLosesNothing(_ crash: Case) async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let hook = "\(crash.point)@\(crash.hit)"

        // First run: the listener takes the first five events, then answers 503 to everything
        let refusing = try await ListenerProcess.start(port: 0)
        refusing.listener.control.enqueue(fault: InjectedFault(status: 202, count: 5))
        refusing.listener.control.enqueue(fault: InjectedFault(status: 503, count: 1_000_000))
        let first = try Self.agent(
            port: try #require(await refusing.listener.address).port,
            spool: spool,
            faultPoint: crash.inFirstRun ? hook : nil
        )
        try await Self.replayTrace(to: try await first.readLine())
        if crash.inFirstRun {
            #expect(try await Self.killedItself(first, within: 60), "the hook killed the first run at \(hook)")
        } else {
            #expect(try await Self.waitUntilBuilt(first, 18))
            first.signal(SIGKILL)
            _ = try await first.finish()
        }
        let early = Set(SendingTests.eventIds(try refusing.events))
        await refusing.stop()

        // Second run (with the hook when it is not in the first), then a third without it, both delivering
        let listener = try await ListenerProcess.start(port: 0)
        let port = try #require(await listener.listener.address).port
        if !crash.inFirstRun {
            let second = try Self.agent(port: port, spool: spool, faultPoint: hook)
            #expect(try await Self.killedItself(second, within: 60), "the hook killed the second run at \(hook)")
        }
        let last = try Self.agent(port: port, spool: spool, faultPoint: nil)
        _ = try await last.readLine()
        // SIGTERM drains the queue (ShutdownTimeout 5 s) before the agent exits
        last.signal(SIGTERM)
        #expect(try await last.finish().status == 0)

        let arrived = SendingTests.eventIds(try listener.events)
        await listener.stop()
        let distinct = early.union(arrived)
        let highest = distinct.max() ?? 0
        #expect(distinct == Set(1...max(highest, 1)), "no gap: every id up to \(highest) arrived")
        #expect(highest >= crash.atLeast, "every journaled event arrived: \(highest) of at least \(crash.atLeast)")
        #expect(highest <= 18)
        // each run that delivers sends an event at most once: the runs after a kill may send again what the run
        // before had delivered but not yet marked as passed, never twice themselves
        let deliveringRuns = crash.inFirstRun ? 1 : 2
        let timesArrived = Dictionary(arrived.map { ($0, 1) }, uniquingKeysWith: +)
        let repeated = timesArrived.filter { $0.value > deliveringRuns }
        #expect(repeated.isEmpty, "\(hook): ids sent more often than \(deliveringRuns) runs deliver: \(repeated)")
    }
}
