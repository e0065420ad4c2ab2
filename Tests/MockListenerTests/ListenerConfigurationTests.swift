import Foundation
import Logging
import MockListener
import TestSupport
import Testing

/// `ves-listener`'s keys loaded from flags, `VES_LISTENER_*` variables and a `--config` file.
@Suite("Listener configuration: keys, precedence, checks and --print-config")
struct ListenerConfigurationTests {
    typealias Settings = ListenerConfiguration.Settings

    /// A `--config` file holding `text`, removed after `body`.
    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = try TemporaryFile.write(text, suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The error `load` throws for these sources.
    static func loadError(
        flags: [String: ListenerConfigurationKey.FlagValue] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) -> ListenerError? {
        #expect(throws: ListenerError.self) {
            try Settings.load(flags: flags, environment: environment, file: file)
        }
    }

    @Test("with nothing given every key has its default")
    func defaults() throws {
        let settings = try Settings.load()
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 30000)
        #expect(settings.maxBody == 1_048_576)
        #expect(settings.idleTimeout == 30)
        #expect(settings.profile == .spec)
        #expect(settings.logLevel == .info)
        #expect(!settings.strict && !settings.acceptInvalid && !settings.acceptsUnknownStndDefined)
        #expect(settings.schemaFor.isEmpty && settings.schemaDirectories.isEmpty && settings.stndDefinedSchemas.isEmpty)
        #expect(settings.source(of: "port") == "default")
    }

    @Test("a flag wins over its VES_LISTENER_ variable, which wins over the file")
    func precedence() throws {
        try Self.withFile(#"{"port": 1111, "host": "0.0.0.0", "logLevel": "debug", "strict": true}"#) { file in
            let environment = ["VES_LISTENER_PORT": "2222", "VES_LISTENER_LOG_LEVEL": "warning"]
            let all = try Settings.load(flags: ["port": "3333"], environment: environment, file: file)
            #expect(all.port == 3333)
            #expect(all.source(of: "port") == "--port")
            #expect(all.logLevel == .warning)
            #expect(all.source(of: "logLevel") == "VES_LISTENER_LOG_LEVEL")
            #expect(all.host == "0.0.0.0")
            #expect(all.source(of: "host") == file)
            #expect(all.strict)

            let noFlag = try Settings.load(environment: environment, file: file)
            #expect(noFlag.port == 2222)
            #expect(noFlag.source(of: "port") == "VES_LISTENER_PORT")

            let fileOnly = try Settings.load(file: file)
            #expect(fileOnly.port == 1111)
            #expect(fileOnly.logLevel == .debug)

            let off = try Settings.load(flags: ["strict": "false"], environment: ["VES_LISTENER_STRICT": "true"])
            #expect(!off.strict, "--no-strict overrides the variable")
        }
    }

    @Test("empty text unsets an optional key, so a flag can clear what a variable set")
    func emptyUnsets() throws {
        let settings = try Settings.load(flags: ["record": ""], environment: ["VES_LISTENER_RECORD": "/tmp/r.jsonl"])
        #expect(settings.record == nil)
    }

    @Test(
        "a bad value is refused with the key, where it came from and what it should be",
        arguments: [
            (["port": "70000"], [:], "Key 'port' (--port) value '70000' should be a whole number from 0 to 65535"),
            ([:], ["VES_LISTENER_PORT": "http"], "Key 'port' (VES_LISTENER_PORT) value 'http'"),
            ([:], ["VES_LISTENER_MAX_BODY": "0"], "Key 'maxBody' (VES_LISTENER_MAX_BODY) value '0' should be"),
            (["maxBody": "2147483648"], [:], "from 1 to 1073741824"),
            (["idleTimeout": "0"], [:], "Key 'idleTimeout' (--idle-timeout) value '0' should be a whole number from 1"),
            (["idleTimeout": "100000"], [:], "to 86400"),
            (["profile": "collector"], [:], "Key 'profile' (--profile) value 'collector' should be spec or onap"),
            ([:], ["VES_LISTENER_STND_DEFINED_UNKNOWN": "maybe"], "(VES_LISTENER_STND_DEFINED_UNKNOWN) value 'maybe'"),
            (["logLevel": "loud"], [:], "should be one of trace, debug, info, notice, warning, error, critical"),
            (["strict": "sometimes"], [:], "Key 'strict' (--strict) value 'sometimes' should be true or false"),
            (["schemaFor": ["v5=a.json", "five=x.json"]], [:], "Key 'schemaFor' (--schema-for) value 'five=x.json'"),
            (["host": ""], [:], "Key 'host' (--host) value '' should be not empty"),
            (["username": "u"], [:], "Key 'username' (--username) is set but 'password' is not"),
            ([:], ["VES_LISTENER_TLS_KEY": "k.pem"], "give --tls-cert, VES_LISTENER_TLS_CERT"),
            (["onapConfig": "/etc/ves"], [:], "Key 'onapConfig' (--onap-config) goes with profile onap"),
            (["prot": "1"], [:], "Key 'prot' name is invalid (flags)"),
        ] as [([String: ListenerConfigurationKey.FlagValue], [String: String], String)]
    )
    func badValue(
        flags: [String: ListenerConfigurationKey.FlagValue],
        environment: [String: String],
        expected: String
    ) throws {
        let error = try #require(Self.loadError(flags: flags, environment: environment))
        #expect(error.code == .config)
        #expect(error.message.contains(expected), "message was: \(error.message)")
    }

    @Test("a bad value in the file names the file; an unknown key there is named with the key meant")
    func badFileValues() throws {
        try Self.withFile(#"{"idleTimeout": 0.5}"#) { file in
            let error = try #require(Self.loadError(file: file))
            #expect(error.message.contains("Key 'idleTimeout' (\(file)) value '0.5'"), "message was: \(error.message)")
        }
        try Self.withFile(#"{"max-body": 10}"#) { file in
            let error = try #require(Self.loadError(file: file))
            #expect(error.message.contains("Key 'max-body' name is invalid (\(file)); did you mean 'maxBody'?"))
        }
        try Self.withFile(#"{"port": [1, 2]}"#) { file in
            #expect(Self.loadError(file: file)?.message.contains("takes one value, not an array") == true)
        }
        try Self.withFile(#"["port", 1]"#) { file in
            #expect(Self.loadError(file: file)?.message.contains("not an object of keys") == true)
        }
        try Self.withFile(#"{"port": 1"#) { file in
            #expect(Self.loadError(file: file)?.message.contains("is not JSON") == true)
        }
        let missing = Self.loadError(file: "/nonexistent/listener.json")
        #expect(missing?.message.contains("cannot read the configuration file /nonexistent/listener.json") == true)
    }

    @Test("a secret's value is never repeated in a message")
    func secretNotInMessages() throws {
        let error = try #require(Self.loadError(environment: ["VES_LISTENER_PASSWORD": "s3cret"]))
        #expect(error.message.contains("Key 'password' (VES_LISTENER_PASSWORD) is set but 'username' is not"))
        #expect(!error.message.contains("s3cret"))
    }

    @Test("repeatable keys are lists: repeated flags, comma-separated variables, file arrays; one source wins whole")
    func repeatableKeys() throws {
        let environment = ["VES_LISTENER_SCHEMA_DIR": "c, d,", "VES_LISTENER_SCHEMA_FOR": "v5=ves-5.4.1,v7=ves-7.2.1"]
        let file = #"{"schemaDir": ["e", "f"], "stndDefinedSchemas": "g", "schemaFor": ["v1=ves-1.1"]}"#
        try Self.withFile(file) { file in
            let flagged = try Settings.load(flags: ["schemaDir": ["a", "b,c"]], environment: environment, file: file)
            #expect(flagged.schemaDirectories == ["a", "b,c"], "a flag's value is never split")
            #expect(flagged.schemaFor == ["v5=ves-5.4.1", "v7=ves-7.2.1"])
            #expect(flagged.stndDefinedSchemas == ["g"], "one string in the file is a list of one")

            let environmentOnly = try Settings.load(environment: environment)
            #expect(environmentOnly.schemaDirectories == ["c", "d"])
            #expect(environmentOnly.source(of: "schemaDir") == "VES_LISTENER_SCHEMA_DIR")

            let fileOnly = try Settings.load(file: file)
            #expect(fileOnly.schemaDirectories == ["e", "f"])
            #expect(fileOnly.schemaFor == ["v1=ves-1.1"])
        }
    }

    @Test("variables of other VES_LISTENER_ names, such as the scripts' URL and PID, are not keys and are ignored")
    func otherVariablesIgnored() throws {
        let settings = try Settings.load(environment: ["VES_LISTENER_URL": "http://x", "VES_LISTENER_PID": "12"])
        #expect(settings.port == 30000)
    }

    @Test("--print-config shows every key, masks the password, and reads back as a --config file")
    func printConfig() throws {
        let settings = try Settings.load(
            flags: ["username": "ves", "schemaDir": ["a", "b"], "maxBody": "2048"],
            environment: ["VES_LISTENER_PASSWORD": "s3cret"]
        )
        let text = settings.rendered()
        #expect(!text.contains("s3cret"))
        #expect(!"\(settings)".contains("s3cret"))
        #expect(text.contains(#""password": "********""#))
        #expect(text.contains(#""schemaDir": ["a","b"]"#))
        #expect(text.contains(#""maxBody": 2048"#))
        #expect(text.contains(#""record": null"#))
        for key in ListenerConfigurationKey.all {
            #expect(text.contains("\"\(key.name)\": "), "\(key.name) missing")
        }
        try Self.withFile(text) { file in
            let again = try Settings.load(file: file)
            #expect(again.rendered() == text)
            #expect(again.password == Settings.mask)
        }
    }

    @Test("the key table: flags in kebab case, variables VES_LISTENER_ in upper snake case, all distinct")
    func keyTable() {
        let maxBody = ListenerConfigurationKey.named("maxBody")
        #expect(maxBody?.flag == "--max-body")
        #expect(maxBody?.environmentVariable == "VES_LISTENER_MAX_BODY")
        #expect(ListenerConfigurationKey.named("stndDefinedSchemas")?.flag == "--stnd-defined-schemas")
        let keys = ListenerConfigurationKey.all
        #expect(Set(keys.map(\.flag)).count == keys.count)
        #expect(Set(keys.map(\.environmentVariable)).count == keys.count)
        #expect(keys.filter(\.isSecret).map(\.name) == ["password", "controlToken"])
        #expect(keys.allSatisfy { !$0.meaning.isEmpty && !$0.defaultText.isEmpty })
    }

    @Test("the settings become the listener's configuration; a file that cannot be used names its key")
    func configurationFromSettings() throws {
        let settings = try Settings.load(
            flags: ["path": "/a//b/", "username": "u", "password": "p", "schemaFor": ["v4=ves-1.1"]],
            environment: ["VES_LISTENER_ACCEPT_INVALID": "yes", "VES_LISTENER_MAX_BODY": "4096"]
        )
        let configuration = try ListenerConfiguration(settings: settings)
        #expect(configuration.pathPrefix == ["a", "b"])
        #expect(configuration.credentials == Credentials(username: "u", password: "p"))
        #expect(configuration.acceptInvalid)
        #expect(configuration.maxBodyBytes == 4096)
        #expect(configuration.schemasByVersion["v4"]?.name == "ves-1.1")

        let unreadable = try Settings.load(environment: ["VES_LISTENER_SCHEMA": "/nonexistent/schema.json"])
        let error = #expect(throws: ListenerError.self) { try ListenerConfiguration(settings: unreadable) }
        #expect(error?.code == .schema)
        #expect(error?.message.hasPrefix("Key 'schema' (VES_LISTENER_SCHEMA): cannot load schema") == true)
    }
}

