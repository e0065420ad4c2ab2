import Foundation
import JSON
import JSONSchema
import Testing

@testable import MockListener

/// 7.2.1-shaped events whose epochs, versions and fault fields each test sets, for the semantic rules.
enum SemanticEvents {
    static let start: Int64 = 1_764_030_000_000_000

    static func header(
        _ domain: String,
        _ eventId: String,
        source: String = "du-1",
        sequence: Int = 0,
        start: Int64 = start,
        last: Int64? = nil,
        listenerVersion: String = "7.2.1",
        timeZone: String = "UTC+01:00"
    ) -> String {
        """
        {"domain": "\(domain)", "eventId": "\(eventId)", "eventName": "\(domain)_lab", "sequence": \(sequence), \
        "priority": "Normal", "reportingEntityName": "ems-1", "sourceName": "\(source)", \
        "startEpochMicrosec": \(start), "lastEpochMicrosec": \(last ?? start + 1_000_000), "version": "4.1", \
        "vesEventListenerVersion": "\(listenerVersion)", "timeZoneOffset": "\(timeZone)"}
        """
    }

    static func fault(
        _ eventId: String,
        source: String = "du-1",
        condition: String = "linkDown",
        severity: String = "MAJOR",
        sequence: Int = 0,
        start: Int64 = start
    ) -> String {
        """
        {"commonEventHeader": \(header("fault", eventId, source: source, sequence: sequence, start: start)), \
        "faultFields": {"faultFieldsVersion": "4.0", "alarmCondition": "\(condition)", \
        "eventSeverity": "\(severity)", "eventSourceType": "port", "specificProblem": "eth1 down", \
        "vfStatus": "Active"}}
        """
    }

    static func heartbeat(header: String) -> String {
        """
        {"commonEventHeader": \(header), \
        "heartbeatFields": {"heartbeatFieldsVersion": "3.0", "heartbeatInterval": 60}}
        """
    }

    static func heartbeat(_ eventId: String, sequence: Int = 0, start: Int64 = start, last: Int64? = nil) -> String {
        heartbeat(header: header("heartbeat", eventId, sequence: sequence, start: start, last: last))
    }

    /// `interval` is written as given, so a test can send one out of range.
    static func measurement(
        _ eventId: String,
        source: String = "du-1",
        start: Int64 = start,
        last: Int64? = nil,
        interval: String = "60"
    ) -> String {
        """
        {"commonEventHeader": \(header("measurement", eventId, source: source, start: start, last: last)), \
        "measurementFields": {"measurementFieldsVersion": "4.0", "measurementInterval": \(interval)}}
        """
    }

    static func body(_ event: String) -> String { "{\"event\": \(event)}" }
}

/// One checker fed events as text on one route's version.
struct CheckerRun {
    var checker = SemanticChecker()
    var version: String

    init(_ version: String = "v7") {
        self.version = version
    }

    mutating func check(_ event: String, pointer: String = "") throws -> [Violation] {
        checker.check(try JSONParser().parse(event), pointer: pointer, apiVersion: version)
    }

    /// The warnings at the member named `field` (the pointer's last token).
    mutating func check(_ event: String, at field: String) throws -> [Violation] {
        try check(event).filter { $0.pointer.hasSuffix("/" + field) }
    }
}

@Suite("Semantic checks of the 5.x and 7.x listener routes")
struct SemanticChecksV7Tests {
    typealias Events = SemanticEvents

    @Test("a different event repeating an eventId of its source warns, with pointer, keyword and both facts")
    func repeatedEventId() throws {
        var run = CheckerRun()
        #expect(try run.check(Events.heartbeat("h-1", start: Events.start)).isEmpty)
        let warnings = try run.check(Events.heartbeat("h-1", start: Events.start + 60_000_000), at: "eventId")
        let warning = try #require(warnings.first)
        #expect(warning.pointer == "/commonEventHeader/eventId")
        #expect(warning.keyword == "semantic")
        #expect(warning.message.contains("eventId 'h-1' was already sent by source 'du-1'"))
        #expect(warning.message.contains("expected a new eventId"))
        // the same eventId from another source is that source's own
        let other = Events.heartbeat(header: Events.header("heartbeat", "h-1", source: "du-2"))
        #expect(try run.check(other, at: "eventId").isEmpty)
    }

