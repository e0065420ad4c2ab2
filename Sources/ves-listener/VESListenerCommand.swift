import ArgumentParser
import Logging
import MockListener
import StndDefined

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct VESListenerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ves-listener",
        abstract: "A mock VES event listener that validates, records and reports every event it receives.",
        discussion: """
            Routes (POST), each version checked against its own built-in field set:
              v1  VES 1.1   (ves-1.1)    /eventListener/v1[/TOPIC], .../v1/eventBatch,
                                         .../v1/clientThrottlingState
              v5  VES 5.4.1 (ves-5.4.1)  /eventListener/v5[/TOPIC], .../v5/eventBatch,
                                         .../v5/clientThrottlingState
              v7  VES 7.2.1 (ves-7.2.1)  /eventListener/v7[/TOPIC], .../v7/eventBatch
            Other versions get 400 unless --schema or --schema-for gives them one.
            --path PREFIX goes before /eventListener. --profile onap answers as the
            ONAP VES collector does (its routes, codes and bodies; see the README).
            Test control: /testControl/v1/events, stats, wait, commandList, faults;
            /healthz. With --username or --control-token, /testControl needs the same
            Basic credentials or 'Authorization: Bearer TOKEN'; it answers only to a
            Host of this listener and takes only JSON bodies.
            Every option can also be set as VES_LISTENER_<KEY> (VES_LISTENER_MAX_BODY; a
            repeatable one comma-separated) or in a JSON --config file ({"maxBody": 2048});
            flags override the environment, which overrides the file. --print-config
            shows the result, the password and control token masked.
            The first line on stdout is 'listening on http(s)://HOST:PORT'.
            SIGINT/SIGTERM stop the listener, write the record and JUnit files and
            print 'N events, V valid, I invalid'.
            """
    )

    @Option(
        help: ArgumentHelp(
            "JSON file of keys and values ({\"port\": 8443, \"schemaDir\": [\"a\"]}); flags override VES_LISTENER_* "
                + "variables, which override the file.",
            valueName: "FILE"
        )
    )
    var config: String?

    @Flag(help: "Print the effective configuration (JSON, password and control token masked) and exit.")
    var printConfig = false

    @Option(help: "Address to bind (default 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one (default 30000).")
    var port: String?

    @Option(help: "Path prefix before /eventListener (as the agent's Path).")
    var path: String?

    @Option(help: "Require Basic authentication with this user name (needs --password).")
    var username: String?

    @Option(help: "Password for --username; prefer --password-file or VES_LISTENER_PASSWORD (argv is public).")
    var password: String?

    @Option(
        help: ArgumentHelp("File whose first line is the password for --username.", valueName: "FILE")
    )
    var passwordFile: String?

    @Option(
        help: ArgumentHelp(
            "Token that opens /testControl as 'Authorization: Bearer TOKEN'; alone, it protects /testControl only. "
                + "Prefer VES_LISTENER_CONTROL_TOKEN (argv is public).",
            valueName: "TOKEN"
        )
    )
    var controlToken: String?

    @Option(
        help: ArgumentHelp(
            "One schema for every API version instead of each version's own: 'ves-1.1', 'ves-5.4.1', 'ves-7.2.1' or "
                + "the path of a draft-04 JSON schema file.",
            valueName: "NAME|FILE"
        )
    )
    var schema: String?

    @Option(
        help: ArgumentHelp(
            "Schema for one API version, e.g. v5=CommonEventFormat_28.4.1.json or v7=ves-7.2.1 (repeatable).",
            valueName: "vN=NAME|FILE"
        )
    )
    var schemaFor: [String] = []

    @Option(
        help: ArgumentHelp(
            "'spec' answers as the listener specs say; 'onap' answers as the ONAP VES collector does (its codes, "
                + "bodies, auth, validation order and routing) (default spec).",
            valueName: "spec|onap"
        )
    )
    var profile: String?

    @Option(
        help: ArgumentHelp(
            "Folder with the collector's collector.properties (and the files it names): versions, schemas, "
                + "streams, auth and answers of --profile onap. Without it, the collector's defaults.",
            valueName: "DIR"
        )
    )
    var onapConfig: String?

    @Option(
        help: ArgumentHelp(
            "Folder to look for schema files the collector's configuration names (repeatable).",
            valueName: "DIR"
        )
    )
    var schemaDir: [String] = []

    @Option(
        help: ArgumentHelp(
            "Folder with a schema-map.json in ONAP's format and the OpenAPI files it names (such as a 3GPP release): "
                + "stndDefinedFields.data is checked against the schema its schemaReference names (repeatable; "
                + "later folders add to the map).",
            valueName: "DIR"
        )
    )
    var stndDefinedSchemas: [String] = []

    @Option(
        help: ArgumentHelp(
            "What a schemaReference no schema map knows is: 'reject' (a violation) or 'accept' (a warning) "
                + "(default reject).",
            valueName: "reject|accept"
        )
    )
    var stndDefinedUnknown: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Answer 202 to every well-formed request; every violation is still recorded and reported (default off)."
    )
    var acceptInvalid: Bool?

    @Option(help: "Append every record to this JSON Lines file (written before each answer).")
    var record: String?

    @Flag(inversion: .prefixedNo, help: "fsync each record line before the answer is sent (default off).")
    var fsync: Bool?

    @Option(help: "Write a JUnit XML report here at shutdown.")
    var junit: String?

    @Option(help: "Largest request body accepted, in bytes, at most 1 GiB (default 1048576).")
    var maxBody: String?

    @Option(help: "Most events in one eventBatch, 1 to 10000000; more get 400 POL9003 (default 10000).")
    var maxBatch: String?

    @Option(help: "Most violations one answer lists, 1 to 1000000; the record keeps all (default 100).")
    var maxViolations: String?

    @Option(help: "Records kept in memory for /testControl, 1 to 100000000 (default 100000).")
    var maxRecords: String?

    @Option(help: "PEM certificate chain: serve HTTPS (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(inversion: .prefixedNo, help: "Exit 1 at shutdown if any event was invalid (default off).")
    var strict: Bool?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(help: "Close connections idle for this many seconds, 1 to 86400 (default 30).")
    var idleTimeout: String?

    @Option(help: "Most /testControl/v1/wait long polls open at once, 1 to 10000; more get 503 (default 64).")
    var maxWaiters: String?

    @Option(help: "Longest /testControl/v1/wait timeout in seconds, 1 to 86400 (default 300).")
    var maxWait: String?

    /// The flags given, by the configuration key they set (ListenerConfigurationKey.all).
    var flags: [String: ListenerConfigurationKey.FlagValue] {
        let single: [(String, String?)] = [
            ("host", host), ("port", port), ("path", path), ("username", username), ("password", password),
            ("passwordFile", passwordFile), ("controlToken", controlToken),
            ("schema", schema), ("profile", profile), ("onapConfig", onapConfig),
            ("stndDefinedUnknown", stndDefinedUnknown), ("acceptInvalid", acceptInvalid.map { $0 ? "true" : "false" }),
            ("record", record), ("fsync", fsync.map { $0 ? "true" : "false" }), ("junit", junit),
            ("maxBody", maxBody), ("maxBatch", maxBatch), ("maxViolations", maxViolations), ("maxRecords", maxRecords),
            ("tlsCert", tlsCert), ("tlsKey", tlsKey), ("strict", strict.map { $0 ? "true" : "false" }),
            ("logLevel", logLevel), ("idleTimeout", idleTimeout), ("maxWaiters", maxWaiters), ("maxWait", maxWait),
        ]
        let repeated = [("schemaFor", schemaFor), ("schemaDir", schemaDir), ("stndDefinedSchemas", stndDefinedSchemas)]
        var values: [String: ListenerConfigurationKey.FlagValue] = [:]
        for (key, value) in single { if let value { values[key] = .one(value) } }
        for (key, value) in repeated where !value.isEmpty { values[key] = .many(value) }
        return values
    }

    /// ArgumentParser's own `main`, after moving the tasks onto the event loops (which must happen first).
    static func main() async {
        ListenerRunner.runTasksOnEventLoops()
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    func run() async throws {
        let settings: ListenerConfiguration.Settings
        let configuration: ListenerConfiguration
        do {
            settings = try .load(flags: flags, environment: ProcessInfo.processInfo.environment, file: config)
            if printConfig {
                print(settings.rendered())
                return
            }
            configuration = try ListenerConfiguration(settings: settings)
        } catch {
            throw ValidationError(error.message)
        }

        let level = settings.logLevel
        // log lines go through a bounded queue to stderr, so a stderr nobody reads never stalls the listener
        QueuedLogHandler.bootstrap(level: level)
        let logger = Logger(label: "ves-listener")
        if let schemas = configuration.stndDefinedSchemas {
            for line in schemas.replacedMappings { logger.notice("stndDefined schema map: \(line)") }
            let problems = schemas.precompile()
            logger.info(
                "stndDefined schemas loaded",
                metadata: ["folders": "\(schemas.folders)", "references": "\(schemas.publicURLs.count)"]
            )
            for problem in problems { logger.warning("stndDefined schema unusable: \(problem.message)") }
        }
        let runner: ListenerRunner
        do {
            runner = try ListenerRunner(configuration: configuration, logger: logger)
        } catch {
            throw ValidationError(error.message)
        }
        let announcer = Task {
            guard let address = await runner.address else { return }
            print("listening on \(address)")
            fflush(nil)
        }
        let outcome = try await runner.run()
        await announcer.value
        if let failure = outcome.failure { logger.error("listener stopped: \(failure)") }
        for line in outcome.reportLines { print(line) }
        fflush(nil)
        let status = outcome.exitStatus(strict: settings.strict)
        if status != 0 { throw ExitCode(status) }
    }
}
