import Foundation
import MockListener
import Platform
import Replay
import TestSupport
import Testing
import VESAgent
import VESModel

#if canImport(Glibc)
    import Glibc
#endif

/// The built `ves-agent` program, as operators and scripts use it.
@Suite("ves-agent executable", .serialized)
struct AgentExecutableTests {
    @Test("print config shows precedence and masks the password") func printConfigShowsPrecedenceAndMasksThePassword()
        async throws
    {
        let file = try TemporaryFile.write(
            "<Plugin ves_plugin>\n  Port 8080\n  Topic \"t\"\n  Password \"from-file\"\n</Plugin>\n"
        )
        defer { try? FileManager.default.removeItem(atPath: file) }
        let program = try RunningProgram(
            "ves-agent",
            ["--config", file, "--port", "9090", "--guest-running", "--print-config"],
            environment: ["VES_PORT": "7070", "VES_DOMAIN": "listener.example", "VES_PASSWORD": "from-env"]
        )
        let run = try await program.finish()
        #expect(run.status == 0)
        let lines = run.rest.split(separator: "\n").map(String.init)
        #expect(lines.contains("Port 9090"))
        #expect(lines.contains("Domain \"listener.example\""))
        #expect(lines.contains("Topic \"t\""))
        #expect(lines.contains("GuestRunning true"))
        #expect(lines.contains("Password \"********\""))
        #expect(!run.rest.contains("from-env") && !run.rest.contains("from-file"))
    }

    @Test("bad key or value stops start up naming the key") func badKeyOrValueStopsStartUpNamingTheKey() async throws {
        let file = try TemporaryFile.write("SendEventIntervall 20\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let unknown = try await RunningProgram("ves-agent", ["--config", file]).finish()
        #expect(unknown.status == 64)
        #expect(unknown.errors.contains("Key 'SendEventIntervall' name is invalid"))
        let badValue = try await RunningProgram("ves-agent", ["--clock", "sundial"]).finish()
        #expect(badValue.status == 64)
        #expect(badValue.errors.contains("Key 'Clock' (--clock) value 'sundial' should be wall or trace"))
        let missing = try await RunningProgram("ves-agent", ["--config", "/nonexistent.conf"]).finish()
        #expect(missing.status == 64)
        #expect(missing.errors.contains("/nonexistent.conf"))
    }

    @Test("a port in use is a clear error not a shared port") func aPortInUseIsAClearErrorNotASharedPort() async throws
    {
        let first = try RunningProgram("ves-agent", ["--listen", "127.0.0.1:0", "--log-level", "warning"])
        let line = try #require(try await first.readLine())
        let address = try #require(line.split(separator: " ").last.map(String.init))
        let second = try await RunningProgram(
            "ves-agent",
            ["--listen", String(address.dropFirst("udp://".count))]
        ).finish()
        #expect(second.status == 2)
        #expect(second.errors.contains("cannot listen on \(address)"))
        first.signal(SIGTERM)
        #expect(try await first.finish().status == 0)
    }

    @Test("a killed agents queue is sent by the next start") func aKilledAgentsQueueIsSentByTheNextStart() async throws
    {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        func agent(port: Int) throws -> RunningProgram {
            try RunningProgram(
                "ves-agent",
                [
                    "--port", String(port), "--listen", "127.0.0.1:0", "--clock", "trace", "--hostname", "compute-0",
                    "--spool-directory", spool, "--log-level", "critical",
                ]
            )
        }
        // A listener that refuses everything: the events stay queued, and spooled as they are queued.
        let refusing = try await ListenerProcess.start(port: 0)
        refusing.listener.control.enqueue(fault: InjectedFault(status: 503, count: 1_000_000))
        let first = try agent(port: try #require(await refusing.listener.address).port)
        let line = try #require(try await first.readLine())
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: port))
        options.speed = nil
        let trace = try LoadedTrace.load(path: SendingTests.virtTrace, typesDB: options.typesDB)
        try await ReplaySession(traces: [trace], options: options, showProgress: false, logger: Pipeline.quietLogger)
            .run()
        // 18 events are built before the last tick, which a killed agent never makes; ask for the counters until
        // the agent has built them all (each answer is awaited), with a deadline for a stuck agent
        var built = ""
        let deadline = ContinuousClock.now + .seconds(120)
        while !built.contains("18 events built"), ContinuousClock.now < deadline {
            first.signal(SIGUSR1)
            guard let line = try await first.readLine() else { break }
            built = line
        }
        #expect(built.contains("18 events built, 0 sent"))
        first.signal(SIGKILL)
        _ = try await first.finish()
        await refusing.stop()

        let listener = try await ListenerProcess.start(port: 0)
        let second = try agent(port: try #require(await listener.listener.address).port)
        _ = try await second.readLine()
        await listener.waitForEvents(18)
        #expect(SendingTests.eventIds(try listener.events) == Array(1...18), "nothing the killed agent queued is lost")
        second.signal(SIGTERM)
        #expect(try await second.finish().status == 0)
        await listener.stop()
    }

    @Test("runs reports stats on SIGUSR1 and stops on SIGTERM") func runsReportsStatsOnSIGUSR1AndStopsOnSIGTERM()
        async throws
    {
        let listener = try await ListenerProcess.start(port: 0)
        let listenerPort = try #require(await listener.listener.address).port
        let program = try RunningProgram(
            "ves-agent",
            [
                "--port", String(listenerPort), "--listen", "127.0.0.1:0", "--clock", "trace", "--hostname",
                "compute-0",
                "--print-stats", "--log-level", "warning",
            ],
            environment: ["VES_PASSWORD": "never-printed"]
        )
        let first = try #require(try await program.readLine())
        #expect(first.hasPrefix("listening on udp://127.0.0.1:"))
        let port = try #require(Int(first.split(separator: ":").last ?? ""))
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: port))
        options.speed = nil
        let trace = try LoadedTrace.load(path: SendingTests.virtTrace, typesDB: options.typesDB)
        let session = ReplaySession(
            traces: [trace],
            options: options,
            showProgress: false,
            logger: Pipeline.quietLogger
        )
        try await session.run()
        await listener.waitForEvents(18)
        program.signal(SIGUSR1)
        let statsLine = try #require(try await program.readLine())
        #expect(statsLine.hasPrefix("received "))
        #expect(statsLine.contains(" datagrams (0 bad), 429 value lists, 0 notifications; 33 series"))
        program.signal(SIGTERM)
        let run = try await program.finish()
        #expect(run.status == 0)
        #expect(run.rest.contains("21 events built, 21 sent"), "the last tick at shutdown: \(run.rest)")
        #expect(!run.errors.contains("never-printed"))
        await listener.waitForEvents(SendingTests.virtEventCount)
        await listener.stop()
    }
}