    @Test("7.2.1 Rule 1: the same event sent again is a copy; on v5 and v1 it still warns")
    func resentCopy() throws {
        var v7 = CheckerRun()
        let measurement = Events.measurement("m-1")
        #expect(try v7.check(measurement).isEmpty)
        // a copy is neither a repeated eventId nor a second measurement of the period
        #expect(try v7.check(measurement).isEmpty)
        // members in another order are still the same event
        let reordered = try JSONParser().parse(measurement).jsonString(sortedKeys: true)
        #expect(try v7.check(reordered).isEmpty)
        for version in ["v5", "v1"] {
            var strict = CheckerRun(version)
            _ = try strict.check(measurement)
            #expect(try strict.check(measurement, at: "eventId").count == 1, "\(version)")
        }
    }

    @Test("7.2.1 Rule 2: one fault's raise, re-raise and clear share an eventId; another alarmCondition may not")
    func faultSharesEventId() throws {
        var run = CheckerRun()
        #expect(try run.check(Events.fault("f-1", sequence: 1)).isEmpty)
        #expect(try run.check(Events.fault("f-1", severity: "CRITICAL", sequence: 2)).isEmpty)
        #expect(try run.check(Events.fault("f-1", severity: "NORMAL", sequence: 3)).isEmpty)
        // Rule 2 b: raised again after the clear with the same eventId, its sequence 0 on a raise again
        #expect(try run.check(Events.fault("f-1", sequence: 0)).isEmpty)
        let other = try run.check(Events.fault("f-1", condition: "powerLoss", sequence: 4), at: "eventId")
        #expect(other.count == 1)
        #expect(other.first?.message.contains("for alarmCondition 'linkDown', now for 'powerLoss'") == true)
        // a non-fault event may not take a fault's eventId either
        let heartbeat = try run.check(Events.heartbeat("f-1"), at: "eventId")
        #expect(heartbeat.first?.message.contains("a fault of alarmCondition") == true)
        // 5.4.1 has no such use case: its eventIds are unique per source
        var v5 = CheckerRun("v5")
        _ = try v5.check(Events.fault("f-1", sequence: 1))
        #expect(try v5.check(Events.fault("f-1", severity: "NORMAL", sequence: 2), at: "eventId").count == 1)
    }

    @Test("7.2.1 Example 3: numbering started over after a restart is taken as a new run, a stuck eventId is not")
    func restartedNumbering() throws {
        var run = CheckerRun()
        for (index, eventId) in ["1", "2", "3"].enumerated() {
            #expect(try run.check(Events.heartbeat(eventId, start: Events.start + Int64(index) * 60_000_000)).isEmpty)
        }
        // the source restarted and counts from its first eventId again, later in time
        for (index, eventId) in ["1", "2", "3"].enumerated() {
            let later = Events.start + Int64(10 + index) * 60_000_000
            #expect(try run.check(Events.heartbeat(eventId, start: later), at: "eventId").isEmpty, "\(eventId)")
        }
        // a repeat inside the new run still warns
        #expect(try run.check(Events.heartbeat("2", start: Events.start + 3_600_000_000), at: "eventId").count == 1)
        // a source that never moves on from one eventId has not restarted
        var stuck = CheckerRun()
        _ = try stuck.check(Events.heartbeat("x", start: Events.start))
        #expect(try stuck.check(Events.heartbeat("x", start: Events.start + 60_000_000), at: "eventId").count == 1)
    }

    @Test("sequence going back warns; v7 faults count per fault, and a raise after its clear starts again")
    func sequenceGoingBack() throws {
        var run = CheckerRun()
        _ = try run.check(Events.heartbeat("h-1", sequence: 5))
        let back = try run.check(Events.heartbeat("h-2", sequence: 4), at: "sequence")
        #expect(back.first?.message.contains("sequence 4 goes back (last was 5") == true)
        #expect(back.first?.pointer == "/commonEventHeader/sequence")
        #expect(try run.check(Events.heartbeat("h-3", sequence: 5), at: "sequence").isEmpty)
        // two faults open at once, each counting from 1
        _ = try run.check(Events.fault("a", condition: "linkDown", sequence: 1))
        _ = try run.check(Events.fault("a", condition: "linkDown", sequence: 2))
        #expect(try run.check(Events.fault("b", condition: "fanFail", sequence: 1), at: "sequence").isEmpty)
        let faultBack = try run.check(Events.fault("a", condition: "linkDown", sequence: 1), at: "sequence")
        #expect(faultBack.first?.message.contains("fault eventId 'a'") == true)
        // on v5 faults count per source and domain, as they always did
        var v5 = CheckerRun("v5")
        _ = try v5.check(Events.fault("a", sequence: 2))
        #expect(try v5.check(Events.fault("b", condition: "fanFail", sequence: 1), at: "sequence").count == 1)
    }

