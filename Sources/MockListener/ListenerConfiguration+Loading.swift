public import Configuration
import JSON
import Platform

extension ListenerConfiguration.Settings {
    /// The settings flags, the environment and a file give, in that order of precedence: a key's flag wins over
    /// its `VES_LISTENER_*` variable, which wins over the file; a repeatable key's values come whole from the
    /// first of those that has it (they are not merged).
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, by key name (`maxBody`); a repeatable flag's as a list.
    ///   - environment: the process environment; only the keys' variables (`VES_LISTENER_MAX_BODY`) are read,
    ///     a list comma-separated.
    ///   - file: a JSON object of key names and values (`{"port": 8443, "schemaDir": ["a", "b"]}`), or nil.
    /// - Throws: ``ListenerError`` with code `config`, naming the key and where its value came from.
    public static func load(
        flags: [String: ListenerConfigurationKey.FlagValue] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) throws(ListenerError) -> Self {
        for name in flags.keys.sorted() where ListenerConfigurationKey.named(name) == nil {
            throw unknownKey(name, in: "flags")
        }
        let fileValues = try file.map { path throws(ListenerError) in try readFile(path) } ?? [:]
        func provider(_ name: String, _ values: [String: [String]]) -> InMemoryProvider {
            var entries: [AbsoluteConfigKey: ConfigValue] = [:]
            for (name, texts) in values {
                guard let key = ListenerConfigurationKey.named(name) else { continue }
                let content: ConfigContent = key.kind == .list ? .stringArray(texts) : .string(texts.last ?? "")
                entries[AbsoluteConfigKey(scope).appending(key.configKey)] = ConfigValue(
                    content,
                    isSecret: key.isSecret
                )
            }
            return InMemoryProvider(name: name, values: entries)
        }
        let secrets = Set(ListenerConfigurationKey.all.filter(\.isSecret).map(\.environmentVariable))
        let reader = ConfigReader(providers: [
            provider("flags", flags.mapValues(\.texts)),
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)),
            provider(file ?? "file", fileValues),
        ])
        let sources = ValueSources(
            flags: Set(flags.keys),
            environment: Set(environment.keys),
            file: file,
            fileKeys: Set(fileValues.keys)
        )
        return try Self(reader: reader.scoped(to: scope), sources: sources)
    }

    /// The settings `reader` holds, each key read by its name (`maxBody`) relative to the reader: scope a reader
    /// over the environment to ``scope`` (`ves.listener`) and `VES_LISTENER_MAX_BODY` is read. A bad value's
    /// message names the key; ``load(flags:environment:file:)`` also names where the value came from.
    public init(reader: ConfigReader) throws(ListenerError) {
        try self.init(reader: reader, sources: nil)
    }

    /// Where the keys live in a whole configuration: `ves.listener`, so the environment spells them
    /// `VES_LISTENER_*`.
    public static let scope = ConfigKey(["ves", "listener"])

    init(reader: ConfigReader, sources: ValueSources?) throws(ListenerError) {
        self.init()
        for key in ListenerConfigurationKey.all {
            let texts: [String]?
            if key.kind == .list {
                texts = reader.stringArray(forKey: key.configKey, isSecret: key.isSecret)?
                    .map { String($0[...].trimmingSpaces()) }.filter { !$0.isEmpty }
            } else {
                texts = reader.string(forKey: key.configKey, isSecret: key.isSecret).map { [$0] }
            }
            guard let texts else { continue }
            let source = sources?.source(of: key) ?? "configuration"
            try key.apply(&self, GivenValue(key: key.name, source: source, texts: texts, isSecret: key.isSecret))
            self.sources[key.name] = source
        }
        try check()
    }

    /// Every key with its effective value, as a JSON object with one key a line in ``ListenerConfigurationKey/all``'s
    /// order (unset keys `null`, the password and control token masked): a file `--config` reads back.
    public func rendered() -> String {
        let lines = ListenerConfigurationKey.all.map { key in
            "  " + JSONValue.quoted(key.name) + ": " + key.show(self).jsonString()
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    /// Reads a `--config` file: a JSON object whose members are keys (`null` leaves a key unset). Values may be
    /// strings, numbers or booleans; a repeatable key takes an array of them (or one).
    static func readFile(_ path: String) throws(ListenerError) -> [String: [String]] {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw ListenerError(code: .config, message: "cannot read the configuration file \(path): \(error.message)")
        }
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            // the parser's message may quote a character or number of a value: never one of a secret
            let secretNames = ListenerConfigurationKey.all.filter(\.isSecret).map { "\"" + $0.name + "\"" }
            let text = String(decoding: bytes, as: UTF8.self)
            let detail =
                secretNames.contains { text.contains($0) }
                ? "its text is not shown because the file holds a secret" : error.message
            throw ListenerError(
                code: .config,
                message: "the configuration file \(path) is not JSON: \(detail) (at byte \(error.offset))"
            )
        }
        guard let object = document.objectValue else {
            throw ListenerError(
                code: .config,
                message: "the configuration file \(path) holds \(document.typeName), not an object of keys "
                    + "such as {\"port\": 8443}"
            )
        }
        var values: [String: [String]] = [:]
        for (name, value) in object.members {
            guard let key = ListenerConfigurationKey.named(name) else { throw unknownKey(name, in: path) }
            let texts: [String]
            switch value {
            case .null: continue
            case .array(let items):
                guard key.kind == .list else {
                    throw ListenerError(
                        code: .config,
                        message: "Key '\(name)' (\(path)) takes one value, not an array"
                    )
                }
                texts = try items.map { item throws(ListenerError) in try scalarText(item, key: name, file: path) }
            default:
                texts = [try scalarText(value, key: name, file: path)]
            }
            values[name] = texts
        }
        return values
    }

    /// The password in the first line of the file at `path` (`--password-file`), its line end stripped. A
    /// message says why the file cannot be used, never what it holds.
    static func password(fromFile path: String) throws(ListenerError) -> String {
        let line: [UInt8]
        do {
            line = try FileBytes.firstLine(path)
        } catch {
            throw ListenerError(code: .config, message: "cannot read the password file \(path): \(error.message)")
        }
        guard !line.isEmpty else {
            throw ListenerError(
                code: .config,
                message: "the first line of the password file \(path) is empty; write the password on it"
            )
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// A string, number or boolean of the file as the text a flag would give.
    private static func scalarText(_ value: JSONValue, key: String, file: String) throws(ListenerError) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer, .largeInteger: return value.jsonString()
        case .number(let number):
            // 30.0 is the whole number 30; any other fraction is left for the key's check to refuse
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        default:
            throw ListenerError(
                code: .config,
                message: "Key '\(key)' (\(file)) value is \(value.typeName); it should be a string, number or boolean"
            )
        }
    }

    /// `Key 'prot' name is invalid (flags). Known keys: ...`, with the key meant when a flag's or a variable's
    /// spelling was used (`max-body`, `VES_LISTENER_MAX_BODY`, `MaxBody`).
    static func unknownKey(_ name: String, in source: String) -> ListenerError {
        let meant = ListenerConfigurationKey.all.first { key in
            key.name.lowercased() == name.lowercased() || key.flag == "--" + name || key.flag == name
                || key.environmentVariable == name
        }
        return ListenerError(
            code: .config,
            message: "Key '\(name)' name is invalid (\(source))"
                + (meant.map { "; did you mean '\($0.name)'? " } ?? ". ")
                + "Known keys: " + ListenerConfigurationKey.all.map(\.name).joined(separator: ", ")
        )
    }
}

/// Which provider gave each key, for messages: the flags, the environment or the file, in that order.
struct ValueSources {
    var flags: Set<String>
    var environment: Set<String>
    var file: String?
    var fileKeys: Set<String>

    func source(of key: ListenerConfigurationKey) -> String {
        if flags.contains(key.name) { return key.flag }
        if environment.contains(key.environmentVariable) { return key.environmentVariable }
        if let file, fileKeys.contains(key.name) { return file }
        return "configuration"
    }
}
