public import Collectd
import Configuration

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything the agent is configured with: the reference plugin's keys with its defaults, and the keys a
/// standalone daemon needs.
public struct AgentConfiguration: Sendable, Equatable {
    /// How the send timer ticks.
    public enum ClockMode: String, Sendable, CaseIterable {
        /// Every SendEventInterval of real time, for deployment.
        case wall
        /// On the times of the values received, as the reference runner ticks, for reproducible replays.
        case trace
    }

    // The reference plugin's keys.
    public var domain = "127.0.0.1"
    public var port = 30000
    public var path = ""
    public var username = ""
    public var password = ""
    public var topic = ""
    public var useHttps = false
    public var sendEventInterval: Double = 20
    public var functionalRole = "Collectd VES Agent"
    public var guestRunning = false

    // The daemon's own keys.
    /// The name the plugin took from collectd's Hostname: reporting entity of every event.
    public var hostname = AgentConfiguration.machineHostname()
    public var listenHost = "127.0.0.1"
    public var listenPort = 25826
    public var securityLevel: SecurityLevel = .none
    public var authFile: String? = nil
    public var clock: ClockMode = .wall
    public var batchSize = 1
    public var queueSize = 10_000
    public var spoolDirectory: String? = nil
    public var caCertificate: String? = nil
    public var verifyPeer = true
    /// Seconds per request (the plugin used 1).
    public var timeout: Double = 5
    /// Series not updated for this many ticks are dropped; 0 keeps them forever.
    public var expireIntervals = 10
    /// collectd's types.db (data source names of additional measurements); empty: the system's or built-in.
    public var typesDB: String? = nil
    /// Seconds SIGTERM waits for the queue to drain before spooling the rest.
    public var shutdownTimeout: Double = 5

    /// Seconds before the first retry; doubles per failure (with ±20 % jitter) up to `maximumRetryDelay`.
    public var initialRetryDelay: Double = 0.25
    public var maximumRetryDelay: Double = 10

    public init() {}

    /// The listener URL: `http[s]://Domain:Port[/Path]/eventListener/v1[/Topic]`, Path and Topic joined with
    /// single slashes.
    public var eventListenerURL: String {
        baseURL + (topic.isEmpty ? "" : "/" + Self.trimSlashes(topic))
    }

    /// The URL of `eventBatch` (`BatchSize` > 1).
    public var eventBatchURL: String { baseURL + "/eventBatch" }

    /// The URL of `clientThrottlingState`.
    public var throttlingStateURL: String { baseURL + "/clientThrottlingState" }

    private var baseURL: String {
        let trimmed = Self.trimSlashes(path)
        let hostPart = domain.contains(":") && !domain.hasPrefix("[") ? "[\(domain)]" : domain
        return "http\(useHttps ? "s" : "")://\(hostPart):\(port)" + (trimmed.isEmpty ? "" : "/" + trimmed)
            + "/eventListener/v1"
    }

    static func trimSlashes(_ text: String) -> String {
        text.split(separator: "/").joined(separator: "/")
    }

    /// The machine's host name (what collectd uses when Hostname is not set).
    public static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - Keys

/// One configuration key: its file name (the plugin's spelling), flag, environment variable and type.
public struct AgentConfigurationKey: Sendable {
    public enum Kind: Sendable {
        case string, integer, number, boolean
    }

    /// The name in a configuration file, as the plugin spelt it: `SendEventInterval`.
    public let name: String
    public let kind: Kind
    public let isSecret: Bool
    public let help: String
    /// Checks and stores a value.
    let apply: @Sendable (inout AgentConfiguration, ParsedValue) throws(AgentError) -> Void
    /// The value in a configuration, as text (the password masked).
    let show: @Sendable (AgentConfiguration) -> String

    /// The long flag: `--send-event-interval`.
    public var flag: String { "--" + Self.words(of: name).joined(separator: "-") }
    /// The environment variable: `VES_SEND_EVENT_INTERVAL`.
    public var environmentVariable: String { "VES_" + Self.words(of: name).joined(separator: "_").uppercased() }
    /// The key swift-configuration reads: `ves.sendEventInterval`.
    var configKey: ConfigKey {
        let words = Self.words(of: name)
        return ConfigKey([
            "ves", words[0] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
        ])
    }

    /// `SendEventInterval` → send, event, interval; `CACertificate` → ca, certificate; `TypesDB` → types, db.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            if character.isUppercase, !current.isEmpty,
                current.last!.isLowercase || nextIsLower
            {
                words.append(current.lowercased())
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }
}

/// A value as given in a file, the environment or a flag, typed once it is known which key it is for.
struct ParsedValue {
    let text: String
    /// Where it came from, for messages: `--port`, `VES_PORT`, `agent.conf:3`.
    let source: String
    let key: String

    func string() -> String { text }

