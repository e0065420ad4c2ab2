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

    static let vectorFiles = [
        "collectd_libcollectdclient_network_parse_test.hex", "influxdb_collectd_wireshark_captures.hex",
        "logstash_codec_collectd_spec.hex", "go-collectd_packet1.bin", "go-collectd_packet2.bin",
    ]

    /// The records of the shared collectd protocol vectors, per file (signed and encrypted ones with their user).
    static func vectorRecords(_ file: String) throws -> [CollectdRecord] {
        let path = SharedMaterial.path("collectd/vectors/" + file)
        let datagrams: [[UInt8]]
        if file.hasSuffix(".bin") {
            datagrams = [try SharedMaterial.bytes(path)]
        } else {
            datagrams = try TraceFile.read(path: path, typesDB: .systemOrBuiltIn()).entries.compactMap { entry in
                if case .datagram(let bytes) = entry.payload { return bytes }
                return nil
            }
        }
        var decoder = NetworkDecoder(authFile: AuthFile(users: ["pieter": "aapje1234"]))
        return datagrams.flatMap { decoder.decode($0).records }
    }

    @Test(
        "events from the shared collectd vectors",
        .needsShared(
            "collectd/vectors/collectd_libcollectdclient_network_parse_test.hex",
            "collectd/vectors/influxdb_collectd_wireshark_captures.hex",
            "collectd/vectors/logstash_codec_collectd_spec.hex",
            "collectd/vectors/go-collectd_packet1.bin",
            "collectd/vectors/go-collectd_packet2.bin",
            "ves/schemas/CommonEventFormat_28.4.1.json",
            "ves/schemas/CommonEventFormat_30.2.1_ONAP.json"
        ),
        arguments: [VESVersion.ves541, .ves721]
    )
    func sharedVectors(_ version: VESVersion) throws {
        let official = try #require(VersionedTraceRuns.officialValidators[version])
        var events: [JSONValue] = []
        for file in Self.vectorFiles {
            // the vectors span years: one tick after each file's last value, on the wall clock
            let records = try Self.vectorRecords(file)
            let last = try #require(records.map(\.time.seconds).max(), "\(file) has records")
            let (core, sent) = VersionedTraceRuns.core(version) { $0.clock = .wall }
            core.ingest(records)
            core.tick(now: last + 20)
            events += sent.all
        }
        let sources = Set(events.compactMap { VersionedTraceRuns.header($0)?["sourceName"]?.stringValue })
        #expect(sources.isSuperset(of: ["localhost", "lieters-klaptop.prot.plexis.eu", "pf1-62-210-94-173"]))
        #expect(events.contains { VersionedTraceRuns.domain($0) == "fault" }, "the logstash vector's notification")
        for validator in [version.fieldSet.validator, official] {
            let violations = VersionedTraceRuns.violations(events, validator)
            #expect(violations.isEmpty, "\(violations.prefix(10).joined(separator: "\n"))")
        }
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
