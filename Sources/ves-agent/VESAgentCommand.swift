import ArgumentParser
import Logging
import VESAgent

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct VESAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ves-agent",
        abstract:
            "Receives collectd's network protocol and sends VES 1.1, 5.4.1 or 7.2.1 events to a VES event listener.",
        discussion: """
            Does what the reference collectd VES plugin (ves_plugin.py) did inside collectd, as a daemon fed by \
            collectd's network plugin. Every key can be set in a file (--config, collectd syntax: 'Key value' \
            lines; a <Plugin ves_plugin> block works as it is), as an environment variable VES_<KEY> in upper \
            snake case (VES_SEND_EVENT_INTERVAL) or as a flag; flags override the environment, which overrides \
            the file.

            The first line on stdout is 'listening on udp://HOST:PORT'; with --metrics-listen the next is \
            'metrics on http://HOST:PORT/metrics'. SIGUSR1 prints the counters. \
            SIGTERM/SIGINT tick once more under --clock trace, deliver what is queued within --shutdown-timeout \
            and spool the rest.
            """
    )

    @Option(help: ArgumentHelp("Configuration file in collectd syntax.", valueName: "file"))
    var config: String?

    @Option(help: "Host name or address of the VES event listener (default 127.0.0.1).") var domain: String?
    @Option(help: ArgumentHelp("Port of the VES event listener (default 30000).", valueName: "port")) var port: String?
    @Option(help: "Path before /eventListener/vN (default none).") var path: String?
    @Option(help: "User name for Basic authentication.") var username: String?
    @Option(help: "Password for Basic authentication; prefer VES_PASSWORD or the file.") var password: String?
    @Option(help: "Topic after /eventListener/vN.") var topic: String?
    @Flag(inversion: .prefixedNo, help: "Send over HTTPS (default off).") var useHttps: Bool?
    @Option(help: ArgumentHelp("Seconds between measurement events (default 20).", valueName: "seconds"))
    var sendEventInterval: String?
    @Option(help: ArgumentHelp("functionalRole of the events (default 'Collectd VES Agent').", valueName: "role"))
    var functionalRole: String?
    @Flag(inversion: .prefixedNo, help: "One host event per interval instead of one per VM (default off).")
    var guestRunning: Bool?
    @Option(help: "reportingEntityName of the events, collectd's Hostname (default this machine's).")
    var hostname: String?
    @Option(
        help: ArgumentHelp(
            "HOST:PORT to receive collectd's network protocol on (default 127.0.0.1:25826; port 0 picks one).",
            valueName: "host:port"
        )
    )
    var listen: String?
    @Option(
        help: ArgumentHelp(
            "HOST:PORT to serve GET /metrics on, Prometheus text over HTTP (default off; port 0 picks one).",
            valueName: "host:port"
        )
    )
    var metricsListen: String?
    @Option(help: ArgumentHelp("None, Sign or Encrypt (default None).", valueName: "level")) var securityLevel: String?
    @Option(help: ArgumentHelp("collectd AuthFile with 'user: password' lines.", valueName: "file")) var authFile:
        String?
    @Option(help: "wall or trace (default wall).") var clock: String?
    @Option(help: ArgumentHelp("Events per POST; above 1 they go to eventBatch (default 1).", valueName: "n"))
    var batchSize: String?
    @Option(
        help: ArgumentHelp(
            "Connections posting at once, 1 to 64; events of one sourceName stay in order (default 1).",
            valueName: "n"
        )
    )
    var connections: String?
    @Option(help: ArgumentHelp("Events kept while the listener is unreachable (default 10000).", valueName: "n"))
    var queueSize: String?
    @Option(help: ArgumentHelp("Directory where undelivered events are kept across restarts.", valueName: "dir"))
    var spoolDirectory: String?
    @Option(help: ArgumentHelp("CA certificate (PEM) for the listener's certificate.", valueName: "file"))
    var caCertificate: String?
    @Flag(inversion: .prefixedNo, help: "Verify the listener's certificate (default on).") var verifyPeer: Bool?
    @Option(help: ArgumentHelp("Seconds per request (default 5).", valueName: "seconds")) var timeout: String?
    @Option(
        help: ArgumentHelp("Drop series not updated for this many intervals; 0 never (default 10).", valueName: "n")
    )
    var expireIntervals: String?
    @Option(help: ArgumentHelp("collectd's types.db (default the system's, else built in).", valueName: "file"))
    var typesDb: String?
    @Option(help: ArgumentHelp("Seconds a shutdown waits for the queue to drain (default 5).", valueName: "seconds"))
    var shutdownTimeout: String?
    @Option(
        help: ArgumentHelp(
            "Most series held; values of new series beyond it are refused and counted (default 1000000).",
            valueName: "n"
        )
    )
    var maxSeries: String?
    @Option(
        help: ArgumentHelp(
            "--clock trace: seconds a value's time may be ahead of or behind the clock; farther ones are refused (default 3600).",
            valueName: "seconds"
        )
    )
    var traceClockWindow: String?

    @Option(
        help: ArgumentHelp(
            "VES version of the events: 1.1 (the reference plugin's, /v1), 5.4.1 (/v5) or 7.2.1 (/v7) (default 1.1).",
            valueName: "version"
        )
    )
    var vesVersion: String?
    @Option(
        help: ArgumentHelp(
            "Seconds between heartbeats (5.4.1, 7.2.1); 0 sends none (default 60).",
            valueName: "seconds"
        )
    )
    var heartbeatInterval: String?
    @Option(help: ArgumentHelp("nfNamingCode of the events (5.4.1, 7.2.1), 4 characters.", valueName: "code"))
    var nfNamingCode: String?
    @Option(help: ArgumentHelp("nfcNamingCode of the events (5.4.1, 7.2.1), 3 characters.", valueName: "code"))
    var nfcNamingCode: String?
    @Option(help: ArgumentHelp("nfVendorName of the events (7.2.1).", valueName: "name")) var nfVendorName: String?
    @Option(
        help: ArgumentHelp(
            "timeZoneOffset of the events (7.2.1), UTC+hh:mm (default this machine's).",
            valueName: "offset"
        )
    )
    var timeZoneOffset: String?
    @Option(
        help: ArgumentHelp(
            "A Barometer ves_app YAML mapping file: build the events it describes, in its VES version (/v5 or /v7).",
            valueName: "file"
        )
    )
    var mappingFile: String?

    @Flag(help: "Print the effective configuration (password masked) and exit.")
    var printConfig = false

    @Flag(help: "Print the self-metrics line at exit (SIGUSR1 prints it any time).")
    var printStats = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// The flags given, keyed by the configuration key they set.
    var flags: [String: String] {
        let given: [(String, String?)] = [
            ("Domain", domain), ("Port", port), ("Path", path), ("Username", username), ("Password", password),
            ("Topic", topic), ("UseHttps", useHttps.map { $0 ? "true" : "false" }),
            ("SendEventInterval", sendEventInterval), ("FunctionalRole", functionalRole),
            ("GuestRunning", guestRunning.map { $0 ? "true" : "false" }), ("Hostname", hostname),
            ("Listen", listen), ("MetricsListen", metricsListen), ("SecurityLevel", securityLevel),
            ("AuthFile", authFile), ("Clock", clock),
            ("BatchSize", batchSize), ("Connections", connections), ("QueueSize", queueSize),
            ("SpoolDirectory", spoolDirectory),
            ("CACertificate", caCertificate), ("VerifyPeer", verifyPeer.map { $0 ? "true" : "false" }),
            ("Timeout", timeout), ("ExpireIntervals", expireIntervals), ("TypesDB", typesDb),
            ("ShutdownTimeout", shutdownTimeout), ("MaxSeries", maxSeries), ("TraceClockWindow", traceClockWindow),
            ("VesVersion", vesVersion), ("HeartbeatInterval", heartbeatInterval),
            ("NfNamingCode", nfNamingCode), ("NfcNamingCode", nfcNamingCode), ("NfVendorName", nfVendorName),
            ("TimeZoneOffset", timeZoneOffset), ("MappingFile", mappingFile),
        ]
        var values: [String: String] = [:]
        for (key, value) in given { if let value { values[key] = value } }
        return values
    }

    func run() async throws {
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(
                flags: flags,
                environment: ProcessInfoEnvironment.current(),
                file: config
            )
        } catch {
            throw ValidationError(error.message)
        }
        if printConfig {
            print(configuration.rendered())
            return
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ves-agent")
        do {
            try await Agent.run(configuration: configuration, logger: logger, printStats: printStats) { line in
                print(line)
                fflush(nil)
            }
        } catch let error as AgentError {
            logger.critical("\(error.message)")
            switch error.code {
            case .config: throw ExitCode(64)
            case .listen, .spool: throw ExitCode(2)
            }
        }
    }
}

/// The process environment, read with the C library.
enum ProcessInfoEnvironment {
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
