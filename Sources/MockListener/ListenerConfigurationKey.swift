import Configuration
import JSON
import Logging

/// One key of `ves-listener`'s configuration: its name (in a `--config` file), flag, environment variable,
/// meaning and default. ``all`` is the one place the keys are written down; the command's flags, the loader,
/// `--print-config` and the README's table follow it.
public struct ListenerConfigurationKey: Sendable {
    /// What a key's value is, as text from a flag, a variable or the file.
    public enum Kind: Sendable {
        /// Any text; empty text unsets an optional key.
        case text
        /// A whole number in a range.
        case integer
        /// `true` or `false` (also `yes`/`no`, `on`/`off`, `1`/`0`).
        case boolean
        /// One of a few words.
        case choice
        /// A repeatable flag: several values (comma-separated in the environment, an array in the file).
        case list
    }

    /// The name in a `--config` file and in messages: `maxBody`.
    public let name: String
    public let kind: Kind
    /// Never printed, logged or shown: the password and the control token.
    public let isSecret: Bool
    /// What the key does, for help and the README.
    public let meaning: String
    /// The value when no flag, variable or file sets the key, as the README writes it.
    public let defaultText: String
    /// Checks a value and stores it.
    let apply: @Sendable (inout ListenerConfiguration.Settings, GivenValue) throws(ListenerError) -> Void
    /// The key's value in `settings`, as `--print-config` writes it (secrets masked).
    let show: @Sendable (ListenerConfiguration.Settings) -> JSONValue

    /// The long flag: `--max-body`.
    public var flag: String { "--" + words.joined(separator: "-") }
    /// The environment variable: `VES_LISTENER_MAX_BODY`.
    public var environmentVariable: String { "VES_LISTENER_" + words.joined(separator: "_").uppercased() }
    /// The key swift-configuration reads, relative to `ListenerConfiguration.Settings.scope`: `maxBody`, so
    /// `ves.listener.maxBody`, which its environment provider spells `VES_LISTENER_MAX_BODY`.
    var configKey: ConfigKey { ConfigKey([name]) }

    /// `maxBody` → max, body; `stndDefinedSchemas` → stnd, defined, schemas.
    var words: [String] {
        var words: [String] = []
        var current = ""
        for character in name {
            if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(contentsOf: character.lowercased())
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The key named `name` (as a file or `load(flags:)` spells it), or nil.
    public static func named(_ name: String) -> ListenerConfigurationKey? {
        all.first { $0.name == name }
    }

    /// A flag's value for `ListenerConfiguration.Settings.load(flags:environment:file:)`: one text, or the
    /// values of a repeatable flag.
    public enum FlagValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
        /// A flag given once: `--port 8443`.
        case one(String)
        /// A repeatable flag's values in order: `--schema-dir a --schema-dir b`.
        case many([String])

        public init(stringLiteral value: String) { self = .one(value) }
        public init(arrayLiteral elements: String...) { self = .many(elements) }

        var texts: [String] {
            switch self {
            case .one(let text): [text]
            case .many(let texts): texts
            }
        }
    }
}

/// A key's value as given, with where it came from, checked once it is known which key it is for.
struct GivenValue {
    /// The key's name: `maxBody`.
    let key: String
    /// Where the value came from, for messages: `--max-body`, `VES_LISTENER_MAX_BODY`, `listener.json`.
    let source: String
    /// One text for a single-valued key; each value of a list.
    let texts: [String]
    let isSecret: Bool

    var text: String { texts.last ?? "" }

    /// Empty text unsets an optional key (so a flag `--record ''` overrides a variable).
    var optionalText: String? { text.isEmpty ? nil : text }