    @Test("epochs not in microseconds warn; 7.2.1's no-clock 0 does not; lastEpochMicrosec is checked on v5 and v7")
    func epochUnits() throws {
        var run = CheckerRun()
        let seconds = try run.check(Events.heartbeat("s", start: 1_764_030_000, last: 1_764_030_001))
        #expect(seconds.contains { $0.pointer.hasSuffix("/startEpochMicrosec") && $0.message.contains("seconds") })
        #expect(seconds.contains { $0.pointer.hasSuffix("/lastEpochMicrosec") && $0.message.contains("seconds") })
        #expect(try run.check(Events.heartbeat("z", start: 0), at: "startEpochMicrosec").isEmpty)
        #expect(try run.check(Events.heartbeat("ok")).isEmpty)
        let milliseconds = Events.heartbeat("ms", last: 1_764_030_001_000)
        var v5 = CheckerRun("v5")
        #expect(try v5.check(milliseconds, at: "lastEpochMicrosec").contains { $0.message.contains("milliseconds") })
        // 1.1 keeps its checks: 0 is not a time, and lastEpochMicrosec is only compared with the start
        var v1 = CheckerRun("v1")
        #expect(try v1.check(Events.heartbeat("z", start: 0), at: "startEpochMicrosec").count == 1)
        #expect(try v1.check(milliseconds).allSatisfy { !$0.message.contains("milliseconds") })
    }

    @Test("lastEpochMicrosec before startEpochMicrosec warns; equal or after does not")
    func lastBeforeStart() throws {
        var run = CheckerRun()
        let before = try run.check(Events.heartbeat("b", last: Events.start - 1), at: "lastEpochMicrosec")
        #expect(before.first?.message.contains("is before startEpochMicrosec \(Events.start)") == true)
        #expect(try run.check(Events.heartbeat("e", last: Events.start), at: "lastEpochMicrosec").isEmpty)
        #expect(try run.check(Events.heartbeat("a", last: Events.start + 1), at: "lastEpochMicrosec").isEmpty)
    }

    @Test("a second measurement event of a source for one period warns; the next period, jitter or another source not")
    func oneMeasurementPerPeriod() throws {
        var run = CheckerRun()
        let minute: Int64 = 60_000_000
        #expect(try run.check(Events.measurement("m-1")).isEmpty)
        let second = try run.check(Events.measurement("m-2"), at: "startEpochMicrosec")
        let warning = try #require(second.first)
        #expect(warning.message.contains("second measurement event from source 'du-1'"))
        #expect(warning.message.contains("of eventId 'm-1'"))
        #expect(warning.message.contains("2025-11-25T00:20:00.000Z to 2025-11-25T00:21:00.000Z"))
        // the next period, one that starts a little early, and another source's same period
        #expect(try run.check(Events.measurement("m-3", start: Events.start + minute)).isEmpty)
        #expect(try run.check(Events.measurement("m-4", start: Events.start + 2 * minute - 1_000_000)).isEmpty)
        #expect(try run.check(Events.measurement("m-5", source: "du-2")).isEmpty)
        // a 15-minute period holding the 1-minute ones already sent
        #expect(try run.check(Events.measurement("m-6", interval: "900"), at: "startEpochMicrosec").count == 1)
        // without a usable interval the window ends at lastEpochMicrosec
        let late = Events.start + 20 * minute
        _ = try run.check(Events.measurement("m-7", start: late, last: late + minute, interval: "0"))
        let window = Events.measurement("m-8", start: late, last: late + minute, interval: "1e300")
        #expect(try run.check(window, at: "startEpochMicrosec").count == 1)
        // 5.4.1 has no such rule
        var v5 = CheckerRun("v5")
        _ = try v5.check(Events.measurement("m-1"))
        #expect(try v5.check(Events.measurement("m-2"), at: "startEpochMicrosec").isEmpty)
    }

