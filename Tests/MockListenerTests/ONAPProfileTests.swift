import CurlClient
import JSON
import MockListener
import TestSupport
import Testing
import VESModel

/// Each point where `--profile onap` answers differently from the specs, shown with both answers.
@Suite("The ONAP collector profile against the spec profile")
struct ONAPProfileTests {
    /// The collector's defaults, with only the versions the project has field sets for (no 27.2 file needed).
    static func settings(_ change: (inout ONAPCollectorSettings) -> Void = { _ in }) -> ONAPCollectorSettings {
        var settings = ONAPCollectorSettings()
        settings.schemaFiles = ["v5": "CommonEventFormat_28.4.1.json", "v7": "CommonEventFormat_30.2.1_ONAP.json"]
        change(&settings)
        return settings
    }

    /// Runs `body` once against a spec listener and once against an ONAP one.
    static func both(
        settings: ONAPCollectorSettings = settings(),
        configure: @escaping @Sendable (inout ListenerConfiguration) -> Void = { _ in },
        _ body: (_ spec: ListenerHarness, _ onap: ListenerHarness) async throws -> Void
    ) async throws {
        try await ListenerHarness.run(configure: configure) { spec in
            try await ListenerHarness.run(configure: { config in
                configure(&config)
                try? config.useONAPProfile(settings, configDirectory: nil, schemaDirectories: [])
            }) { onap in
                try await body(spec, onap)
            }
        }
    }

    static func onapError(_ response: CurlResponse) -> (id: String?, text: String?, variables: [JSONValue]?) {
        let exception =
            response.json?["requestError"]?["ServiceException"] ?? response.json?["requestError"]?["PolicyException"]
        return (
            exception?["messageId"]?.stringValue, exception?["text"]?.stringValue, exception?["variables"]?.arrayValue
        )
    }

    static func text(_ response: CurlResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("success: 202 and no body, against 202 'Successfully send event' (200 without v7.2 compatibility)")
    func success() async throws {
        let event = SampleEvents.body(SampleEventsV7.fault())
        try await Self.both { spec, onap in
            let ours = try await spec.post("/eventListener/v7", json: event)
            #expect(ours.status == 202 && ours.body.isEmpty)
            #expect(ours.header("X-LatestVersion") == "7.2.1")
            let theirs = try await onap.post("/eventListener/v7", json: event)
            #expect(theirs.status == 202)
            #expect(Self.text(theirs) == "Successfully send event")
            #expect(theirs.header("X-LatestVersion") == nil)
        }
        try await ListenerHarness.run(configure: { config in
            try? config.useONAPProfile(
                Self.settings { $0.answersAccepted = false },
                configDirectory: nil,
                schemaDirectories: []
            )
        }) { onap in
            let status = try await onap.post("/eventListener/v7", json: event).status
            #expect(status == 200)
        }
    }

    @Test("an unsupported version: a requestError naming the served ones, against the collector's plain text")
    func unsupportedVersion() async throws {
        try await Self.both { spec, onap in
            let ours = try await spec.post("/eventListener/v6", json: SampleEvents.body(SampleEventsV7.fault()))
            #expect(ours.status == 400)
            #expect(ours.requestError?.messageId == "SVC2000")
            let theirs = try await onap.post("/eventListener/v6", json: SampleEvents.body(SampleEventsV7.fault()))
            #expect(theirs.status == 400)
            #expect(Self.text(theirs) == "API version v6 is not supported")
            // v1 is served by the spec profile; this collector's schema map has no v1
            #expect(
                try await onap.post("/eventListener/v1", json: SampleEvents.body(SampleEvents.fault())).status == 400
            )
        }
    }

    @Test("a topic path and clientThrottlingState: recorded and 202/204, against the framework's 404")
    func routes() async throws {
        try await Self.both { spec, onap in
            let event = SampleEvents.body(SampleEventsV7.fault())
            #expect(try await spec.post("/eventListener/v7/events", json: event).status == 202)
            let theirs = try await onap.post("/eventListener/v7/events", json: event)
            #expect(theirs.status == 404)
            #expect(theirs.json?["error"] == "Not Found")
            let state = #"{"eventThrottlingState": {"eventThrottlingMode": "normal"}}"#
            #expect(try await spec.post("/eventListener/v5/clientThrottlingState", json: state).status == 204)
            #expect(try await onap.post("/eventListener/v5/clientThrottlingState", json: state).status == 404)
        }
    }

