import ArgumentParser
import Collectd
import Logging
import NIOCore
import Replay
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct VESReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ves-replay",
        abstract: "Feed recorded collectd streams into a collectd receiver, and record new ones from a live collectd.",
        discussion: """
            Traces are collectd JSON lines (write_http), PUTVAL/PUTNOTIF text, one datagram per line in hex, TSV \
            recv_time<TAB>port<TAB>length<TAB>hex, or classic pcap; the format is recognised by content.
            """,
        subcommands: [Send.self, Record.self, Convert.self, Inspect.self, Generate.self]
    )
}

/// Flags every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .customLong("types-db"),
        help: "collectd's types.db (default: /usr/share/collectd/types.db, else built in)."
    )
    var typesDB: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func loadTypesDB() throws -> TypesDB {
        guard let typesDB else { return .systemOrBuiltIn() }
        return try withUserErrors { try TypesDB.load(path: typesDB).merging(.builtIn) }
    }

    func makeLogger() throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "ves-replay")
    }
}

/// Runs one service under SIGINT/SIGTERM handling.
func runService(_ service: some Service, logger: Logger) async throws {
    // the service ending by itself (all sent, duration over) ends the program normally
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    try await group.run()
}

/// Runs `body`, turning the libraries' errors into a usage error whose message a person can act on.
func withUserErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ReplayError {
        throw ValidationError(error.message)
    } catch let error as CollectdError {
        throw ValidationError(error.message)
    }
}