    @Test("a fault clear with no raise of its alarmCondition and source open warns; a raised one's clear does not")
    func clearWithoutRaise() throws {
        var run = CheckerRun()
        let lone = try run.check(Events.fault("c-1", severity: "NORMAL"), at: "eventSeverity")
        let warning = try #require(lone.first)
        #expect(warning.pointer == "/faultFields/eventSeverity")
        #expect(warning.keyword == "semantic")
        #expect(warning.message.contains("alarmCondition 'linkDown' from source 'du-1' with no earlier raise"))
        _ = try run.check(Events.fault("r-1", condition: "fanFail", severity: "MINOR"))
        #expect(try run.check(Events.fault("r-1", condition: "fanFail", severity: "NORMAL", sequence: 1)).isEmpty)
        // cleared twice: the second clears nothing; the same clear sent again is a copy
        let twice = try run.check(Events.fault("r-2", condition: "fanFail", severity: "NORMAL"), at: "eventSeverity")
        #expect(twice.first?.message.contains("already cleared") == true)
        #expect(try run.check(Events.fault("r-2", condition: "fanFail", severity: "NORMAL")).isEmpty)
        // another source's raise does not count
        _ = try run.check(Events.fault("p-1", source: "du-2", condition: "powerLoss"))
        #expect(try run.check(Events.fault("p-2", condition: "powerLoss", severity: "NORMAL")).count == 1)
        // 5.4.1 does not say NORMAL is a clear
        var v5 = CheckerRun("v5")
        #expect(try v5.check(Events.fault("c-1", severity: "NORMAL")).isEmpty)
    }

    @Test("vesEventListenerVersion must name the route's major version")
    func listenerVersion() throws {
        var run = CheckerRun()
        for (index, version) in ["7.2.1", "7.1", "7"].enumerated() {
            let event = Events.heartbeat(header: Events.header("heartbeat", "v\(index)", listenerVersion: version))
            #expect(try run.check(event).isEmpty, "\(version)")
        }
        let old = Events.heartbeat(header: Events.header("heartbeat", "old", listenerVersion: "5.4.1"))
        let warning = try #require(try run.check(old, at: "vesEventListenerVersion").first)
        #expect(warning.pointer == "/commonEventHeader/vesEventListenerVersion")
        #expect(warning.message.contains("'5.4.1' is major version 5, but the event was posted to /eventListener/v7"))
        for (index, version) in ["7.x", "", "v7.2", "7.2.1.0", "77777.1"].enumerated() {
            let event = Events.heartbeat(header: Events.header("heartbeat", "bad\(index)", listenerVersion: version))
            #expect(try run.check(event, at: "vesEventListenerVersion").count == 1, "\(version)")
        }
        // 5.4.1 has no vesEventListenerVersion
        var v5 = CheckerRun("v5")
        #expect(try v5.check(old, at: "vesEventListenerVersion").isEmpty)
    }