    @Test("schema and envelope violations: SVC0002 with every pointer, against the collector's fixed texts")
    func violations() async throws {
        try await Self.both { spec, onap in
            let bad = SampleEvents.body(SampleEventsV7.fault(severity: "LOUD"))
            let ours = try await spec.post("/eventListener/v7", json: bad)
            #expect(ours.requestError?.variables == ["/event/faultFields/eventSeverity"])
            let theirs = try await onap.post("/eventListener/v7", json: bad)
            #expect(theirs.status == 400)
            #expect(Self.onapError(theirs).id == "SVC0002")
            #expect(Self.onapError(theirs).text == "Bad Parameter (JSON does not conform to schema)")
            #expect(Self.onapError(theirs).variables == nil)
            #expect(theirs.json?["requestError"]?["serviceException"] == nil)
            let noEvent = #"{"notAnEvent": {}}"#
            #expect(try await spec.post("/eventListener/v7", json: noEvent).requestError?.variables == ["/event"])
            let envelope = try await onap.post("/eventListener/v7", json: noEvent)
            #expect(Self.onapError(envelope).text == "Incorrect JSON payload")
            // the record keeps the pointers under both profiles
            let recorded = try await onap.records("kind=event")
            #expect(recorded.first?["errors"]?[0]?["pointer"] == "/event/faultFields/eventSeverity")
        }
    }

    @Test("collector.schema.checkflag=0: the collector answers success to an invalid event; the record still says why")
    func schemaCheckOff() async throws {
        let settings = Self.settings { $0.checksSchema = false }
        try await ListenerHarness.run(configure: { config in
            try? config.useONAPProfile(settings, configDirectory: nil, schemaDirectories: [])
        }) { onap in
            let bad = try await onap.post(
                "/eventListener/v7",
                json: SampleEvents.body(SampleEventsV7.fault(severity: "LOUD"))
            )
            #expect(bad.status == 202)
            let record = try #require(try await onap.records("kind=event").first)
            #expect(record["valid"] == false)
            #expect(record["errors"]?[0]?["pointer"] == "/event/faultFields/eventSeverity")
        }
    }

    @Test("stndDefined namespace: SVC2006 missing / SVC2004 empty, against SVC2006 for both with two texts")
    func namespace() async throws {
        try await Self.both { spec, onap in
            let empty = SampleEvents.body(SampleEventsV7.stndDefined(namespace: ""))
            #expect(try await spec.post("/eventListener/v7", json: empty).requestError?.messageId == "SVC2004")
            let theirs = try await onap.post("/eventListener/v7", json: empty)
            #expect(Self.onapError(theirs).id == "SVC2006")
            #expect(Self.onapError(theirs).text == "Mandatory input %1 %2 is empty in request")
            let missing = SampleEvents.body(SampleEventsV7.stndDefined(namespace: nil))
            let theirsMissing = try await onap.post("/eventListener/v7", json: missing)
            #expect(Self.onapError(theirsMissing).text == "Mandatory input %1 %2 is missing from request")
        }
    }