    func integer(in range: ClosedRange<Int>) throws(ListenerError) -> Int {
        guard let value = Int(text[...].trimmingSpaces()), range.contains(value) else {
            throw invalid("a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func boolean() throws(ListenerError) -> Bool {
        switch text[...].trimmingSpaces().lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw invalid("true or false")
        }
    }

    /// One of `choices`, compared without case.
    func choice(_ choices: [String]) throws(ListenerError) -> String {
        let word = text[...].trimmingSpaces().lowercased()
        guard choices.contains(word) else {
            throw invalid(
                choices.count == 2 ? "\(choices[0]) or \(choices[1])" : "one of " + choices.joined(separator: ", ")
            )
        }
        return word
    }

    /// `Key 'port' (--port) value '70000' should be a whole number from 0 to 65535`; a secret's value is not
    /// repeated.
    func invalid(_ expected: String) -> ListenerError {
        let shown = isSecret ? "" : " value '\(texts.count > 1 ? texts.joined(separator: ",") : text)'"
        return ListenerError(code: .config, message: "Key '\(key)' (\(source))\(shown) should be \(expected)")
    }
}

extension ListenerConfigurationKey {
    /// Every key, in the order `--print-config` and the README show them.
    public static let all: [ListenerConfigurationKey] = [
        .requiredText("host", default: "127.0.0.1", "Address to bind.", \.host),
        .integer("port", 0...65535, default: "30000", "TCP port; 0 picks a free one.", \.port),
        .text("path", default: "none", "Path prefix before /eventListener (as the agent's Path).", \.path),
        .text(
            "username",
            default: "none",
            "Require Basic authentication with this user name (needs password).",
            \.username
        ),
        .text(
            "password",
            secret: true,
            default: "none",
            "Password for username; never printed or logged (prefer VES_LISTENER_PASSWORD or passwordFile).",
            \.password
        ),
        .text(
            "passwordFile",
            default: "none",
            "File whose first line is the password (instead of password), so it is not on the command line.",
            \.passwordFile
        ),
        .text(
            "controlToken",
            secret: true,
            default: "none",
            "Token that opens /testControl as 'Authorization: Bearer TOKEN'; set alone, it protects /testControl "
                + "without Basic authentication on events. Never printed or logged (prefer VES_LISTENER_CONTROL_TOKEN).",
            \.controlToken
        ),
        .text(
            "schema",
            default: "each version its own",
            "One schema for every API version: ves-1.1, ves-5.4.1, ves-7.2.1 or a draft-04 schema file.",
            \.schema
        ),
        ListenerConfigurationKey(
            name: "schemaFor",
            kind: .list,
            isSecret: false,
            meaning: "Schema for one API version, vN=NAME|FILE, e.g. v5=CommonEventFormat_28.4.1.json (repeatable).",
            defaultText: "none",
            apply: { settings, value throws(ListenerError) in
                for entry in value.texts where ListenerConfiguration.Settings.versionAndSchema(entry) == nil {
                    throw GivenValue(key: value.key, source: value.source, texts: [entry], isSecret: false).invalid(
                        "vN=FILE or vN=NAME (e.g. v5=CommonEventFormat_28.4.1.json, v7=ves-7.2.1)"
                    )
                }
                settings.schemaFor = value.texts
            },
            show: { .array($0.schemaFor.map(JSONValue.string)) }
        ),
        ListenerConfigurationKey(
            name: "profile",
            kind: .choice,
            isSecret: false,
            meaning: "spec answers as the listener specs say; onap as the ONAP VES collector does.",
            defaultText: "spec",
            apply: { settings, value throws(ListenerError) in
                settings.profile = ListenerConfiguration.Profile(rawValue: try value.choice(["spec", "onap"])) ?? .spec
            },
            show: { .string($0.profile.rawValue) }
        ),
        .text(
            "onapConfig",
            default: "the collector's defaults",
            "Folder of the collector's collector.properties (profile onap).",
            \.onapConfig
        ),
        .list(
            "schemaDir",
            "Folder to look for the schema files collector.properties names (repeatable).",
            \.schemaDirectories
        ),
        .list(
            "stndDefinedSchemas",
            "Folder with a schema-map.json and the OpenAPI files it names; stndDefined data is checked (repeatable).",
            \.stndDefinedSchemas
        ),
        ListenerConfigurationKey(
            name: "stndDefinedUnknown",
            kind: .choice,
            isSecret: false,
            meaning: "A schemaReference no schema map knows: reject (a violation) or accept (a warning).",
            defaultText: "reject",
            apply: { settings, value throws(ListenerError) in
                settings.acceptsUnknownStndDefined = try value.choice(["reject", "accept"]) == "accept"
            },
            show: { .string($0.acceptsUnknownStndDefined ? "accept" : "reject") }
        ),
        .boolean(
            "acceptInvalid",
            "Answer 202 to every well-formed request; every violation is still recorded and reported.",
            \.acceptInvalid
        ),
        .text("record", default: "none", "JSON Lines file every record is appended to.", \.record),
        .boolean(
            "fsync",
            "Make each record line durable (fsync) before the answer is sent; slower, survives a power cut.",
            \.fsync
        ),
        .text("junit", default: "none", "JUnit XML report written at shutdown.", \.junit),
        .integer(
            "maxBody",
            1...ListenerConfiguration.Settings.maximumBodyLimit,
            default: "1048576",
            "Largest request body accepted, in bytes (at most 1 GiB).",
            \.maxBody
        ),
        .integer(
            "maxBatch",
            1...10_000_000,
            default: "10000",
            "Most events in one eventBatch; a larger batch gets 400 POL9003 without its items being validated.",
            \.maxBatch
        ),
        .integer(
            "maxViolations",
            1...1_000_000,
            default: "100",
            "Most violations one answer lists; the record keeps them all.",
            \.maxViolations
        ),
        .integer(
            "maxRecords",
            1...100_000_000,
            default: "100000",
            "Records kept in memory for /testControl (the newest); the record file and the counts keep all.",
            \.maxRecords
        ),
        .text("tlsCert", default: "none", "PEM certificate chain: serve HTTPS (needs tlsKey).", \.tlsCert),
        .text("tlsKey", default: "none", "PEM private key for tlsCert.", \.tlsKey),
        .boolean("strict", "Exit 1 at shutdown if any event was invalid.", \.strict),
        ListenerConfigurationKey(
            name: "logLevel",
            kind: .choice,
            isSecret: false,
            meaning: "trace, debug, info, notice, warning, error or critical; logs go to stderr.",
            defaultText: "info",
            apply: { settings, value throws(ListenerError) in
                let word = try value.choice(Logger.Level.allCases.map(\.rawValue))
                settings.logLevel = Logger.Level(rawValue: word) ?? .info
            },
            show: { .string($0.logLevel.rawValue) }
        ),
        .integer(
            "idleTimeout",
            1...86_400,
            default: "30",
            "Seconds before an idle connection is closed (1 to 86400).",
            \.idleTimeout
        ),
        .integer(
            "maxWaiters",
            1...10_000,
            default: "64",
            "Most /testControl/v1/wait long polls open at once; more get 503.",
            \.maxWaiters
        ),
        .integer(
            "maxWait",
            1...86_400,
            default: "300",
            "Longest /testControl/v1/wait timeout, in seconds; a longer one is cut to it.",
            \.maxWait
        ),
    ]

