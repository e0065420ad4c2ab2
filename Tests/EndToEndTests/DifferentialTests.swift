import Foundation
import JSON
import MockListener
import TestSupport
import Testing
import VESAgent
import VESModel

/// One trace in one mode, compared with the golden file the reference plugin made for it
/// (`scripts/make-golden.sh`, which runs `seed_oracle.py`).
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let trace: String
    let guestRunning: Bool

    var mode: String { guestRunning ? "guest" : "virt" }
    var testDescription: String { "\(trace) (\(guestRunning ? "GuestRunning" : "virt"))" }
    var tracePath: String { SharedMaterial.fixture("traces/\(trace).jsonl") }
    var goldenPath: String { SharedMaterial.fixture("golden/\(trace).\(mode).jsonl") }
    var logPath: String { SharedMaterial.fixture("golden/\(trace).\(mode).log") }

    static let all: [GoldenCase] = {
        let traces = (try? FileManager.default.contentsOfDirectory(atPath: SharedMaterial.fixture("traces"))) ?? []
        return traces.filter { $0.hasSuffix(".jsonl") }.sorted().flatMap { file in
            let name = String(file.dropLast(".jsonl".count))
            return [GoldenCase(trace: name, guestRunning: false), GoldenCase(trace: name, guestRunning: true)]
        }
    }()

    /// The ticks (µs) at which the reference plugin raised and sent nothing: there the agent sends what it can.
    func crashTicks() throws -> Set<Int64> {
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        var ticks: Set<Int64> = []
        for line in log.split(separator: "\n") where line.hasPrefix("error: event_timer at ") {
            let time = line.dropFirst("error: event_timer at ".count).prefix { $0 != " " }
            if let seconds = Double(time) { ticks.insert(Int64((seconds * 1_000_000).rounded())) }
        }
        return ticks
    }
}

@Suite("The agent's events equal the reference plugin's", .serialized, .needsShared("reference/compare_events.py"))
struct DifferentialTests {
    @Test("trace through agent and listener", arguments: GoldenCase.all)
    func traceThroughAgentAndListener(_ golden: GoldenCase) async throws {
        try #require(PythonRunner.executable != nil, "python3 runs compare_events.py; install python3")
        let crashTicks = try golden.crashTicks()
        let (events, valid, rawEvents) = try await Pipeline.run(agent: { $0.guestRunning = golden.guestRunning }) {
            pipeline in
            try await pipeline.replay([golden.tracePath])
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait {
                $0.queueDepth == 0 && $0.eventsSent + $0.eventsDropped + $0.eventsRejected >= $0.eventsBuilt
            }
            #expect(stats.badDatagrams == 0)
            #expect(stats.eventsDropped == 0)
            await pipeline.waitForEvents(stats.eventsBuilt)
            let records = try pipeline.records
            // the record keeps each event's bytes as sent: the text after "event": up to the record's last brace
            let raw = pipeline.listener.store.lines(matching: RecordFilter(kind: .event)).compactMap {
                line -> String? in
                let text = String(decoding: line, as: UTF8.self)
                guard let start = text.range(of: ",\"event\":") else { return nil }
                return String(text[start.upperBound...].dropLast())
            }
            return (records.compactMap { $0["event"] }, records.filter { $0["valid"] == .bool(true) }.count, raw)
        }
        #expect(valid == events.count, "every event is valid under VES 1.1")

        // Where the plugin raised, the agent sends the event it could build: one measurement event per such tick.
        var excused: [JSONValue] = []
        var compared: [JSONValue] = []
        for event in events {
            let header = event["commonEventHeader"]
            if header?["domain"]?.stringValue == "measurementsForVfScaling",
                let start = header?["startEpochMicrosec"]?.doubleValue,
                crashTicks.contains(Int64(start.rounded()))
            {
                excused.append(event)
            } else {
                compared.append(event)
            }
        }
        #expect(excused.count == crashTicks.count, "one event per tick where the plugin raised")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let actualPath = directory.appendingPathComponent("actual.jsonl").path
        try compared.map { $0.jsonString() + "\n" }.joined().write(
            toFile: actualPath,
            atomically: true,
            encoding: .utf8
        )
        let script = SharedMaterial.path("reference/compare_events.py")
        let run = try #require(
            await offCooperativePool { PythonRunner.run([script, golden.goldenPath, actualPath], input: Data()) }
        )
        #expect(run.status == 0, "compare_events.py: \(run.output)")
        let expectedCount = try String(contentsOfFile: golden.goldenPath, encoding: .utf8).split(separator: "\n").count
        #expect(run.output.hasSuffix("\(expectedCount) matched, 0 differ\n"), "\(run.output)")

        // Byte for byte the plugin's text: Python's json.dumps of the parsed event gives the same bytes back.
        let rawPath = directory.appendingPathComponent("raw.jsonl").path
        try rawEvents.map { $0 + "\n" }.joined().write(toFile: rawPath, atomically: true, encoding: .utf8)
        let check = """
            import json, sys
            lines = [l.rstrip('\\n') for l in open(sys.argv[1])]
            differ = [l for l in lines if json.dumps(json.loads(l)) != l]
            print(len(lines), len(differ), differ[:1])
            """
        let dumps = try #require(await offCooperativePool { PythonRunner.run(["-c", check, rawPath], input: Data()) })
        #expect(
            dumps.output.hasPrefix("\(rawEvents.count) 0 "),
            "events whose text is not json.dumps': \(dumps.output) \(dumps.errors)"
        )
        #expect(rawEvents.count == events.count)
    }
}
