import CurlClient
import Foundation
import JSON
import JSONSchema
import Synchronization
import TestSupport
import Testing
import VESModel

@testable import MockListener

/// Issue 15, M5 and L8: a record line is on the disk before the answer, whole or not at all.
@Suite("Record durability: no torn line, 503 on a failing disk, files not followed through links")
struct RecordDurabilityTests {
    static func draft(eventId: String) throws -> EventRecord {
        let event = try JSONParser().parse(SampleEvents.fault(eventId: eventId))
        return EventRecord(
            kind: .event,
            path: "/eventListener/v1",
            route: nil,
            status: 202,
            errors: [],
            warnings: [],
            event: event,
            raw: nil
        )
    }

    /// A new folder in the temporary directory.
    static func temporaryDirectory(_ name: String) throws -> String {
        let directory = RecordAndReportTests.temporaryPath(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a record file that cannot be written (/dev/full) answers 503 and keeps nothing; the listener goes on")
    func diskFull() async throws {
        let (_, summary) = try await ListenerHarness.run(configure: { $0.recordPath = "/dev/full" }) { harness in
            for _ in 0..<3 {
                let response = try await harness.post(
                    "/eventListener/v1",
                    json: SampleEvents.body(SampleEvents.fault())
                )
                #expect(response.status == 503)
                #expect(response.requestError?.messageId == "SVC1000")
            }
            #expect(try await harness.post("/eventListener/v1", json: "garbage").status == 503)
            #expect(try await harness.records().isEmpty)
            #expect(try await harness.get("/healthz").status == 200)
        }
        #expect(summary == ListenerSummary(events: 0, valid: 0, invalid: 0, rejected: 0))
    }

    @Test("a commandList taken for a 202 that became a 503 (the record could not be written) rides the next 202")
    func commandListSurvivesFailedWrite() async throws {
        try await ListenerHarness.run(configure: { $0.recordPath = "/dev/full" }) { harness in
            let commands =
                #"{"commandList": [{"command": {"commandType": "measurementIntervalChange", "measurementInterval": 60}}]}"#
            #expect(try await harness.post("/testControl/v1/commandList", json: commands).status == 200)
            let failed = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(failed.status == 503)
            #expect(failed.json?["commandList"] == nil)
            // the disk is back
            let path = RecordAndReportTests.temporaryPath("commandlist-retry.jsonl")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let file = try RecordFile(path: path, fsyncEachWrite: false)
            harness.listener.store.intake.withLock { $0.file = file }
            let retried = try await harness.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault()))
            #expect(retried.status == 202)
            let list = try #require(retried.json?["commandList"]?.arrayValue)
            #expect(list.first?["command"]?["measurementInterval"] == .integer(60))
            #expect(harness.listener.control.hasCommandList == false)
        }
    }

    @Test("after a failed write the retry is taken as new: same sequence number, no 'eventId already sent'")
    func failedWriteChangesNothing() throws {
        let store = try RecordStore(recordPath: "/dev/full")
        #expect(throws: ListenerError.self) { try store.append([try Self.draft(eventId: "7")]) }
        let path = RecordAndReportTests.temporaryPath("retry.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RecordFile(path: path, fsyncEachWrite: true)
        store.intake.withLock { $0.file = file }
        let stored = try store.append([try Self.draft(eventId: "7")])
        #expect(stored.first?.seq == 1)
        #expect(stored.first?.warnings.isEmpty == true)
        // a real repeat still gets the warning
        let again = try store.append([try Self.draft(eventId: "7")])
        #expect(again.first?.warnings.contains { $0.message.contains("already sent") } == true)
        _ = try store.finish(junitPath: nil)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
    }

    @Test("a disk that fills mid-line (a file size limit) leaves whole lines only, and every 202 has its line")
    func fileSizeLimit() async throws {
        let directory = try Self.temporaryDirectory("fsize")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = directory + "/record.jsonl"
        // 16 blocks of 512 bytes; SIGXFSZ ignored, so a write past the limit fails (EFBIG) instead of killing
        let listener = try ShellProgram(
            "trap '' XFSZ; ulimit -f 16; exec '\(RunningProgram.binary("ves-listener").path)' --port 0 "
                + "--record '\(record)' --fsync --log-level critical"
        )
        defer { listener.stop() }
        let base = try await listener.baseURL()
        let client = CurlClient(configuration: CurlClientConfiguration(timeout: 20))
        var statuses: [Int] = []
        for index in 0..<40 {
            let body = SampleEvents.body(SampleEvents.fault(eventId: "f\(index)"))
            let response = try await client.send(
                CurlRequest(
                    url: base + "/eventListener/v1",
                    headers: [("Content-Type", "application/json")],
                    body: Array(body.utf8)
                )
            )
            statuses.append(response.status)
        }
        let accepted = statuses.count { $0 == 202 }
        #expect(accepted > 0 && accepted < 40)
        #expect(Set(statuses) == [202, 503])
        #expect(try await client.send(CurlRequest(method: "GET", url: base + "/healthz")).status == 200)
        let text = try String(contentsOfFile: record, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == accepted)
        for line in lines { #expect(throws: Never.self) { try JSONParser().parse(String(line)) } }
    }

    @Test("record and JUnit paths that are symbolic links are not written through")
    func symbolicLinks() async throws {
        let directory = try Self.temporaryDirectory("links")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/precious.txt"
        try "keep me\n".write(toFile: target, atomically: true, encoding: .utf8)
        let recordLink = directory + "/record.jsonl"
        try FileManager.default.createSymbolicLink(atPath: recordLink, withDestinationPath: target)
        #expect(throws: ListenerError.self) { try RecordStore(recordPath: recordLink) }

        let junitLink = directory + "/junit.xml"
        try FileManager.default.createSymbolicLink(atPath: junitLink, withDestinationPath: target)
        let store = try RecordStore(recordPath: nil)
        try store.append([try Self.draft(eventId: "1")])
        _ = try store.finish(junitPath: junitLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        // the report replaced the link with a file of its own, whole
        let attributes = try FileManager.default.attributesOfItem(atPath: junitLink)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOfFile: junitLink, encoding: .utf8).hasSuffix("</testsuites>\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
