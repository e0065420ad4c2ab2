import ArgumentParser
import Logging
import MockListener
import StndDefined
import UnixSignals

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
            Test control (no auth): /testControl/v1/events, stats, wait, commandList,
            faults; /healthz.
            The first line on stdout is 'listening on http(s)://HOST:PORT'.
            SIGINT/SIGTERM stop the listener, write the record and JUnit files and
            print 'N events, V valid, I invalid'.
            """
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one.")
    var port = 30000

    @Option(name: .customLong("path"), help: "Path prefix before /eventListener (as the agent's Path).")
    var pathPrefix = ""

    @Option(help: "Require Basic authentication with this user name (needs --password).")
    var username: String?

    @Option(help: "Password for --username.")
    var password: String?

    @Option(
        help: ArgumentHelp(
            "One schema for every API version instead of each version's own: 'ves-1.1', 'ves-5.4.1', 'ves-7.2.1' or "
                + "the path of a draft-04 JSON schema file.",
            valueName: "NAME|FILE"
        )
    )
    var schema: String?

    @Option(
        name: .customLong("schema-for"),
        help: ArgumentHelp(
            "Schema for one API version, e.g. v5=CommonEventFormat_28.4.1.json or v7=ves-7.2.1 (repeatable).",
            valueName: "vN=NAME|FILE"
        )
    )
    var schemaFor: [String] = []

    @Option(
        help: ArgumentHelp(
            "'spec' answers as the listener specs say; 'onap' answers as the ONAP VES collector does (its codes, "
                + "bodies, auth, validation order and routing).",
            valueName: "spec|onap"
        )
    )
    var profile = "spec"

    @Option(
        name: .customLong("onap-config"),
        help: ArgumentHelp(
            "Folder with the collector's collector.properties (and the files it names): versions, schemas, "
                + "streams, auth and answers of --profile onap. Without it, the collector's defaults.",
            valueName: "DIR"
        )
    )
    var onapConfig: String?

    @Option(
        name: .customLong("schema-dir"),
        help: ArgumentHelp(
            "Folder to look for schema files the collector's configuration names (repeatable).",
            valueName: "DIR"
        )
    )
    var schemaDir: [String] = []

    @Option(
        name: .customLong("stnd-defined-schemas"),
        help: ArgumentHelp(
            "Folder with a schema-map.json in ONAP's format and the OpenAPI files it names (such as a 3GPP release): "
                + "stndDefinedFields.data is checked against the schema its schemaReference names (repeatable; "
                + "later folders add to the map).",
            valueName: "DIR"
        )
    )
    var stndDefinedSchemas: [String] = []

    @Option(
        name: .customLong("stnd-defined-unknown"),
        help: ArgumentHelp(
            "What a schemaReference no schema map knows is: 'reject' (a violation) or 'accept' (a warning).",
            valueName: "reject|accept"
        )
    )
    var stndDefinedUnknown = "reject"

    @Flag(
        name: .customLong("accept-invalid"),
        help: "Answer 202 to every well-formed request; every violation is still recorded and reported."
    )
    var acceptInvalid = false

    @Option(help: "Append every record to this JSON Lines file (written before each answer).")
    var record: String?

    @Option(help: "Write a JUnit XML report here at shutdown.")
    var junit: String?

    @Option(name: .customLong("max-body"), help: "Largest request body accepted, in bytes.")
    var maxBody = 1024 * 1024

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Exit 1 at shutdown if any event was invalid.")
    var strict = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("idle-timeout"), help: "Close connections idle for this many seconds.")
    var idleTimeout = 30

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (username == nil) == (password == nil) else {
            throw ValidationError("--username and --password go together")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
        guard ["reject", "accept"].contains(stndDefinedUnknown) else {
            throw ValidationError("--stnd-defined-unknown must be reject or accept")
        }
        guard ["spec", "onap"].contains(profile) else { throw ValidationError("--profile must be spec or onap") }
        guard profile == "onap" || onapConfig == nil else {
            throw ValidationError("--onap-config goes with --profile onap")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var configuration = ListenerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.pathPrefix = ListenerConfiguration.pathSegments(pathPrefix)
        if let username, let password {
            configuration.credentials = Credentials(username: username, password: password)
        }
        configuration.recordPath = record
        configuration.junitPath = junit
        configuration.maxBodyBytes = maxBody
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.acceptInvalid = acceptInvalid
        configuration.acceptsUnknownStndDefined = stndDefinedUnknown == "accept"
        if !stndDefinedSchemas.isEmpty {
            do {
                configuration.stndDefinedSchemas = try StndDefinedSchemas(folders: stndDefinedSchemas)
            } catch {
                throw ValidationError("--stnd-defined-schemas: \(error.message)")
            }
        }
        do {
            configuration.schemaOverride = try schema.map(EventSchema.named)
            for entry in schemaFor {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0].hasPrefix("v"), Int(parts[0].dropFirst()) != nil else {
                    throw ValidationError("--schema-for takes vN=FILE (e.g. v5=schema.json), not '\(entry)'")
                }
                configuration.schemasByVersion[parts[0]] = try EventSchema.named(parts[1])
            }
            if profile == "onap" {
                let settings = try onapConfig.map { directory throws(ListenerError) in
                    try ONAPCollectorSettings(directory: directory)
                }
                try configuration.useONAPProfile(
                    settings ?? ONAPCollectorSettings(),
                    configDirectory: onapConfig,
                    schemaDirectories: schemaDir
                )
            }
        } catch let error as ListenerError {
            throw ValidationError(error.message)
        }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
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
        let status = outcome.exitStatus(strict: strict)
        if status != 0 { throw ExitCode(status) }
    }
}
