import ArgumentParser
import Collectd
import Logging
import Replay
import ServiceLifecycle
import NIOCore
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

/// `USER:PASSWORD`.
func credentials(_ text: String, flag: String) throws -> (String, String) {
    guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
        throw ValidationError("\(flag) takes USER:PASSWORD")
    }
    return (String(text[..<colon]), String(text[text.index(after: colon)...]))
}

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send traces to a collectd network receiver (UDP) or a write_http endpoint (HTTP).",
        discussion: "The last line is 'sent N value lists, M notifications in D datagrams in S s'."
    )

    @Argument(help: "Trace files, sent one after another.")
    var traces: [String]

    @Option(help: "udp://HOST:PORT (collectd network protocol) or http://HOST:PORT/PATH (collectd JSON).")
    var to = "udp://127.0.0.1:25826"

    @Option(help: "1 = recorded pace, 10 = ten times faster, max = as fast as possible.")
    var speed = "1"

    @Option(help: "At most this many value lists per second.")
    var rate: Double?

    @Option(
        name: .customLong("shift-time"),
        help: "now: move times so the trace starts now, keeping the gaps; none: as recorded."
    )
    var shiftTime = "none"

    @Option(help: "Play the traces this many times (times keep increasing from loop to loop).")
    var loop = 1

    @Option(help: "Sign datagrams (HMAC-SHA-256) as USER:PASSWORD.")
    var sign: String?

    @Option(help: "Encrypt datagrams (AES-256-OFB) as USER:PASSWORD.")
    var encrypt: String?

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode captured signed/encrypted datagrams.")
    var authFile: String?

    @Option(name: .customLong("rename-host"), help: "OLD=NEW (repeatable).")
    var renameHost: [String] = []

    @Flag(name: .customLong("no-progress"), help: "No progress on stderr.")
    var noProgress = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !traces.isEmpty else { throw ValidationError("give at least one trace file") }
        guard speed == "max" || (Double(speed).map { $0 > 0 } ?? false) else {
            throw ValidationError("--speed takes a positive number or 'max'")
        }
        guard ["now", "none"].contains(shiftTime) else { throw ValidationError("--shift-time takes 'now' or 'none'") }
        guard loop >= 1 else { throw ValidationError("--loop must be at least 1") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        guard sign == nil || encrypt == nil else { throw ValidationError("--sign and --encrypt exclude each other") }
    }

    func run() async throws {
        let logger = try common.makeLogger()
        let typesDB = try common.loadTypesDB()
        var options = ReplayOptions(target: try withUserErrors { try ReplayTarget(parsing: to) })
        options.typesDB = typesDB
        options.speed = speed == "max" ? nil : Double(speed)
        options.rate = rate
        options.shiftTimeToNow = shiftTime == "now"
        options.loops = loop
        for entry in renameHost {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--rename-host takes OLD=NEW, not '\(entry)'")
            }
            options.renamedHosts[parts[0]] = parts[1]
        }
        var users: [String: String] = [:]
        if let sign {
            let (user, password) = try credentials(sign, flag: "--sign")
            options.security = .sign(user: user, password: password)
            users[user] = password
        }
        if let encrypt {
            let (user, password) = try credentials(encrypt, flag: "--encrypt")
            options.security = .encrypt(user: user, password: password)
            users[user] = password
        }
        if let authFile {
            let file = try withUserErrors { try AuthFile.load(path: authFile) }
            for user in file.userNames { users[user] = file.password(for: user) }
        }
        if !users.isEmpty { options.authFile = AuthFile(users: users) }

        let loaded = try withUserErrors { try traces.map { try LoadedTrace.load(path: $0, typesDB: typesDB) } }
        let session = ReplaySession(traces: loaded, options: options, showProgress: !noProgress, logger: logger)
        do {
            try await runService(session, logger: logger)
        } catch {
            logger.error("replay stopped: \(error)")
            print(session.summary)
            throw ExitCode(1)
        }
        let summary = session.summary
        if summary.undecodable > 0 {
            logger.warning("\(summary.undecodable) captured datagrams could not be decoded and were left out")
        }
        if summary.failedRequests > 0 {
            logger.warning("\(summary.failedRequests) requests did not get a 2xx answer")
        }
        print(summary)
        if summary.failedRequests > 0 { throw ExitCode(1) }
    }
}

struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record what a live collectd sends (network plugin) as collectd JSON lines with receive times."
    )

    @Option(help: "udp://HOST:PORT to listen on.")
    var listen = "udp://127.0.0.1:25826"

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile (user: password lines) for signed/encrypted data.")
    var authFile: String?

    @Option(name: .customLong("security-level"), help: "none, sign or encrypt: what the sender must at least do.")
    var securityLevel = "none"

    @Option(help: "The trace file to write (collectd JSON lines).")
    var out: String

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(help: "Stop after this many value lists.")
    var count: Int?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard SecurityLevel(rawValue: securityLevel) != nil else {
            throw ValidationError("--security-level takes none, sign or encrypt")
        }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        if securityLevel != "none" && authFile == nil {
            throw ValidationError("--security-level \(securityLevel) needs --auth-file")
        }
    }

    func run() async throws {
        let logger = try common.makeLogger()
        guard listen.hasPrefix("udp://") else { throw ValidationError("--listen takes udp://HOST:PORT") }
        var options = RecorderOptions(outputPath: out)
        try withUserErrors {
            guard case .udp(let host, let port) = try ReplayTarget(parsing: listen, listening: true) else {
                throw ValidationError("--listen takes udp://HOST:PORT")
            }
            options.host = host
            options.port = port
            if let authFile { options.authFile = try AuthFile.load(path: authFile) }
        }
        options.securityLevel = SecurityLevel(rawValue: securityLevel) ?? .none
        options.duration = duration
        options.count = count
        options.typesDB = try common.loadTypesDB()
        let recorder = Recorder(options: options, logger: logger)
        let announcer = Task {
            if let address = await recorder.address {
                print("listening on udp://\(address.ipAddress ?? options.host):\(address.port ?? 0)")
                fflush(nil)
            }
        }
        do {
            try await runService(recorder, logger: logger)
        } catch {
            await announcer.value
            logger.error("recording stopped: \(error)")
            print(recorder.summary)
            throw ExitCode(1)
        }
        await announcer.value
        print(recorder.summary)
    }
}

struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Convert a trace between formats.")

    @Argument(help: "The trace to read.")
    var input: String

    @Option(help: "The trace to write.")
    var out: String

    @Option(help: "json, putval, hex, tsv or pcap (default: from the output's extension).")
    var format: String?

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode signed/encrypted datagrams.")
    var authFile: String?

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.makeLogger()
        let typesDB = try common.loadTypesDB()
        guard let target = format.flatMap(TraceFormat.init(rawValue:)) ?? TraceFormat(path: out) else {
            throw ValidationError("give --format json|putval|hex|tsv|pcap or an output name ending in one of them")
        }
        try withUserErrors {
            let trace = try LoadedTrace.load(path: input, typesDB: typesDB)
            let auth = try authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
            try TraceFile.write(trace.entries, format: target, to: out, typesDB: typesDB, authFile: auth)
            print("converted \(trace.entries.count) \(trace.format.rawValue) entries to \(target.rawValue): \(out)")
        }
    }
}

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what a trace holds: hosts, plugins, types, time span, value lists per interval."
    )

    @Argument(help: "Trace files.")
    var traces: [String]

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode signed/encrypted datagrams.")
    var authFile: String?

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.makeLogger()
        let typesDB = try common.loadTypesDB()
        try withUserErrors {
            let auth = try authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
            for (index, path) in traces.enumerated() {
                if index > 0 { print("") }
                print(TraceInspection(trace: try LoadedTrace.load(path: path, typesDB: typesDB), authFile: auth))
            }
        }
    }
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trace of collectd's virt plugin for VMs that do not exist (there is no libvirt here).",
        discussion:
            "Per VM: virt_cpu_total, virt_vcpu, memory total/rss, if_octets/packets/errors/dropped, disk_octets/ops."
    )

    @Option(help: "The trace to write (format from the extension: .jsonl, .putval, .hex, .tsv, .pcap).")
    var out: String

    @Option(help: "Number of VMs.")
    var vms = 2

    @Option(help: "vCPUs per VM.")
    var vcpus = 2

    @Option(help: "Network interfaces per VM.")
    var interfaces = 1

    @Option(help: "Disks per VM.")
    var disks = 1

    @Option(help: "Seconds between samples.")
    var interval = 10.0

    @Option(help: "Seconds of trace.")
    var duration = 120.0

    @Option(help: "collectd Hostname of the compute node.")
    var host = "compute-0"

    @Option(help: "Time of the first sample, seconds since the epoch.")
    var start = 1_700_000_000.0

    @Option(help: "Seed: the same options and seed give the same trace.")
    var seed: UInt64 = 1

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard vms >= 1, vcpus >= 1, interfaces >= 0, disks >= 0 else {
            throw ValidationError("--vms and --vcpus must be at least 1, --interfaces and --disks at least 0")
        }
        guard interval > 0, duration >= interval else {
            throw ValidationError("--duration must be at least --interval > 0")
        }
    }

    func run() async throws {
        _ = try common.makeLogger()
        var generator = VirtTraceGenerator()
        generator.host = host
        generator.vms = vms
        generator.vcpus = vcpus
        generator.interfaces = interfaces
        generator.disks = disks
        generator.interval = interval
        generator.samples = Int(duration / interval) + 1
        generator.start = start
        generator.seed = seed
        guard let format = TraceFormat(path: out) else {
            throw ValidationError("name the output .jsonl, .putval, .hex, .tsv or .pcap")
        }
        let entries = generator.entries()
        let typesDB = try common.loadTypesDB()
        try withUserErrors { try TraceFile.write(entries, format: format, to: out, typesDB: typesDB) }
        print(
            "generated \(vms) VMs x \(generator.seriesPerVM) series x \(generator.samples) samples "
                + "(\(vms * generator.seriesPerVM * generator.samples) value lists): \(out)"
        )
    }
}
