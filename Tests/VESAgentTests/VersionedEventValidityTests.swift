import Collectd
import JSON
import JSONSchema
import TestSupport
import Testing
import VESAgent
import VESModel

/// Every event built for 5.4.1 and 7.2.1 from the recorded collectd traces (measurements, the threshold trace's
/// faults, heartbeats) is valid under the listener's built-in field set of that version and under the official
/// schema file.
@Suite("5.4.1 and 7.2.1 events from the traces are valid")
struct VersionedEventValidityTests {
    static func events(_ run: VersionedTraceCase) throws -> [JSONValue] {
        try VersionedTraceRuns.events(run.version, trace: run.trace) {
            $0.guestRunning = run.guestRunning
            $0.heartbeatInterval = 30
            $0.nfNamingCode = "ABCD"
            $0.nfcNamingCode = "xyz"
            $0.nfVendorName = "Example Vendor"
        }
    }

    @Test("under the built-in field set", arguments: VersionedTraceCase.all)
    func builtInFieldSet(_ run: VersionedTraceCase) throws {
        let events = try Self.events(run)
        let domains = Set(events.map(VersionedTraceRuns.domain))
        let measurement = run.version == .ves721 ? "measurement" : "measurementsForVfScaling"
        #expect(domains.contains(measurement), "\(events.count) events, domains \(domains.sorted())")
        #expect(domains.contains("heartbeat"))
        if run.trace == "threshold" { #expect(domains.contains("fault")) }
        let violations = VersionedTraceRuns.violations(events, run.version.fieldSet.validator)
        #expect(violations.isEmpty, "\(violations.prefix(10).joined(separator: "\n"))")
    }

    @Test(
        "under the official schema file",
        .needsShared("ves/schemas/CommonEventFormat_28.4.1.json", "ves/schemas/CommonEventFormat_30.2.1_ONAP.json"),
        arguments: VersionedTraceCase.all
    )
    func officialSchema(_ run: VersionedTraceCase) throws {
        let validator = try #require(
            VersionedTraceRuns.officialValidators[run.version],
            "cannot compile \(VersionedTraceRuns.officialFiles[run.version] ?? "") from \(SharedMaterial.sharedDirectory)"
        )
        let events = try Self.events(run)
        #expect(!events.isEmpty)
        let violations = VersionedTraceRuns.violations(events, validator)
        #expect(violations.isEmpty, "\(violations.prefix(10).joined(separator: "\n"))")
    }

    @Test("the header each version requires", arguments: [VESVersion.ves541, .ves721])
    func headerPerVersion(_ version: VESVersion) throws {
        let events = try VersionedTraceRuns.events(version, trace: "host") {
            $0.nfNamingCode = "ABCD"
            $0.nfcNamingCode = "xyz"
            $0.nfVendorName = "Example Vendor"
            $0.heartbeatInterval = 30
        }
        let measurement = try #require(events.first { VersionedTraceRuns.measurementFields($0) != nil })
        let header = try #require(VersionedTraceRuns.header(measurement))
        #expect(header["nfNamingCode"] == "ABCD" && header["nfcNamingCode"] == "xyz")
        #expect(header["priority"] == "Normal")
        if version == .ves721 {
            #expect(header["version"] == "4.1")
            #expect(header["vesEventListenerVersion"] == "7.2.1")
            #expect(header["domain"] == "measurement")
            #expect(header["eventName"] == "Measurement_Collectd_HostMeasurements")
            #expect(header["nfVendorName"] == "Example Vendor")
            #expect(header["timeZoneOffset"] == "UTC+01:00")
            #expect(measurement["measurementFields"]?["measurementFieldsVersion"] == "4.0")
        } else {
            #expect(header["version"] == .number(3.0))
            #expect(header["vesEventListenerVersion"] == nil)
            #expect(header["domain"] == "measurementsForVfScaling")
            #expect(header["eventName"] == "Mfvs_Collectd_HostMeasurements")
            #expect(header["nfVendorName"] == nil && header["timeZoneOffset"] == nil, "7.2.1 fields")
            #expect(measurement["measurementsForVfScalingFields"]?["measurementsForVfScalingVersion"] == .number(2.0))
        }
        let heartbeat = try #require(events.first { VersionedTraceRuns.domain($0) == "heartbeat" })
        let fields = try #require(heartbeat["heartbeatFields"])
        #expect(fields["heartbeatInterval"] == .integer(30))
        #expect(fields["heartbeatFieldsVersion"] == (version == .ves721 ? JSONValue.string("3.0") : .number(1.0)))
        #expect(heartbeat["commonEventHeader"]?["sourceName"] == "agent-host")
        #expect(heartbeat["commonEventHeader"]?["eventName"] == "Heartbeat_Collectd")
    }
}
