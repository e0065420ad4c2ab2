import Foundation
import MockListener
import TestSupport
import Testing

/// The password file, the control token and the limit keys of issue 15.
@Suite("Listener configuration: password file, control token, limits")
struct ListenerSecretAndLimitKeyTests {
    typealias Settings = ListenerConfiguration.Settings

    /// A file holding `text`, removed after `body`.
    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        try ListenerConfigurationTests.withFile(text, body)
    }

    /// The error building the configuration from these flags throws, from loading or from reading files.
    static func configurationError(
        flags: [String: ListenerConfigurationKey.FlagValue] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) -> ListenerError? {
        #expect(throws: ListenerError.self) {
            _ = try ListenerConfiguration(
                settings: try Settings.load(flags: flags, environment: environment, file: file)
            )
        }
    }

    @Test("--password-file: the password is the file's first line, its line end stripped")
    func passwordFile() throws {
        for text in ["pa ss:word\n", "pa ss:word\r\nsecond line\n", "pa ss:word"] {
            try Self.withFile(text) { path in
                let settings = try Settings.load(flags: ["username": "ves", "passwordFile": .one(path)])
                #expect(settings.password == nil)
                #expect(settings.rendered().contains(#""passwordFile": "\#(path)""#))
                let configuration = try ListenerConfiguration(settings: settings)
                #expect(configuration.credentials == Credentials(username: "ves", password: "pa ss:word"))
            }
        }
        let fromVariable = try Self.withFile("s3cret\n") { path in
            try ListenerConfiguration(
                settings: try Settings.load(environment: [
                    "VES_LISTENER_USERNAME": "ves", "VES_LISTENER_PASSWORD_FILE": path,
                ])
            )
        }
        #expect(fromVariable.credentials?.password == "s3cret")
    }

    @Test("a password file that cannot be used is named with why, never with what it holds")
    func passwordFileErrors() throws {
        let missing = Self.configurationError(flags: ["username": "ves", "passwordFile": "/nonexistent/pass"])
        #expect(missing?.code == .config)
        #expect(
            missing?.message.hasPrefix(
                "Key 'passwordFile' (--password-file): cannot read the password file /nonexistent/pass"
            ) == true,
            "message was: \(missing?.message ?? "none")"
        )
        try Self.withFile("\ns3cret\n") { path in
            let empty = Self.configurationError(flags: ["username": "ves", "passwordFile": .one(path)])
            #expect(empty?.message.contains("first line of the password file \(path) is empty") == true)
            #expect(empty?.message.contains("s3cret") == false)
        }
        try Self.withFile(String(repeating: "s3cret", count: 2000)) { path in
            let long = Self.configurationError(flags: ["username": "ves", "passwordFile": .one(path)])
            #expect(long?.message.contains("longer than 4096 bytes") == true)
            #expect(long?.message.contains("s3cret") == false)
        }
        try Self.withFile("s3cret\n") { path in
            let both = Self.configurationError(
                flags: ["username": "ves", "passwordFile": .one(path)],
                environment: ["VES_LISTENER_PASSWORD": "s3cret"]
            )
            #expect(both?.message.contains("'password' (VES_LISTENER_PASSWORD) and 'passwordFile'") == true)
            #expect(both?.message.contains("s3cret") == false)
            let alone = Self.configurationError(flags: ["passwordFile": .one(path)])
            #expect(alone?.message.contains("Key 'passwordFile' (--password-file) is set but 'username'") == true)
        }
    }

    @Test("--control-token is a secret: masked by --print-config, never in a message, and it reaches the listener")
    func controlTokenIsSecret() throws {
        let settings = try Settings.load(environment: ["VES_LISTENER_CONTROL_TOKEN": "t0ken-s3cret"])
        #expect(settings.rendered().contains(#""controlToken": "********""#))
        #expect(!settings.rendered().contains("t0ken-s3cret") && !"\(settings)".contains("t0ken-s3cret"))
        #expect(try ListenerConfiguration(settings: settings).controlToken == "t0ken-s3cret")
        #expect(ListenerConfigurationKey.named("controlToken")?.flag == "--control-token")
    }

    @Test("a --config file that is not JSON and holds a secret is refused without quoting any of it")
    func brokenFileWithSecret() throws {
        try Self.withFile(#"{"username": "ves", "password": 7e99999}"#) { path in
            let error = try #require(Self.configurationError(file: path))
            #expect(error.message.contains("the configuration file \(path) is not JSON"))
            #expect(!error.message.contains("7e99999"), "message was: \(error.message)")
        }
        try Self.withFile(#"{"controlToken": s3cret}"#) { path in
            let error = try #require(Self.configurationError(file: path))
            #expect(!error.message.contains("'s'"), "message was: \(error.message)")
        }
        try Self.withFile(#"{"port": 7e99999}"#) { path in
            let error = try #require(Self.configurationError(file: path))
            #expect(error.message.contains("7e99999"), "without a secret the parser's words stay")
        }
    }

    @Test("the limit keys: defaults, their flags and variables, into the listener's configuration")
    func limitKeys() throws {
        let defaults = try ListenerConfiguration(settings: try Settings.load())
        #expect(defaults.maxBatchItems == 10_000 && defaults.maxViolationsPerAnswer == 100)
        #expect(defaults.maxRecordsInMemory == 100_000 && !defaults.fsyncRecords)
        #expect(defaults.maxWaiters == 64 && defaults.maxWaitSeconds == 300)
        let settings = try Settings.load(
            flags: ["maxBatch": "5", "maxViolations": "7", "fsync": "true", "maxWait": "86400"],
            environment: ["VES_LISTENER_MAX_RECORDS": "100000000", "VES_LISTENER_MAX_WAITERS": "1"]
        )
        let configuration = try ListenerConfiguration(settings: settings)
        #expect(configuration.maxBatchItems == 5 && configuration.maxViolationsPerAnswer == 7)
        #expect(configuration.maxRecordsInMemory == 100_000_000 && configuration.fsyncRecords)
        #expect(configuration.maxWaiters == 1 && configuration.maxWaitSeconds == 86_400)
        #expect(settings.source(of: "maxRecords") == "VES_LISTENER_MAX_RECORDS")
        let flags = ["maxBatch", "maxViolations", "maxRecords", "fsync", "maxWaiters", "maxWait"]
            .compactMap { ListenerConfigurationKey.named($0)?.flag }
        #expect(
            flags == ["--max-batch", "--max-violations", "--max-records", "--fsync", "--max-waiters", "--max-wait"]
        )
    }

    @Test(
        "each limit is range-checked",
        arguments: [
            ("maxBatch", "0", "from 1 to 10000000"), ("maxBatch", "10000001", "from 1 to 10000000"),
            ("maxViolations", "0", "from 1 to 1000000"), ("maxRecords", "100000001", "from 1 to 100000000"),
            ("maxWaiters", "10001", "from 1 to 10000"), ("maxWait", "0", "from 1 to 86400"),
            ("maxWait", "86401", "from 1 to 86400"), ("idleTimeout", "-1", "from 1 to 86400"),
            ("fsync", "sometimes", "true or false"),
        ]
    )
    func limitRanges(key: String, value: String, expected: String) throws {
        let flag = ListenerConfigurationKey.named(key)?.flag ?? key
        let error = try #require(Self.configurationError(flags: [key: .one(value)]))
        #expect(error.message.contains("Key '\(key)' (\(flag)) value '\(value)' should be"))
        #expect(error.message.contains(expected), "message was: \(error.message)")
    }

    @Test("every whole-number key refuses what is out of any range: negative, huge, fractions, words")
    func everyIntegerKeyHasARange() throws {
        let integers = ListenerConfigurationKey.all.filter { $0.kind == .integer }
        #expect(
            integers.count == 8,
            "port, maxBody, maxBatch, maxViolations, maxRecords, idleTimeout, maxWaiters, maxWait"
        )
        for key in integers {
            for value in ["-1", "99999999999999999999", "1.5", "ten", ""] {
                let error = Self.configurationError(flags: [key.name: .one(value)])
                #expect(error?.message.contains("Key '\(key.name)'") == true, "\(key.name) took '\(value)'")
            }
        }
    }

    @Test("a host other machines reach without credentials or a token is warned about at start")
    func startWarnings() {
        func warnings(_ host: String, _ change: (inout ListenerConfiguration) -> Void = { _ in }) -> [String] {
            var configuration = ListenerConfiguration()
            configuration.host = host
            change(&configuration)
            return configuration.startWarnings
        }
        #expect(warnings("0.0.0.0").first?.contains("/testControl open to all of them") == true)
        #expect(warnings("::").count == 1)
        #expect(warnings("192.0.2.7").count == 1)
        #expect(warnings("ves.example").count == 1)
        for loopback in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            #expect(warnings(loopback).isEmpty, "\(loopback)")
        }
        #expect(warnings("0.0.0.0") { $0.credentials = Credentials(username: "u", password: "p") }.isEmpty)
        #expect(warnings("0.0.0.0") { $0.controlToken = "t" }.isEmpty)
    }
}

/// `ves-listener` reading the password file.
@Suite("ves-listener --password-file, as the program reads it")
struct ListenerPasswordFileExecutableTests {
    @Test("an unreadable password file stops it before it listens, with exit status 64 and no secret")
    func unreadablePasswordFile() async throws {
        let running = try RunningProgram(
            "ves-listener",
            ["--port", "0", "--username", "ves", "--password-file", "/nonexistent/ves-pass"],
            environment: ["VES_LISTENER_CONTROL_TOKEN": "t0ken-s3cret"]
        )
        let (status, output, errors) = try await running.finish()
        #expect(status == 64)
        #expect(!output.contains("listening on"))
        #expect(errors.contains("cannot read the password file /nonexistent/ves-pass"), "stderr was: \(errors)")
        #expect(!errors.contains("t0ken-s3cret"))
    }
}