    func integer(in range: ClosedRange<Int>) throws(AgentError) -> Int {
        guard let number = Double(text), number.rounded() == number, let value = Int(exactly: number),
            range.contains(value)
        else {
            throw invalid("a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func number(minimum: Double, allowZero: Bool = true) throws(AgentError) -> Double {
        guard let value = Double(text), value.isFinite, value >= minimum, allowZero || value > 0 else {
            throw invalid(allowZero ? "a number of at least \(minimum)" : "a number above 0")
        }
        return value
    }

    func boolean() throws(AgentError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw invalid("true or false")
        }
    }

    func invalid(_ expected: String) -> AgentError {
        AgentError(code: .config, message: "Key '\(key)' (\(source)) value '\(text)' should be \(expected)")
    }
}

extension AgentConfigurationKey {
    static func string(
        _ name: String,
        secret: Bool = false,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, String> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .string,
            isSecret: secret,
            help: help,
            apply: { configuration, value throws(AgentError) in configuration[keyPath: keyPath] = value.string() },
            show: { configuration in
                let text = configuration[keyPath: keyPath]
                return secret && !text.isEmpty ? "********" : text
            }
        )
    }

    static func optionalPath(
        _ name: String,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, String?> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .string,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in
                configuration[keyPath: keyPath] = value.text.isEmpty ? nil : value.text
            },
            show: { $0[keyPath: keyPath] ?? "" }
        )
    }

    static func boolean(
        _ name: String,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, Bool> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .boolean,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in configuration[keyPath: keyPath] = try value.boolean() },
            show: { $0[keyPath: keyPath] ? "true" : "false" }
        )
    }

    static func integer(
        _ name: String,
        _ range: ClosedRange<Int>,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, Int> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .integer,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in
                configuration[keyPath: keyPath] = try value.integer(in: range)
            },
            show: { String($0[keyPath: keyPath]) }
        )
    }

    static func seconds(
        _ name: String,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, Double> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .number,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in
                configuration[keyPath: keyPath] = try value.number(minimum: 0, allowZero: false)
            },
            show: { formatSeconds($0[keyPath: keyPath]) }
        )
    }

    /// Every key, in the order `--print-config` shows them.
    public static let all: [AgentConfigurationKey] = [
        .string("Domain", "Host name or address of the VES event listener.", \.domain),
        .integer("Port", 1...65535, "Port of the VES event listener.", \.port),
        .string("Path", "Path prefix before /eventListener/v1 on the listener.", \.path),
        .string("Username", "User name for Basic authentication.", \.username),
        .string("Password", secret: true, "Password for Basic authentication (never logged).", \.password),
        .string("Topic", "Topic appended to /eventListener/v1.", \.topic),
        .boolean("UseHttps", "Send over HTTPS.", \.useHttps),
        .seconds("SendEventInterval", "Seconds between measurement events.", \.sendEventInterval),
        .string("FunctionalRole", "functionalRole of every event.", \.functionalRole),
        .boolean("GuestRunning", "Build one host event (guest mode) instead of one event per VM.", \.guestRunning),
        .string("Hostname", "reportingEntityName of the events (collectd's Hostname).", \.hostname),
        AgentConfigurationKey(
            name: "Listen",
            kind: .string,
            isSecret: false,
            help: "HOST:PORT the collectd network protocol is received on (UDP; port 0 picks one).",
            apply: { configuration, value throws(AgentError) in
                let (host, port) = try parseListen(value)
                configuration.listenHost = host
                configuration.listenPort = port
            },
            show: { configuration in
                let host =
                    configuration.listenHost.contains(":") ? "[\(configuration.listenHost)]" : configuration.listenHost
                return "\(host):\(configuration.listenPort)"
            }
        ),
        AgentConfigurationKey(
            name: "SecurityLevel",
            kind: .string,
            isSecret: false,
            help: "None, Sign or Encrypt: the least a datagram must have to be accepted.",
            apply: { configuration, value throws(AgentError) in
                guard let level = SecurityLevel(rawValue: value.text.lowercased()) else {
                    throw value.invalid("None, Sign or Encrypt")
                }
                configuration.securityLevel = level
            },
            show: { $0.securityLevel.configName }
        ),
        .optionalPath(
            "AuthFile",
            "collectd's AuthFile (user: password lines) for signed and encrypted datagrams.",
            \.authFile
        ),
        AgentConfigurationKey(
            name: "Clock",
            kind: .string,
            isSecret: false,
            help: "wall (real time) or trace (tick on the times of the values received).",
            apply: { configuration, value throws(AgentError) in
                guard let mode = AgentConfiguration.ClockMode(rawValue: value.text.lowercased()) else {
                    throw value.invalid("wall or trace")
                }
                configuration.clock = mode
            },
            show: { $0.clock.rawValue }
        ),
        .integer("BatchSize", 1...10_000, "Events per POST; above 1 they go to eventBatch.", \.batchSize),
        .integer("QueueSize", 1...10_000_000, "Events kept while the listener is unreachable.", \.queueSize),
        .optionalPath("SpoolDirectory", "Where undelivered events are kept across restarts.", \.spoolDirectory),
        .optionalPath("CACertificate", "CA certificate (PEM) that signs the listener's certificate.", \.caCertificate),
        .boolean("VerifyPeer", "Verify the listener's certificate (HTTPS).", \.verifyPeer),
        .seconds("Timeout", "Seconds per request.", \.timeout),
        .integer(
            "ExpireIntervals",
            0...60_000,
            "Drop series not updated for this many intervals (0: never).",
            \.expireIntervals
        ),
        .optionalPath("TypesDB", "collectd's types.db (default: the system's, else a built-in copy).", \.typesDB),
        .seconds(
            "ShutdownTimeout",
            "Seconds a shutdown waits for the queue to drain before spooling.",
            \.shutdownTimeout
        ),
    ]

    static func parseListen(_ value: ParsedValue) throws(AgentError) -> (String, Int) {
        var text = value.text
        if text.hasPrefix("udp://") { text.removeFirst(6) }
        guard let colon = text.lastIndex(of: ":") else { throw value.invalid("HOST:PORT") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw value.invalid("HOST:PORT with a port from 0 to 65535")
        }
        return (host, port)
    }

    static func named(_ name: String) -> AgentConfigurationKey? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}