/// The built `ves-listener` reading its configuration.
@Suite("ves-listener configuration, as the program reads it")
struct ListenerConfigurationExecutableTests {
    @Test("a bad value from a variable or the file stops it before it listens, naming the key and the source")
    func badValueExits() async throws {
        let fromVariable = try RunningProgram("ves-listener", [], environment: ["VES_LISTENER_MAX_BODY": "0"])
        let (status, output, errors) = try await fromVariable.finish()
        #expect(status != 0)
        #expect(!output.contains("listening on"))
        #expect(errors.contains("Key 'maxBody' (VES_LISTENER_MAX_BODY) value '0' should be"), "stderr was: \(errors)")

        let file = try TemporaryFile.write(#"{"port": 70000}"#, suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try RunningProgram("ves-listener", ["--config", file])
        let (fileStatus, _, fileErrors) = try await fromFile.finish()
        #expect(fileStatus != 0)
        #expect(fileErrors.contains("Key 'port' (\(file)) value '70000'"), "stderr was: \(fileErrors)")
    }

    @Test("--print-config prints the effective configuration, password masked, and exits 0")
    func printConfig() async throws {
        let file = try TemporaryFile.write(#"{"port": 1111, "schemaDir": ["x"]}"#, suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let running = try RunningProgram(
            "ves-listener",
            ["--config", file, "--print-config", "--username", "ves", "--schema-dir", "a", "--schema-dir", "b"],
            environment: ["VES_LISTENER_PASSWORD": "s3cret", "VES_LISTENER_PORT": "2222"]
        )
        let (status, output, errors) = try await running.finish()
        #expect(status == 0)
        #expect(output.contains(#""port": 2222"#))
        #expect(output.contains(#""schemaDir": ["a","b"]"#))
        #expect(output.contains(#""password": "********""#))
        #expect(!output.contains("s3cret") && !errors.contains("s3cret"))
        #expect(!output.contains("listening on"))
    }

    @Test("every key's flag is one of the program's options")
    func everyKeyHasItsFlag() async throws {
        let running = try RunningProgram("ves-listener", ["--help"])
        let (status, output, _) = try await running.finish()
        #expect(status == 0)
        for key in ListenerConfigurationKey.all {
            #expect(output.contains(key.flag), "\(key.flag) missing from --help")
        }
    }
}
