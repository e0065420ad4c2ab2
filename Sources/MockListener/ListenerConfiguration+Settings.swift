public import Logging
import StndDefined

extension ListenerConfiguration {
    /// How the listener answers.
    public enum Profile: String, Sendable, CaseIterable {
        /// As the VES listener specs say.
        case spec
        /// As the ONAP VES collector (dcaegen2-collectors-ves) does.
        case onap
    }

    /// `ves-listener`'s keys (``ListenerConfigurationKey/all``) as given and checked, before any file they name
    /// is read: what `--print-config` shows and what ``ListenerConfiguration/init(settings:)`` builds the
    /// listener's configuration from. Build it with ``load(flags:environment:file:)`` or ``init(reader:)``.
    ///
    /// Its `description` masks the password and the control token, so printing it is safe.
    public struct Settings: Sendable, Equatable, CustomStringConvertible {
        public var host = "127.0.0.1"
        public var port = 30000
        /// Path before `/eventListener`, as given (`/a//b/`); ``ListenerConfiguration/pathPrefix`` has its
        /// segments.
        public var path: String?
        public var username: String?
        public var password: String?
        /// A file whose first line is the password (`--password-file`), read when the configuration is built.
        public var passwordFile: String?
        /// `Authorization: Bearer <token>` also opens /testControl (`--control-token`); set alone, it protects it.
        public var controlToken: String?
        /// A built-in set's name or a schema file for every version (`--schema`).
        public var schema: String?
        /// `vN=NAME|FILE` entries (`--schema-for`), in the order given; a later entry for a version wins.
        public var schemaFor: [String] = []
        public var profile: Profile = .spec
        /// Folder of the collector's `collector.properties` (`--profile onap`).
        public var onapConfig: String?
        public var schemaDirectories: [String] = []
        public var stndDefinedSchemas: [String] = []
        public var acceptsUnknownStndDefined = false
        public var acceptInvalid = false
        public var record: String?
        /// Each record line is made durable (fsync) before the answer.
        public var fsync = false
        public var junit: String?
        public var maxBody = 1024 * 1024
        /// Most items in one eventBatch.
        public var maxBatch = 10_000
        /// Most violations listed in one answer.
        public var maxViolations = 100
        /// Records kept in memory.
        public var maxRecords = 100_000
        public var tlsCert: String?
        public var tlsKey: String?
        /// Exit 1 at shutdown if any event was invalid.
        public var strict = false
        public var logLevel: Logger.Level = .info
        public var idleTimeout = 30
        /// Most `/wait` long polls open at once.
        public var maxWaiters = 64
        /// Longest `/wait` timeout, in seconds.
        public var maxWait = 300
        /// Where each key's value came from (`--port`, `VES_LISTENER_PORT`, `listener.json`), by key name; a key
        /// left at its default has no entry.
        public internal(set) var sources: [String: String] = [:]

        public init() {}

        /// The largest `maxBody`: 1 GiB, far above any VES event or batch, and small enough that a typo (one zero
        /// too many) is caught rather than letting a client make the listener hold gigabytes.
        public static let maximumBodyLimit = 1 << 30

        /// What `--print-config` and `description` show instead of the password.
        public static let mask = "********"

        /// Where the value of `key` came from: a flag, a variable, the file, or `default`.
        public func source(of key: String) -> String { sources[key] ?? "default" }

        public var description: String { rendered() }

        /// `v5=CommonEventFormat_28.4.1.json` → (`v5`, `CommonEventFormat_28.4.1.json`); nil unless the version is
        /// `v` and a number and a schema follows the `=`.
        static func versionAndSchema(_ entry: String) -> (version: String, schema: String)? {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].hasPrefix("v"), Int(parts[0].dropFirst()) != nil, !parts[1].isEmpty
            else { return nil }
            return (parts[0], parts[1])
        }

        /// `error`, prefixed with the key and where its value came from.
        func attributed(_ key: String, _ error: ListenerError) -> ListenerError {
            ListenerError(code: error.code, message: "Key '\(key)' (\(source(of: key))): \(error.message)")
        }

