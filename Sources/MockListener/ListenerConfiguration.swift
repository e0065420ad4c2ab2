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

    public init() {}

    /// Splits a `--path` value into segments, ignoring empty ones (`/a//b/` is `a`, `b`).
    public static func pathSegments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// What the listener serves on `/eventListener/<segment>`, or nil when it serves nothing there.
    func servedVersion(_ segment: String) -> ServedVersion? {
        let version = VESVersion(segment: segment)
        let schema = schemasByVersion[segment] ?? schemaOverride ?? version.flatMap(EventSchema.builtIn)
        return schema.map { ServedVersion(segment: segment, version: version, schema: $0) }
    }

    /// The segments served with no flags, or with the flags given, in order (`v1`, `v5`, `v7`).
    var servedSegments: [String] {
        let builtIn = VESVersion.allCases.filter { $0.fieldSet != nil }.map(\.segment)
        let extra = schemasByVersion.keys.filter { !builtIn.contains($0) }.sorted()
        return builtIn + extra
    }

    public var scheme: String { tlsCertificatePath != nil && tlsKeyPath != nil ? "https" : "http" }
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