    static func text(
        _ name: String,
        secret: Bool = false,
        default defaultText: String,
        _ meaning: String,
        _ keyPath: any WritableKeyPath<ListenerConfiguration.Settings, String?> & Sendable
    ) -> ListenerConfigurationKey {
        ListenerConfigurationKey(
            name: name,
            kind: .text,
            isSecret: secret,
            meaning: meaning,
            defaultText: defaultText,
            apply: { settings, value throws(ListenerError) in settings[keyPath: keyPath] = value.optionalText },
            show: { settings in
                guard let text = settings[keyPath: keyPath] else { return .null }
                return .string(secret ? ListenerConfiguration.Settings.mask : text)
            }
        )
    }

    /// A key that always has a value: empty text is refused.
    static func requiredText(
        _ name: String,
        default defaultText: String,
        _ meaning: String,
        _ keyPath: any WritableKeyPath<ListenerConfiguration.Settings, String> & Sendable
    ) -> ListenerConfigurationKey {
        ListenerConfigurationKey(
            name: name,
            kind: .text,
            isSecret: false,
            meaning: meaning,
            defaultText: defaultText,
            apply: { settings, value throws(ListenerError) in
                guard let text = value.optionalText else { throw value.invalid("not empty") }
                settings[keyPath: keyPath] = text
            },
            show: { .string($0[keyPath: keyPath]) }
        )
    }

    static func integer(
        _ name: String,
        _ range: ClosedRange<Int>,
        default defaultText: String,
        _ meaning: String,
        _ keyPath: any WritableKeyPath<ListenerConfiguration.Settings, Int> & Sendable
    ) -> ListenerConfigurationKey {
        ListenerConfigurationKey(
            name: name,
            kind: .integer,
            isSecret: false,
            meaning: meaning,
            defaultText: defaultText,
            apply: { settings, value throws(ListenerError) in
                settings[keyPath: keyPath] = try value.integer(in: range)
            },
            show: { .integer(Int64($0[keyPath: keyPath])) }
        )
    }

    static func boolean(
        _ name: String,
        _ meaning: String,
        _ keyPath: any WritableKeyPath<ListenerConfiguration.Settings, Bool> & Sendable
    ) -> ListenerConfigurationKey {
        ListenerConfigurationKey(
            name: name,
            kind: .boolean,
            isSecret: false,
            meaning: meaning,
            defaultText: "false",
            apply: { settings, value throws(ListenerError) in settings[keyPath: keyPath] = try value.boolean() },
            show: { .bool($0[keyPath: keyPath]) }
        )
    }

    static func list(
        _ name: String,
        _ meaning: String,
        _ keyPath: any WritableKeyPath<ListenerConfiguration.Settings, [String]> & Sendable
    ) -> ListenerConfigurationKey {
        ListenerConfigurationKey(
            name: name,
            kind: .list,
            isSecret: false,
            meaning: meaning,
            defaultText: "none",
            apply: { settings, value throws(ListenerError) in settings[keyPath: keyPath] = value.texts },
            show: { .array($0[keyPath: keyPath].map(JSONValue.string)) }
        )
    }
}