        /// Checks what single keys cannot: keys that go together.
        func check() throws(ListenerError) {
            if password != nil, passwordFile != nil {
                throw ListenerError(
                    code: .config,
                    message: "Keys 'password' (\(source(of: "password"))) and 'passwordFile' "
                        + "(\(source(of: "passwordFile"))) are both set; give the password one way only"
                )
            }
            if passwordFile != nil {
                try together("username", username, "passwordFile", passwordFile)
            } else {
                try together("username", username, "password", password)
            }
            try together("tlsCert", tlsCert, "tlsKey", tlsKey)
            if onapConfig != nil, profile != .onap {
                throw ListenerError(
                    code: .config,
                    message: "Key 'onapConfig' (\(source(of: "onapConfig"))) goes with profile onap, but 'profile' is "
                        + "\(profile.rawValue) (\(source(of: "profile"))): add --profile onap or drop onapConfig"
                )
            }
        }

        private func together(_ first: String, _ firstValue: String?, _ second: String, _ secondValue: String?)
            throws(ListenerError)
        {
            guard (firstValue == nil) != (secondValue == nil) else { return }
            let (given, missing) = firstValue != nil ? (first, second) : (second, first)
            let missingKey = ListenerConfigurationKey.named(missing)
            throw ListenerError(
                code: .config,
                message: "Key '\(given)' (\(source(of: given))) is set but '\(missing)' is not; they go together: "
                    + "give \(missingKey?.flag ?? missing), \(missingKey?.environmentVariable ?? missing) "
                    + "or '\(missing)' in the --config file"
            )
        }
    }

    /// The configuration `settings` describe: schema files, the collector's configuration and the stndDefined
    /// folders are read here, and an error names the key whose file could not be used and where it was given.
    public init(settings: Settings) throws(ListenerError) {
        try settings.check()
        self.init()
        host = settings.host
        port = settings.port
        pathPrefix = Self.pathSegments(settings.path ?? "")
        let password: String?
        do {
            password = try settings.passwordFile.map(Settings.password(fromFile:)) ?? settings.password
        } catch {
            throw settings.attributed("passwordFile", error)
        }
        if let username = settings.username, let password {
            credentials = Credentials(username: username, password: password)
        }
        controlToken = settings.controlToken
        recordPath = settings.record
        fsyncRecords = settings.fsync
        maxBatchItems = settings.maxBatch
        maxViolationsPerAnswer = settings.maxViolations
        maxRecordsInMemory = settings.maxRecords
        maxWaiters = settings.maxWaiters
        maxWaitSeconds = settings.maxWait
        junitPath = settings.junit
        maxBodyBytes = settings.maxBody
        tlsCertificatePath = settings.tlsCert
        tlsKeyPath = settings.tlsKey
        idleTimeoutSeconds = settings.idleTimeout
        acceptInvalid = settings.acceptInvalid
        acceptsUnknownStndDefined = settings.acceptsUnknownStndDefined
        if !settings.stndDefinedSchemas.isEmpty {
            do {
                stndDefinedSchemas = try StndDefinedSchemas(folders: settings.stndDefinedSchemas)
            } catch {
                throw settings.attributed("stndDefinedSchemas", ListenerError(code: .schema, message: error.message))
            }
        }
        do {
            schemaOverride = try settings.schema.map(EventSchema.named)
        } catch {
            throw settings.attributed("schema", error)
        }
        for entry in settings.schemaFor {
            guard let (version, name) = Settings.versionAndSchema(entry) else { continue }
            do {
                schemasByVersion[version] = try EventSchema.named(name)
            } catch {
                throw settings.attributed("schemaFor", error)
            }
        }
        guard settings.profile == .onap else { return }
        let collector: ONAPCollectorSettings
        do {
            collector = try settings.onapConfig.map(ONAPCollectorSettings.init(directory:)) ?? ONAPCollectorSettings()
        } catch {
            throw settings.attributed("onapConfig", error)
        }
        try useONAPProfile(
            collector,
            configDirectory: settings.onapConfig,
            schemaDirectories: settings.schemaDirectories
        )
    }
}