func formatSeconds(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

// MARK: - Loading

extension AgentConfiguration {
    /// Builds the configuration from flags, the environment and a file, in that order of precedence.
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, keyed by the key's name (`SendEventInterval`).
    ///   - environment: the process environment; `VES_*` variables are read.
    ///   - file: a configuration file in collectd's syntax (`Key value` lines, optionally inside a
    ///     `<Plugin ...>` block), or nil.
    public static func load(
        flags: [String: String] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) throws(AgentError) -> AgentConfiguration {
        for name in flags.keys where AgentConfigurationKey.named(name) == nil {
            throw AgentError(code: .config, message: "Key '\(name)' name is invalid")
        }
        let fileEntries = try file.map { path throws(AgentError) in try ConfigFile.read(path: path) } ?? []
        var fileValues: [String: (value: String, source: String)] = [:]
        for entry in fileEntries {
            guard let key = AgentConfigurationKey.named(entry.key) else {
                throw AgentError(
                    code: .config,
                    message: "Key '\(entry.key)' name is invalid (\(entry.source)); known keys: "
                        + AgentConfigurationKey.all.map(\.name).joined(separator: ", ")
                )
            }
            fileValues[key.name] = (entry.value, entry.source)
        }
        func provider(_ name: String, _ values: [String: String]) -> InMemoryProvider {
            var entries: [AbsoluteConfigKey: ConfigValue] = [:]
            for (keyName, text) in values {
                guard let key = AgentConfigurationKey.named(keyName) else { continue }
                entries[AbsoluteConfigKey(key.configKey)] = ConfigValue(.string(text), isSecret: key.isSecret)
            }
            return InMemoryProvider(name: name, values: entries)
        }
        let reader = ConfigReader(providers: [
            provider("flags", flags),
            EnvironmentVariablesProvider(environmentVariables: environment),
            provider("file", fileValues.mapValues(\.value)),
        ])
        var configuration = AgentConfiguration()
        for key in AgentConfigurationKey.all {
            guard let text = reader.string(forKey: key.configKey, isSecret: key.isSecret) else { continue }
            let source: String
            if flags[key.name] != nil {
                source = key.flag
            } else if environment[key.environmentVariable] != nil {
                source = key.environmentVariable
            } else {
                source = fileValues[key.name]?.source ?? "configuration"
            }
            try key.apply(&configuration, ParsedValue(text: text, source: source, key: key.name))
        }
        try configuration.check()
        return configuration
    }

    /// Checks what single keys cannot: combinations and files that must exist.
    func check() throws(AgentError) {
        if securityLevel != .none && authFile == nil {
            throw AgentError(
                code: .config,
                message:
                    "Key 'SecurityLevel' is \(securityLevel.configName), which needs an AuthFile with the users' passwords"
            )
        }
        for (name, path) in [("AuthFile", authFile), ("CACertificate", caCertificate), ("TypesDB", typesDB)] {
            if let path, access(path, R_OK) != 0 {
                throw AgentError(code: .config, message: "Key '\(name)' names \(path), which cannot be read")
            }
        }
        if domain.isEmpty {
            throw AgentError(code: .config, message: "Key 'Domain' is empty: name the listener's host")
        }
    }

    /// Every key with its effective value (the password masked), one `Key value` line each: the file syntax
    /// the agent reads.
    public func rendered() -> String {
        AgentConfigurationKey.all.map { key in
            let value = key.show(self)
            let text: String
            switch key.kind {
            case .string:
                text = "\"" + value.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
            case .integer, .number, .boolean: text = value
            }
            return key.name + " " + text
        }.joined(separator: "\n")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension SecurityLevel {
    /// The spelling collectd's configuration uses: None, Sign, Encrypt.
    var configName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
