import CurlClient
import JSON
import Testing
import VESModel

@Suite("Version headers of each API version")
struct VersionHeaderTests {
    static let event = Array(SampleEvents.body(SampleEvents.fault()).utf8)

    @Test("7.x answers carry X-MinorVersion, X-PatchVersion and X-LatestVersion, errors included")
    func v7AnswersCarryTheVersion() async throws {
        try await ListenerHarness.run { harness in
            for response in [
                try await harness.post("/eventListener/v7", body: Self.event),
                try await harness.post("/eventListener/v7", body: Array("{broken".utf8)),
                try await harness.post("/eventListener/v7/eventBatch", body: Array(#"{"eventList": []}"#.utf8)),
            ] {
                #expect(response.header("X-MinorVersion") == "2")
                #expect(response.header("X-PatchVersion") == "1")
                #expect(response.header("X-LatestVersion") == "7.2.1")
            }
        }
    }

    @Test("a served X-MinorVersion (0, 1, 2) is taken; any other is a 400 naming the header and what is served")
    func minorVersionOfTheRequest() async throws {
        try await ListenerHarness.run { harness in
            for minor in ["0", "1", "2"] {
                let response = try await harness.post(
                    "/eventListener/v7",
                    body: Self.event,
                    headers: [(name: "X-MinorVersion", value: minor)]
                )
                #expect(response.status != 400 || response.requestError?.variables != ["X-MinorVersion"], "\(minor)")
            }
            for minor in ["3", "-1", "two", "1.5"] {
                let response = try await harness.post(
                    "/eventListener/v7",
                    body: Self.event,
                    headers: [(name: "X-MinorVersion", value: minor)]
                )
                #expect(response.status == 400, "\(minor)")
                #expect(response.requestError?.messageId == "SVC0002", "\(minor)")
                #expect(response.requestError?.variables == ["X-MinorVersion"], "\(minor)")
                #expect(response.header("X-LatestVersion") == "7.2.1")
            }
            let rejected = try await harness.records("kind=rejected")
            let message = rejected.last?["errors"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.contains("serves 7.0, 7.1, 7.2"))
        }
    }

    @Test("5.4.1 answers carry Date and no version headers; 1.1 answers no version headers")
    func v5AndV1() async throws {
        try await ListenerHarness.run { harness in
            let v5 = try await harness.post(
                "/eventListener/v5",
                body: Self.event,
                headers: [(name: "X-MinorVersion", value: "9")]
            )
            #expect(v5.header("Date") != nil)
            #expect(v5.header("X-MinorVersion") == nil)
            #expect(v5.requestError?.variables != ["X-MinorVersion"])
            let v1 = try await harness.post("/eventListener/v1", body: Self.event)
            #expect(v1.status == 202)
            #expect(v1.header("X-LatestVersion") == nil)
        }
    }

    @Test("the versions know their URL segment and the minors they serve")
    func versionFacts() {
        #expect(VESVersion.allCases.map(\.segment) == ["v1", "v5", "v7"])
        #expect(VESVersion(segment: "v7") == .ves721)
        #expect(VESVersion(segment: "v6") == nil)
        #expect(VESVersion.ves721.servedMinorVersions == 0...2)
        #expect(!VESVersion.ves541.hasVersionHeaders)
        #expect(VESVersion.ves11 < .ves541 && VESVersion.ves541 < .ves721)
    }
}