    @Test("timeZoneOffset must read UTC+hh:mm or UTC-hh:mm with a real offset")
    func timeZoneOffset() throws {
        var run = CheckerRun()
        for (index, offset) in ["UTC+01:00", "UTC-05:30", "UTC+14:00", "UTC-12:00", "UTC+00:00"].enumerated() {
            let event = Events.heartbeat(header: Events.header("heartbeat", "t\(index)", timeZone: offset))
            #expect(try run.check(event).isEmpty, "\(offset)")
        }
        let malformed = ["+01:00", "UTC+1:00", "GMT+01:00", "UTC", "utc+01:00", "UTC+0100", "UTC+\u{661}1:00"]
        for (index, offset) in malformed.enumerated() {
            let event = Events.heartbeat(header: Events.header("heartbeat", "m\(index)", timeZone: offset))
            let warnings = try run.check(event, at: "timeZoneOffset")
            #expect(
                warnings.first?.message.contains("is not of the form 'UTC+hh:mm' or 'UTC-hh:mm'") == true,
                "\(offset)"
            )
        }
        for (index, offset) in ["UTC+15:00", "UTC-01:60"].enumerated() {
            let event = Events.heartbeat(header: Events.header("heartbeat", "r\(index)", timeZone: offset))
            #expect(try run.check(event, at: "timeZoneOffset").first?.message.contains("out of range") == true)
        }
        var v5 = CheckerRun("v5")
        let event = Events.heartbeat(header: Events.header("heartbeat", "x", timeZone: "+01:00"))
        #expect(try v5.check(event, at: "timeZoneOffset").isEmpty)
    }

    @Test("warnings carry the record's pointer prefix, such as a batch item's")
    func pointerPrefix() throws {
        var run = CheckerRun()
        let warnings = try run.check(Events.fault("c-9", severity: "NORMAL"), pointer: "/eventList/2")
        #expect(warnings.map(\.pointer) == ["/eventList/2/faultFields/eventSeverity"])
    }

    @Test("remembered state is bounded: oldest forgotten, long names kept short and apart")
    func boundedState() throws {
        var memory = SemanticMemory<Int, Int>(capacity: 100)
        for key in 0..<10_000 { memory.set(key, for: key) }
        #expect(memory.count == 100)
        #expect(memory[9_999] == 9_999)
        #expect(memory[9_899] == nil)
        // setting a key again makes it the newest
        memory.set(-1, for: 9_900)
        memory.set(10_000, for: 10_000)
        #expect(memory[9_900] == -1)
        #expect(memory[9_901] == nil)
        let prefix = String(repeating: "x", count: 300)
        let one = SemanticEvent.remembered(prefix + "a")
        let other = SemanticEvent.remembered(prefix + "b")
        #expect(one.utf8.count < 160)
        #expect(one != other)
        #expect(SemanticEvent.remembered("du-1") == "du-1")
        // a repeated long eventId is still told apart from another with the same beginning
        var run = CheckerRun()
        _ = try run.check(Events.heartbeat(prefix + "1", start: Events.start))
        #expect(try run.check(Events.heartbeat(prefix + "2", start: Events.start + 1), at: "eventId").isEmpty)
        #expect(try run.check(Events.heartbeat(prefix + "2", start: Events.start + 2), at: "eventId").count == 1)
    }

    @Test("live on /v7: the warnings are in the record and in the JUnit report, not as failures")
    func liveRecordAndJUnit() async throws {
        let recordPath = RecordAndReportTests.temporaryPath("semantic.jsonl")
        let junitPath = RecordAndReportTests.temporaryPath("semantic.xml")
        defer {
            try? FileManager.default.removeItem(atPath: recordPath)
            try? FileManager.default.removeItem(atPath: junitPath)
        }
        let posts = [
            Events.fault("c-1", source: "live-1", severity: "NORMAL"),
            Events.heartbeat(header: Events.header("heartbeat", "h-1", source: "live-1", listenerVersion: "5.4.1")),
            // the refused post above leaves no trace, so the eventId seen again is the accepted fault's
            Events.heartbeat(header: Events.header("heartbeat", "c-1", source: "live-1", start: Events.start + 1)),
            Events.heartbeat(header: Events.header("heartbeat", "h-2", source: "live-1", timeZone: "+01:00")),
        ]
        let records = try await ListenerHarness.run(configure: {
            $0.recordPath = recordPath
            $0.junitPath = junitPath
        }) { harness in
            for event in posts {
                // the 7.2.1 field set may still refuse these; the warnings are recorded either way
                _ = try await harness.post("/eventListener/v7", json: Events.body(event))
            }
            return try await harness.records("api_version=v7")
        }.result
        #expect(records.count == posts.count)
        func pointers(_ record: JSONValue?) -> [String] {
            (record?["warnings"]?.arrayValue ?? []).compactMap { $0["pointer"]?.stringValue }
        }
        #expect(pointers(records.first) == ["/faultFields/eventSeverity"])
        #expect(pointers(records.dropFirst().first) == ["/commonEventHeader/vesEventListenerVersion"])
        #expect(pointers(records.dropFirst(2).first) == ["/commonEventHeader/eventId"])
        #expect(pointers(records.last) == ["/commonEventHeader/timeZoneOffset"])
        // the record file holds the same lines
        let lines = try String(contentsOfFile: recordPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == posts.count)
        let fileRecord = try JSONParser().parse(String(lines[2]))
        #expect(pointers(fileRecord) == ["/commonEventHeader/eventId"])

        let xml = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(xml.components(separatedBy: "<system-out>").count - 1 == posts.count)
        #expect(xml.contains("warning (semantic) /faultFields/eventSeverity: fault clear (eventSeverity NORMAL)"))
        #expect(xml.contains("warning (semantic) /commonEventHeader/eventId: eventId &apos;c-1&apos; was already"))
        #expect(xml.contains("/commonEventHeader/timeZoneOffset: timeZoneOffset &apos;+01:00&apos; is not"))
        // a warning alone never makes a failure
        let failures = records.count { $0["valid"] == .bool(false) }
        #expect(xml.components(separatedBy: "<failure ").count - 1 == failures)
    }
}