    @Test("batch rules: SVC0002 at the item that differs, against SVC0001 and the collector's texts")
    func batches() async throws {
        try await Self.both { spec, onap in
            let mixed = SampleEvents.batch([SampleEventsV7.fault(eventId: "a"), SampleEventsV7.heartbeat(eventId: "b")])
            #expect(
                try await spec.post("/eventListener/v7/eventBatch", json: mixed).requestError?.variables
                    == ["/eventList/1/commonEventHeader/domain"]
            )
            let theirs = try await onap.post("/eventListener/v7/eventBatch", json: mixed)
            #expect(Self.onapError(theirs).id == "SVC0001")
            #expect(Self.onapError(theirs).text == "Different value of domain fields in Batch Event")
            let namespaces = SampleEvents.batch([
                SampleEventsV7.stndDefined(eventId: "n1", namespace: "3GPP-FaultSupervision"),
                SampleEventsV7.stndDefined(eventId: "n2", namespace: "3GPP-Heartbeat"),
            ])
            let second = try await onap.post("/eventListener/v7/eventBatch", json: namespaces)
            #expect(
                Self.onapError(second).text
                    == "Value of stndDefinedNamespace fields have to be same when domain is stndDefined"
            )
        }
    }

    @Test("routing: any domain or namespace is taken, against 400 when the collector has no stream for it")
    func routing() async throws {
        try await Self.both { spec, onap in
            let unknown = SampleEvents.body(SampleEventsV7.stndDefined(namespace: "3GPP-Unknown"))
            #expect(try await spec.post("/eventListener/v7", json: unknown).status == 202)
            let theirs = try await onap.post("/eventListener/v7", json: unknown)
            #expect(theirs.status == 400)
            #expect(Self.onapError(theirs).variables == ["No domain defined for stream id", "400"])
            // a v7 measurement routes as measurementsForVfScaling after the collector's transformation
            #expect(
                try await onap.post("/eventListener/v7", json: SampleEvents.body(SampleEventsV7.fault())).status == 202
            )
        }
    }

    @Test("X-MinorVersion: 7.0-7.2 served with headers, against the description's 7.2 only and a bare text body")
    func minorVersion() async throws {
        try await Self.both { spec, onap in
            let event = Array(SampleEvents.body(SampleEventsV7.fault()).utf8)
            let one = [(name: "X-MinorVersion", value: "1")]
            #expect(try await spec.post("/eventListener/v7", body: event, headers: one).status == 202)
            let theirs = try await onap.post("/eventListener/v7", body: event, headers: one)
            #expect(theirs.status == 400)
            #expect(Self.text(theirs) == "INVALID_CUSTOM_HEADER")
            let two = [(name: "X-MinorVersion", value: "2")]
            #expect(try await onap.post("/eventListener/v7", body: event, headers: two).status == 202)
        }
    }

    @Test("auth, bad JSON, wrong media type: the spec's 400/401, against the collector's 401 POL2000, 500 and 415")
    func requestProblems() async throws {
        let settings = Self.settings { $0.authMethod = "certBasicAuth" }
        let credentials: @Sendable (inout ListenerConfiguration) -> Void = {
            $0.credentials = Credentials(username: "ves", password: "secret")
        }
        try await Self.both(settings: settings, configure: credentials) { spec, onap in
            let event = SampleEvents.body(SampleEventsV7.fault())
            #expect(try await spec.post("/eventListener/v7", json: event).status == 400)
            let theirs = try await onap.post("/eventListener/v7", json: event)
            #expect(theirs.status == 401)
            #expect(Self.onapError(theirs).id == "POL2000")
            let wrong = try await onap.post("/eventListener/v7", json: event, username: "ves", password: "nope")
            #expect(wrong.status == 401 && wrong.header("WWW-Authenticate") == nil)
            #expect(
                try await spec.post("/eventListener/v7", json: event, username: "ves", password: "nope").status == 401
            )
            let good = { (harness: ListenerHarness, json: String, type: String) in
                try await harness.post(
                    "/eventListener/v7",
                    json: json,
                    contentType: type,
                    username: "ves",
                    password: "secret"
                )
            }
            #expect(try await good(spec, "{broken", "application/json").status == 400)
            #expect(try await good(onap, "{broken", "application/json").status == 500)
            #expect(try await good(spec, event, "text/plain").status == 400)
            #expect(try await good(onap, event, "text/plain").status == 415)
            #expect(try await good(onap, event, "application/json").status == 202)
        }
    }

    @Test(
        "the collector's own files: versions, schemas, streams and answers",
        .needsShared("ves/onap-collector", "ves/schemas")
    )
    func collectorFiles() throws {
        let directory = SharedMaterial.path("ves/onap-collector")
        let settings = try ONAPCollectorSettings(directory: directory)
        #expect(settings.schemaFiles.keys.sorted() == ["v1", "v2", "v3", "v4", "v5", "v7"])
        #expect(settings.streams["3GPP-Heartbeat"] != nil)
        #expect(settings.streams["measurement"] == nil)
        #expect(settings.answersAccepted && settings.transformsEvents && settings.authMethod == "noAuth")
        #expect(settings.publishers?["ves-fault"]?.contains("SEC_FAULT_OUTPUT") == true)
        var configuration = ListenerConfiguration()
        #expect(throws: ListenerError.self) {
            try configuration.useONAPProfile(settings, configDirectory: directory, schemaDirectories: [])
        }
        try configuration.useONAPProfile(
            settings,
            configDirectory: directory,
            schemaDirectories: [SharedMaterial.path("ves/schemas")]
        )
        #expect(configuration.schemasByVersion["v4"]?.name.hasSuffix("CommonEventFormat_27.2.json") == true)
        #expect(configuration.schemasByVersion["v7"]?.name.hasSuffix("CommonEventFormat_30.2.1_ONAP.json") == true)
    }
}
