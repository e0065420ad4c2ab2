public import StndDefined
import VESModel

/// Everything `ves-listener` can be told; the executable fills it from flags, tests build it directly.
public struct ListenerConfiguration: Sendable {
    /// Address to bind; tests and CI keep it on loopback.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 asks the system for a free one (the real port is reported when the server is up).
    public var port: Int = 30000
    /// Path segments every event route must start with (`--path`), already split and without empty segments.
    public var pathPrefix: [String] = []
    /// When set, event routes require these Basic credentials.
    public var credentials: Credentials?
    /// `--schema`: the validator for every API version without an entry in `schemasByVersion`, instead of each
    /// version's built-in field set; it also makes the listener serve versions it has no field set for.
    public var schemaOverride: EventSchema?
    /// `--schema-for`: validators by API version (`v5`, `v7`...), before anything else.
    public var schemasByVersion: [String: EventSchema] = [:]
    /// `--accept-invalid`: answer 202 to every well-formed request and still record every violation, for agents
    /// that must not be slowed by rejections while a conformance report is collected.
    public var acceptInvalid = false
    /// `--stnd-defined-schemas`: the 3GPP (or other) OpenAPI schemas stndDefined data is checked against; nil
    /// leaves the data unchecked, with a warning on each stndDefined record.
    public var stndDefinedSchemas: StndDefinedSchemas?
    /// `--stnd-defined-unknown accept`: a schemaReference no schema map knows is a warning, not a violation.
    public var acceptsUnknownStndDefined = false
    /// `--profile onap`: answer as the ONAP VES collector with these settings does; nil answers as the specs say.
    public var onap: ONAPCollectorSettings?
    /// JSON Lines file every record is appended to before the answer is sent.
    public var recordPath: String?
    /// JUnit XML report written at shutdown.
    public var junitPath: String?
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int = 1024 * 1024
    /// PEM certificate chain and private key: when both are set the listener speaks HTTPS.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// A connection with no traffic for this long is closed, so slow or stuck clients cannot pile up.
    public var idleTimeoutSeconds: Int = 30
    /// Most items one eventBatch may hold; a larger batch is answered 400 POL9003 without validating its items.
    public var maxBatchItems: Int = 10_000
    /// Most violations one answer lists; the record keeps them all.
    public var maxViolationsPerAnswer: Int = 100
    /// Records kept in memory (the newest); the record file keeps every one.
    public var maxRecordsInMemory: Int = 100_000
    /// `--fsync`: each record line is made durable before the answer is sent.
    public var fsyncRecords = false
    /// `--control-token`: /testControl also accepts `Authorization: Bearer <token>`.
    public var controlToken: String?
    /// Most `/testControl/v1/events/wait` long polls open at once; more are answered 503.
    public var maxWaiters: Int = 64
    /// Longest `/wait` timeout, in seconds; larger ones are cut to it.
    public var maxWaitSeconds: Int = 300

    public init() {}

    /// Splits a `--path` value into segments, ignoring empty ones (`/a//b/` is `a`, `b`).
    public static func pathSegments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// What the listener serves on `/eventListener/<segment>`, or nil when it serves nothing there.
    func servedVersion(_ segment: String) -> ServedVersion? {
        let version = VESVersion(segment: segment)
        let schema: EventSchema?
        if let onap {
            // the collector serves exactly the versions its schema map names
            guard onap.schemaFiles[segment] != nil else { return nil }
            schema = schemasByVersion[segment] ?? schemaOverride
        } else {
            schema = schemasByVersion[segment] ?? schemaOverride ?? version.map(EventSchema.builtIn)
        }
        return schema.map { ServedVersion(segment: segment, version: version, schema: $0) }
    }

    /// The segments served with no flags, or with the flags given, in order (`v1`, `v5`, `v7`).
    var servedSegments: [String] {
        if let onap {
            return onap.schemaFiles.keys.sorted { (Int($0.dropFirst()) ?? 0) < (Int($1.dropFirst()) ?? 0) }
        }
        let builtIn = VESVersion.allCases.map(\.segment)
        let extra = schemasByVersion.keys.filter { !builtIn.contains($0) }.sorted()
        return builtIn + extra
    }

    /// Answers as the ONAP collector with `settings` does: each version its schema map names gets that schema
    /// (unless `schemasByVersion` already has one), found in `settings`' folder or `schemaDirectories`; the two the
    /// project has field sets for (28.4.1, 30.2.1_ONAP) use them when no file is found.
    public mutating func useONAPProfile(
        _ settings: ONAPCollectorSettings,
        configDirectory: String?,
        schemaDirectories: [String]
    ) throws(ListenerError) {
        let directories = (configDirectory.map { [$0] } ?? []) + schemaDirectories
        // all or nothing: a schema that cannot be found leaves the configuration as it was
        var found: [String: EventSchema] = [:]
        // the collector names one file for several versions (27.2 for v1 to v4): each file is compiled once
        var byFile: [String: EventSchema] = [:]
        for (segment, file) in settings.schemaFiles.sorted(by: { $0.key < $1.key })
        where schemasByVersion[segment] == nil && schemaOverride == nil {
            if byFile[file] == nil {
                byFile[file] = try ONAPCollectorSettings.schema(named: file, in: directories)
            }
            found[segment] = byFile[file]
        }
        schemasByVersion.merge(found) { given, _ in given }
        onap = settings
    }

    public var scheme: String { tlsCertificatePath != nil && tlsKeyPath != nil ? "https" : "http" }

    /// What the listener warns about as it starts: a host other machines can reach while `/testControl` (which
    /// deletes records, steers the agent and injects faults) is open to anyone who reaches it.
    public var startWarnings: [String] {
        guard !Self.isLoopback(host), credentials == nil, controlToken == nil else { return [] }
        return [
            "listening on \(host), which other machines can reach, with /testControl open to all of them: "
                + "set --username and a password, or --control-token, to protect it"
        ]
    }

    /// Whether only this machine can reach `host`: `localhost`, `::1` or an address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        let bare = ControlGate.bare(host)
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// Basic credentials the listener requires.
public struct Credentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}
