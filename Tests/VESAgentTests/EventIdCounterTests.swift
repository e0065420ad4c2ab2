import Foundation
import Logging
import Testing

@testable import VESAgent

/// The eventId counter kept in a spool directory: reserved ahead, so even a killed run's ids are not reused.
@Suite("eventId counter")
struct EventIdCounterTests {
    static let logger = Logger(label: "test")

    static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    @Test("a fresh counter starts at 1 with no tag") func aFreshCounterStartsAtOne() throws {
        try Self.withDirectory { directory in
            let counter = try EventIdCounter.forRun(spoolDirectory: directory, startSeconds: 1e9, logger: Self.logger)
            #expect(counter.take() == 1)
            #expect(counter.take() == 2)
            #expect(counter.tagged("measurement000001") == "measurement000001")
        }
    }

    @Test("a run killed past a reserved block leaves its ids behind") func aKilledRunLeavesItsIdsBehind() throws {
        try Self.withDirectory { directory in
            let first = try EventIdCounter.forRun(spoolDirectory: directory, startSeconds: 1e9, logger: Self.logger)
            var last: UInt64 = 0
            // past one reserved block: the reservation moves ahead as ids are taken
            for _ in 0..<(EventIdCounter.block + 10) { last = first.take() }
            // no graceful end: the next run reads what the last reservation wrote
            let second = try EventIdCounter.forRun(spoolDirectory: directory, startSeconds: 1e9, logger: Self.logger)
            #expect(second.take() > last)
            #expect(second.tagged("fault000001") == "r2-fault000001")
            // a mapping file's own counter goes on from where the counter is
            second.issued(through: 5000)
            let third = try EventIdCounter.forRun(spoolDirectory: directory, startSeconds: 1e9, logger: Self.logger)
            #expect(third.take() > 5000)
        }
    }

    @Test("a counter file that is not one is an error naming the file") func aBadCounterFileIsAnError() throws {
        try Self.withDirectory { directory in
            try "next -5\nrun x\n".write(toFile: EventIdCounter.path(in: directory), atomically: true, encoding: .utf8)
            #expect {
                _ = try EventIdCounter.forRun(spoolDirectory: directory, startSeconds: 1e9, logger: Self.logger)
            } throws: { error in
                (error as? AgentError)?.message.contains("ves-agent.eventids") == true
            }
        }
    }

    @Test("without a spool directory the tag is the start time") func withoutASpoolTheTagIsTheStartTime() throws {
        let counter = try EventIdCounter.forRun(
            spoolDirectory: nil,
            startSeconds: 1_796_000_000.123,
            logger: Self.logger
        )
        #expect(counter.take() == 1)
        #expect(counter.tagged("heartbeat000001") == "t1796000000123-heartbeat000001")
        let hostile = try EventIdCounter.forRun(spoolDirectory: nil, startSeconds: .infinity, logger: Self.logger)
        #expect(hostile.tagged("x") == "t0-x")
    }
}
