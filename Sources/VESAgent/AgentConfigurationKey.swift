import Collectd
import Configuration
import VESModel

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

    /// A finite number in `range`, so it can become a Duration (which traps on infinity and from about 1.7e20 s)
    /// or a millisecond count without trapping, and is never 0 where 0 would mean "no limit".
    func number(in range: ClosedRange<Double>) throws(AgentError) -> Double {
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw invalid(
                "a number of seconds from \(formatSeconds(range.lowerBound)) to \(formatSeconds(range.upperBound))"
            )
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
        _ range: ClosedRange<Double>,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, Double> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .number,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in
                configuration[keyPath: keyPath] = try value.number(in: range)
            },
            show: { formatSeconds($0[keyPath: keyPath]) }
        )
    }

    /// Every key, in the order `--print-config` shows them.
    public static let all: [AgentConfigurationKey] = [
        .string("Domain", "Host name or address of the VES event listener.", \.domain),
        .integer("Port", 1...65535, "Port of the VES event listener.", \.port),
        .string("Path", "Path prefix before /eventListener/vN on the listener.", \.path),
        .string("Username", "User name for Basic authentication.", \.username),
        .string("Password", secret: true, "Password for Basic authentication (never logged).", \.password),
        .string("Topic", "Topic appended to /eventListener/vN.", \.topic),
        .boolean("UseHttps", "Send over HTTPS.", \.useHttps),
        .seconds(
            "SendEventInterval",
            AgentConfiguration.sendEventIntervals,
            "Seconds between measurement events.",
            \.sendEventInterval
        ),
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
            name: "MetricsListen",
            kind: .string,
            isSecret: false,
            help: "HOST:PORT where GET /metrics serves Prometheus metrics (HTTP; port 0 picks one); empty: off.",
            apply: { configuration, value throws(AgentError) in
                guard !value.text.isEmpty else {
                    configuration.metricsHost = nil
                    configuration.metricsPort = 0
                    return
                }
                let (host, port) = try parseListen(value, scheme: "http://")
                configuration.metricsHost = host
                configuration.metricsPort = port
            },
            show: { configuration in
                guard let host = configuration.metricsHost else { return "" }
                return (host.contains(":") ? "[\(host)]" : host) + ":\(configuration.metricsPort)"
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
        .integer(
            "Connections",
            AgentConfiguration.connectionsRange,
            "Connections posting at once; events of one sourceName stay in order.",
            \.connections
        ),
        .integer("QueueSize", 1...10_000_000, "Events kept while the listener is unreachable.", \.queueSize),
        .optionalPath("SpoolDirectory", "Where undelivered events are kept across restarts.", \.spoolDirectory),
        .optionalPath("CACertificate", "CA certificate (PEM) that signs the listener's certificate.", \.caCertificate),
        .boolean("VerifyPeer", "Verify the listener's certificate (HTTPS).", \.verifyPeer),
        .seconds("Timeout", AgentConfiguration.timeouts, "Seconds per request.", \.timeout),
        .integer(
            "ExpireIntervals",
            0...60_000,
            "Drop series not updated for this many intervals (0: never).",
            \.expireIntervals
        ),
        .optionalPath("TypesDB", "collectd's types.db (default: the system's, else a built-in copy).", \.typesDB),
        .seconds(
            "ShutdownTimeout",
            AgentConfiguration.shutdownTimeouts,
            "Seconds a shutdown waits for the queue to drain before spooling.",
            \.shutdownTimeout
        ),
        .integer(
            "MaxSeries",
            AgentConfiguration.maxSeriesRange,
            "Most series held; values of new series beyond it are refused and counted.",
            \.maxSeries
        ),
        .seconds(
            "TraceClockWindow",
            AgentConfiguration.traceClockWindows,
            "Clock trace: seconds a value's time may be ahead of or behind the clock; farther ones are refused.",
            \.traceClockWindow
        ),
        AgentConfigurationKey(
            name: "VesVersion",
            kind: .string,
            isSecret: false,
            help: "1.1 (the reference plugin's events, /eventListener/v1), 5.4.1 (/v5) or 7.2.1 (/v7).",
            apply: { configuration, value throws(AgentError) in
                guard let version = VESVersion(rawValue: value.text) else { throw value.invalid("1.1, 5.4.1 or 7.2.1") }
                configuration.vesVersion = version
            },
            show: { $0.vesVersion.rawValue }
        ),
        .integer(
            "HeartbeatInterval",
            0...86_400,
            "Seconds between heartbeat events (5.4.1 and 7.2.1); 0 sends none.",
            \.heartbeatInterval
        ),
        .code("NfNamingCode", length: 4, "nfNamingCode of the events (5.4.1, 7.2.1): 4 characters.", \.nfNamingCode),
        .code("NfcNamingCode", length: 3, "nfcNamingCode of the events (5.4.1, 7.2.1): 3 characters.", \.nfcNamingCode),
        .string("NfVendorName", "nfVendorName of the events (7.2.1).", \.nfVendorName),
        AgentConfigurationKey(
            name: "TimeZoneOffset",
            kind: .string,
            isSecret: false,
            help: "timeZoneOffset of the events (7.2.1), UTC+hh:mm or UTC-hh:mm (default this machine's).",
            apply: { configuration, value throws(AgentError) in
                configuration.timeZoneOffset = try parseTimeZoneOffset(value)
            },
            show: { $0.timeZoneOffset }
        ),
        .optionalPath(
            "MappingFile",
            "A Barometer ves_app YAML mapping file: build the events it describes, in its VES version (/v5 or /v7).",
            \.mappingFile
        ),
    ]

    /// A naming code: empty (left out of the events) or exactly `length` ASCII letters and digits.
    static func code(
        _ name: String,
        length: Int,
        _ help: String,
        _ keyPath: any WritableKeyPath<AgentConfiguration, String> & Sendable
    ) -> AgentConfigurationKey {
        AgentConfigurationKey(
            name: name,
            kind: .string,
            isSecret: false,
            help: help,
            apply: { configuration, value throws(AgentError) in
                let text = value.text
                let wellFormed =
                    text.utf8.count == length
                    && text.utf8.allSatisfy {
                        (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
                    }
                guard text.isEmpty || wellFormed else {
                    throw value.invalid("empty or \(length) letters and digits, as the VES header's naming codes are")
                }
                configuration[keyPath: keyPath] = text
            },
            show: { $0[keyPath: keyPath] }
        )
    }

    /// `UTC+hh:mm` or `UTC-hh:mm`, hours 00 to 14 and minutes 00 to 59 (real offsets run from -12:00 to +14:00).
    static func parseTimeZoneOffset(_ value: ParsedValue) throws(AgentError) -> String {
        let bytes = Array(value.text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            let digits = bytes[range]
            guard digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard bytes.count == 9, value.text.hasPrefix("UTC"),
            bytes[3] == UInt8(ascii: "+") || bytes[3] == UInt8(ascii: "-"),
            bytes[6] == UInt8(ascii: ":"), let hours = number(4..<6), let minutes = number(7..<9), hours <= 14,
            minutes <= 59
        else {
            throw value.invalid("UTC+hh:mm or UTC-hh:mm, such as UTC+01:00 or UTC-05:30")
        }
        return value.text
    }

    /// `HOST:PORT`, `[IPv6]:PORT` or either after `scheme`, with a port from 0 to 65535.
    static func parseListen(_ value: ParsedValue, scheme: String = "udp://") throws(AgentError) -> (String, Int) {
        var text = value.text
        if text.hasPrefix(scheme) { text.removeFirst(scheme.count) }
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
