import Collectd
import Configuration
import VESMapping
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
                let shown = ConfigFile.displayedKey(entry.key).map { "Key '\($0)' name" } ?? "A key name"
                throw AgentError(
                    code: .config,
                    message: "\(shown) is invalid (\(entry.source)); known keys: "
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
        var sources: [String: String] = [:]
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
            sources[key.name] = source
            try key.apply(&configuration, ParsedValue(text: text, source: source, key: key.name))
        }
        try configuration.check()
        if let path = configuration.mappingFile {
            let mapping = try loadMapping(
                path: path,
                source: sources["MappingFile"],
                explicitVersion: sources["VesVersion"].map { _ in configuration.vesVersion },
                versionSource: sources["VesVersion"] ?? "VesVersion"
            )
            configuration.vesVersion = mapping.version
        }
        return configuration
    }

    /// Loads and checks a mapping file at start-up: a problem in it is a configuration error whose message starts
    /// with the file's `FILE:LINE:COLUMN:`; a VesVersion given as well must be the file's version.
    static func loadMapping(
        path: String,
        source: String?,
        explicitVersion: VESVersion?,
        versionSource: String = "VesVersion"
    ) throws(AgentError) -> MappingFile {
        let mapping: MappingFile
        do {
            mapping = try MappingFile.load(path: path)
        } catch {
            throw AgentError(code: .config, message: "\(error) (Key 'MappingFile'\(source.map { ", " + $0 } ?? ""))")
        }
        if let explicitVersion, explicitVersion != mapping.version {
            throw AgentError(
                code: .config,
                message:
                    "Key 'VesVersion' (\(versionSource)) is \(explicitVersion.rawValue), but the mapping file \(path) "
                    + "builds VES \(mapping.version.rawValue) events: leave VesVersion out or set it to "
                    + mapping.version.rawValue
            )
        }
        return mapping
    }

    /// Checks the numbers of a configuration made in code (tests, tools) as the keys check those read: each must
    /// be finite and in its key's range before it becomes a Duration, a count or a timeout. The exception is
    /// SendEventInterval, which code may set down to ``embeddedSendEventIntervals`` so that tests tick fast. The
    /// retry delays, which have no key, must lie in ``retryDelays``, the maximum no less than the initial one.
    public func checkRanges() throws(AgentError) {
        var copy = self
        for key in AgentConfigurationKey.all where key.kind == .number || key.kind == .integer {
            if key.name == "SendEventInterval", Self.embeddedSendEventIntervals.contains(sendEventInterval) { continue }
            try key.apply(&copy, ParsedValue(text: key.show(self), source: "configuration", key: key.name))
        }
        for (name, value) in [("initialRetryDelay", initialRetryDelay), ("maximumRetryDelay", maximumRetryDelay)]
        where !Self.retryDelays.contains(value) {
            throw AgentError(
                code: .config,
                message: "\(name) is \(value); it should be a number of seconds from 0.001 to 86400"
            )
        }
        if maximumRetryDelay < initialRetryDelay {
            throw AgentError(
                code: .config,
                message:
                    "maximumRetryDelay (\(maximumRetryDelay) s) is less than initialRetryDelay (\(initialRetryDelay) s)"
            )
        }
    }

    /// Checks what single keys cannot: combinations and files that must exist.
    func check() throws(AgentError) {
        try checkRanges()
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
