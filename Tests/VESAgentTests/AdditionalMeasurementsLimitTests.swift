import Collectd
import JSON
import Testing
import VESAgent
import VESModel

/// A sender inventing plugin names must not make one event so large that a listener refuses it whole, the real
/// measurements in it with it.
@Suite("additionalMeasurements limit")
struct AdditionalMeasurementsLimitTests {
    static let inventedPlugins = 6000

    static func flood(at seconds: Double) -> [CollectdRecord] {
        [EventBuilderTests.values("load", "", "load", at: seconds, [.gauge(0.5), .gauge(0.25), .gauge(0.125)])]
            + (0..<inventedPlugins).map { index in
                EventBuilderTests.values("flood\(index)", "", "gauge", at: seconds, [.gauge(Double(index))])
            }
    }

    @Test("a VES 1.1 host event holds at most 5000 groups, the first-seen real series among them")
    func ves11HostEvent() throws {
        let (core, sent) = EventBuilderTests.core { $0.guestRunning = true }
        core.ingest(Self.flood(at: EventBuilderTests.start))
        core.finalTraceTick()
        let event = try #require(sent.all.first)
        let groups = try #require(event["measurementsForVfScalingFields"]?["additionalMeasurements"]?.arrayValue)
        #expect(groups.count == 5000)
        #expect(groups.first?["name"] == "load")
    }

    @Test(
        "a 5.4.1 or 7.2.1 host event holds at most 5000 groups",
        arguments: [VESVersion.ves541, VESVersion.ves721]
    )
    func onapHostEvent(version: VESVersion) throws {
        let (core, sent) = EventBuilderTests.core {
            $0.guestRunning = true
            $0.vesVersion = version
        }
        core.ingest(Self.flood(at: EventBuilderTests.start))
        core.finalTraceTick()
        let measurement = try #require(
            sent.all.first { $0["commonEventHeader"]?["domain"]?.stringValue?.hasPrefix("measurement") == true }
        )
        let block = measurement["measurementsForVfScalingFields"] ?? measurement["measurementFields"]
        let groups = try #require(block?["additionalMeasurements"]?.arrayValue)
        #expect(groups.count == 5000)
        // 5.4.1 has no load field, so the real load series is a group there (7.2.1 has loadArray)
        if version == .ves541 { #expect(groups.contains { $0["name"] == "load" }) }
    }
}
