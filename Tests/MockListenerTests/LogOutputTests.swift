import CurlClient
import Foundation
import JSON
import Logging
import TestSupport
import Testing
import VESModel

@testable import MockListener

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Logging that never stalls the listener (issue 15, L6), and text from the network escaped (L5).
@Suite("Log output: bounded, never blocking, escaped")
struct LogOutputTests {
    @Test("ves-listener with a stderr nobody reads answers all of 10,000 invalid events and 300 bad bodies")
    func unreadStandardError() async throws {
        let listener = try ShellProgram(
            "exec '\(RunningProgram.binary("ves-listener").path)' --port 0 --log-level info",
            unreadStandardError: true
        )
        defer { listener.stop() }
        let base = try await listener.baseURL()
        let batch = IntakeLimitTests.zeros(10)
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let client = CurlClient(configuration: CurlClientConfiguration(timeout: 30))
                    var statuses: [Int] = []
                    for index in 0..<325 {
                        let garbage = index < 75
                        let request = CurlRequest(
                            url: base + (garbage ? "/eventListener/v1" : "/eventListener/v1/eventBatch"),
                            headers: [("Content-Type", "application/json")],
                            body: garbage ? Array("not json \(worker)-\(index)".utf8) : batch
                        )
                        statuses.append(try await client.send(request).status)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 1300)
        #expect(statuses.allSatisfy { $0 == 400 })
        let stats = try await CurlClient().send(CurlRequest(method: "GET", url: base + "/testControl/v1/stats"))
        let json = try JSONParser().parse(stats.body)
        #expect(json["invalid"] == .integer(10_000))
        #expect(json["rejected"] == .integer(300))
    }

    @Test("a queue to a pipe nobody reads drops and counts lines instead of blocking, and reports them later")
    func queueDropsWhenStuck() async throws {
        // both ends stay open: the queue's writer thread lives on and must not write into a closed pipe
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let queue = LogLineQueue(descriptor: ends[1])
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        // Lines go on being queued until some are dropped: the writer blocks once the pipe is full, and the queue
        // then fills. How many lines that takes depends on when the writer thread first ran (it takes the count of
        // what was dropped so far with each batch it writes), so the loop stops at the first drop it sees.
        let started = ContinuousClock.now
        var enqueued = 0
        while queue.droppedCount == 0 && enqueued < 1_000_000 {
            queue.enqueue(line)
            enqueued += 1
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(queue.droppedCount > 0, "\(enqueued) lines queued to a pipe nobody reads, none dropped")
        // once the output is read again, the count of what was dropped is written
        let reader = ends[0]
        let text = try await offCooperativePool { () -> String in
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += buffer[..<count]
                if String(decoding: received.suffix(200_000), as: UTF8.self).contains("log lines dropped") { break }
            }
            return String(decoding: received.suffix(200_000), as: UTF8.self)
        }
        #expect(text.contains("log lines dropped: the log output was not read fast enough"))
    }

    @Test("control characters from the network are escaped in the shutdown report and in log lines")
    func controlCharactersEscaped() async throws {
        let event = SampleEvents.fault(eventId: #"\u001b[2J\u001b[31mX"#, source: #"evil\nINFO forged"#)
            .replacingFirst(#""domain": "fault""#, with: #""domain": "fault\r\u0007""#)
        let (lines, _) = try await ListenerHarness.run { (harness: ListenerHarness) async throws -> [String] in
            let response = try await harness.post("/eventListener/v1", json: SampleEvents.body(event))
            #expect(response.status == 400)
            return harness.listener.store.failureLines()
        }
        let line = try #require(lines.first)
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(line.contains(#"\x1b[2J"#))
        #expect(line.contains(#"evil\x0aINFO forged"#))
        #expect(ControlCharacters.escaped("a\u{202E}b\u{85}c") == #"a\u202eb\x85c"#)
    }

    @Test("a queued log handler writes one line per entry, its control characters escaped")
    func handlerLine() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let queue = LogLineQueue(descriptor: ends[1])
        var handler = QueuedLogHandler(label: "test", queue: queue)
        handler.logLevel = .info
        handler.log(
            event: LogEvent(
                level: .info,
                message: "two\nlines",
                metadata: ["path": "/a\u{1B}[31m"],
                source: "test",
                file: #fileID,
                function: #function,
                line: #line
            )
        )
        #expect(queue.drain(timeout: .seconds(10)))
        let reader = ends[0]
        let text = try await offCooperativePool { () -> String in
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
            return String(decoding: buffer[..<max(0, count)], as: UTF8.self)
        }
        #expect(text.hasSuffix("info test: two\\x0alines path=/a\\x1b[31m\n"))
        #expect(text.split(separator: "\n").count == 1)
    }
}
