import Collectd
import Foundation
import JSON
import TestSupport
import Testing
import VESModel

@testable import VESAgent

/// Faults from collectd notifications (raised, raised again, cleared once), heartbeats, the keys and the sender's
/// version rules.
@Suite("5.4.1 and 7.2.1 faults, heartbeats, keys and sending")
struct VersionedFaultTests {
    static let start = 1_795_570_000.0

    static func notification(_ severity: Collectd.Notification.Severity, at offset: Double, _ message: String)
        -> CollectdRecord
    {
        .notification(
            Collectd.Notification(
                severity: severity,
                time: CollectdTime(seconds: start + offset),
                message: message,
                host: "compute-0",
                plugin: "memory",
                type: "memory",
                typeInstance: "used"
            )
        )
    }

    static let sequence: [CollectdRecord] = [
        notification(.failure, at: 0, "used is above the failure threshold"),
        notification(.failure, at: 2, "used is still above the failure threshold"),
        notification(.okay, at: 4, "All data sources are within range again"),
        notification(.okay, at: 6, "All data sources are within range again"),
        notification(.warning, at: 8, "used is above the warning threshold"),
    ]

    @Test("a fault is raised again and cleared once", arguments: [VESVersion.ves541, .ves721])
    func faultRaisedAgainAndClearedOnce(_ version: VESVersion) throws {
        let (core, sent) = VersionedTraceRuns.core(version)
        core.ingest(Self.sequence)
        let events = sent.all
        #expect(events.count == 4, "sent at once; the second OKAY clears nothing")
        let headers = events.compactMap(VersionedTraceRuns.header)
        let fields = events.compactMap { $0["faultFields"] }
        #expect(
            fields.compactMap { $0["eventSeverity"]?.stringValue } == ["CRITICAL", "CRITICAL", "NORMAL", "WARNING"]
        )
        #expect(fields.allSatisfy { $0["alarmCondition"] == "memoryUsed" }, "one alarmCondition for raise and clear")
        #expect(fields[0]["specificProblem"] == "used is above the failure threshold")
        #expect(fields[0]["eventSourceType"] == "host" && fields[0]["vfStatus"] == "Active")
        #expect(fields[0]["alarmInterfaceA"] == "memory")
        let micro = { (offset: Double) -> JSONValue in .integer(Int64((Self.start + offset) * 1_000_000)) }
        #expect(headers.map { $0["startEpochMicrosec"] } == [micro(0), micro(0), micro(0), micro(8)])
        #expect(headers.map { $0["lastEpochMicrosec"] } == [micro(0), micro(2), micro(4), micro(8)])
        #expect(
            headers.allSatisfy { $0["sourceName"] == "compute-0" && $0["eventName"] == "Fault_Collectd_MemoryUsed" }
        )
        let eventIds = headers.compactMap { $0["eventId"]?.stringValue }
        let sequences = headers.compactMap { $0["sequence"]?.intValue }
        if version == .ves721 {
            #expect(eventIds == ["fault000001", "fault000001", "fault000001", "fault000002"], "the EventId use case a")
            #expect(sequences == [1, 2, 3, 1])
            #expect(fields[0]["alarmAdditionalInformation"]?["collectdSeverity"] == "FAILURE")
        } else {
            #expect(eventIds == ["fault000001", "fault000001-2", "fault000001-3", "fault000002"], "unique in 5.4.1")
            #expect(sequences == [1, 2, 3, 4])
            #expect(fields[0]["alarmAdditionalInformation"]?[0] == ["name": "collectdSeverity", "value": "FAILURE"])
        }
        let violations = VersionedTraceRuns.violations(events, version.fieldSet.validator)
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test("an OKAY with no alarm raised sends nothing") func okayWithoutRaiseSendsNothing() {
        let (core, sent) = VersionedTraceRuns.core(.ves721)
        core.ingest([Self.notification(.okay, at: 0, "All data sources are within range again")])
        #expect(sent.all.isEmpty)
    }

    @Test("the threshold trace's alarms stay raised, one eventId each", arguments: [VESVersion.ves541, .ves721])
    func thresholdTraceAlarms(_ version: VESVersion) throws {
        let events = try VersionedTraceRuns.events(version, trace: "threshold")
        let faults = events.filter { VersionedTraceRuns.domain($0) == "fault" }
        #expect(faults.count == 32, "31 memory failures (Persist true) and a load warning")
        let conditions = Set(faults.compactMap { $0["faultFields"]?["alarmCondition"]?.stringValue })
        #expect(conditions == ["memoryUsed", "load"])
        if version == .ves721 {
            let ids = Set(faults.compactMap { VersionedTraceRuns.header($0)?["eventId"]?.stringValue })
            #expect(ids == ["fault000001", "fault000002"])
        }
        #expect(faults.allSatisfy { $0["faultFields"]?["eventSeverity"] != "NORMAL" }, "no OKAY in the trace")
    }

    @Test("heartbeats on the trace clock") func heartbeatsOnTheTraceClock() throws {
        let events = try VersionedTraceRuns.events(.ves721, trace: "virt-3vms") { $0.heartbeatInterval = 30 }
        let heartbeats = events.filter { VersionedTraceRuns.domain($0) == "heartbeat" }.compactMap(
            VersionedTraceRuns.header
        )
        // 120 s of trace: at 0, 30, 60, 90 (and 120 when the last values reach it)
        #expect((4...5).contains(heartbeats.count), "\(heartbeats.count)")
        #expect(heartbeats.compactMap { $0["sequence"]?.intValue } == Array(1...Int64(heartbeats.count)))
        #expect(heartbeats.compactMap { $0["eventId"]?.stringValue }.first == "heartbeat000001")
        let lasts = heartbeats.compactMap { $0["lastEpochMicrosec"]?.doubleValue }
        #expect(zip(lasts, lasts.dropFirst()).allSatisfy { $1 - $0 == 30_000_000 })
    }

    @Test("heartbeatIntervalChange from a 5.4.1 listener") func heartbeatIntervalChange() {
        let (core, _) = VersionedTraceRuns.core(.ves541) { $0.heartbeatInterval = 60 }
        #expect(core.heartbeatInterval == 60)
        #expect(core.apply(.heartbeatIntervalChange(seconds: 5)))
        #expect(core.heartbeatInterval == 5)
        #expect(!core.apply(.heartbeatIntervalChange(seconds: -1)), "out of range: ignored")
        #expect(!core.apply(.heartbeatIntervalChange(seconds: 1.5)), "not whole seconds: ignored")
        #expect(core.heartbeatInterval == 5)
        let (old, _) = VersionedTraceRuns.core(.ves11) { $0.heartbeatInterval = 60 }
        #expect(old.heartbeatInterval == 0, "1.1 sends no heartbeats")
    }

    // MARK: Keys

    @Test("VesVersion picks the URL") func vesVersionPicksTheURL() throws {
        let defaults = try AgentConfiguration.load()
        #expect(defaults.vesVersion == .ves11 && defaults.heartbeatInterval == 60)
        let v5 = try AgentConfiguration.load(flags: ["VesVersion": "5.4.1", "Path": "/vendor/", "Topic": "t"])
        #expect(v5.eventListenerURL == "http://127.0.0.1:30000/vendor/eventListener/v5/t")
        let v7 = try AgentConfiguration.load(environment: ["VES_VES_VERSION": "7.2.1", "VES_BATCH_SIZE": "10"])
        #expect(v7.eventListenerURL == "http://127.0.0.1:30000/eventListener/v7")
        #expect(v7.eventBatchURL == "http://127.0.0.1:30000/eventListener/v7/eventBatch")
        let codes = try AgentConfiguration.load(flags: [
            "NfNamingCode": "AbC1", "NfcNamingCode": "x2z", "NfVendorName": "Vendor", "TimeZoneOffset": "UTC-05:30",
            "HeartbeatInterval": "0",
        ])
        #expect(codes.nfNamingCode == "AbC1" && codes.nfcNamingCode == "x2z" && codes.nfVendorName == "Vendor")
        #expect(codes.timeZoneOffset == "UTC-05:30" && codes.heartbeatInterval == 0)
        #expect(codes.rendered().contains("VesVersion \"1.1\""))
        #expect(AgentConfiguration.machineTimeZoneOffset().hasPrefix("UTC"))
    }

    @Test(
        "bad version keys name the key",
        arguments: [
            ("VesVersion", "6.0"), ("VesVersion", "v7"), ("HeartbeatInterval", "-1"), ("HeartbeatInterval", "86401"),
            ("HeartbeatInterval", "1.5"), ("NfNamingCode", "abc"), ("NfcNamingCode", "ab-c"),
            ("TimeZoneOffset", "+01:00"), ("TimeZoneOffset", "UTC+15:00"), ("TimeZoneOffset", "UTC+01:60"),
        ]
    )
    func badVersionKeys(_ key: String, _ value: String) {
        do {
            _ = try AgentConfiguration.load(flags: [key: value])
            Issue.record("\(key) \(value) was accepted")
        } catch {
            #expect(error.code == .config)
            #expect(error.message.contains("Key '\(key)'") && error.message.contains(value))
        }
    }

    // MARK: Sending

    static func built(_ domain: String, _ id: Int) -> BuiltEvent {
        BuiltEvent(domain: domain, eventId: String(id), reportingEntityName: "h", eventJSON: "{}")
    }

    @Test("a batch holds one domain") func batchHoldsOneDomain() {
        let queue = [
            Self.built("measurement", 1), Self.built("measurement", 2), Self.built("fault", 3),
            Self.built("measurement", 4),
        ]
        #expect(EventSender.nextBatch(of: queue, limit: 10).map(\.eventId) == ["1", "2"])
        #expect(EventSender.nextBatch(of: queue.dropFirst(2), limit: 10).map(\.eventId) == ["3"])
        #expect(EventSender.nextBatch(of: queue, limit: 1).map(\.eventId) == ["1"])
        #expect(EventSender.nextBatch(of: [BuiltEvent](), limit: 5).isEmpty)
    }

    @Test("7.x requests carry the minor and patch version") func versionHeaders() {
        let v7 = EventSender.requestHeaders(for: .ves721)
        #expect(v7.contains { $0 == ("X-MinorVersion", "2") })
        #expect(v7.contains { $0 == ("X-PatchVersion", "1") })
        #expect(!EventSender.requestHeaders(for: .ves541).contains { $0.0.hasPrefix("X-") })
        #expect(EventSender.requestHeaders(for: .ves11).map(\.0) == ["Content-Type"])
    }
}
