import ArgumentParser
import Collectd
import Logging
import Platform
import Replay

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    @Option(help: "Sign datagrams (HMAC-SHA-256) as USER:PASSWORD, or USER with the password given apart.")
    var sign: String?

    @Option(help: "Encrypt datagrams (AES-256-OFB) as USER:PASSWORD, or USER with the password given apart.")
    var encrypt: String?

    @Option(
        name: .customLong("password-file"),
        help: ArgumentHelp(
            "File whose first line is the password for --sign/--encrypt USER (else VES_REPLAY_PASSWORD).",
            discussion: "Keeps the password out of argv, which every local user can read with ps."
        )
    )
    var passwordFile: String?

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode captured signed/encrypted datagrams.")
    var authFile: String?

    @Option(name: .customLong("rename-host"), help: "OLD=NEW (repeatable).")
    var renameHost: [String] = []

    @Flag(name: .customLong("no-progress"), help: "No progress on stderr.")
    var noProgress = false

    @Flag(
        name: .customLong("no-receiver-pacing"),
        help: ArgumentHelp(
            "Do not wait for a loopback UDP receiver to drain its socket queue.",
            discussion: "By default, sending to 127.x or ::1 reads the receiver's queue and drops from "
                + "/proc/net/udp: sending waits while the queue is full, and the drops are printed at the end."
        )
    )
    var noReceiverPacing = false

    @Flag(
        help: ArgumentHelp(
            "Read each trace from its file as it is sent instead of loading it first.",
            discussion: "Memory then stays flat whatever the trace's size; a first pass checks the trace and counts "
                + "it. Traces over 128 MiB are always streamed."
        )
    )
    var stream = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !traces.isEmpty else { throw ValidationError("give at least one trace file") }
        guard speed == "max" || (Double(speed).map { $0 > 0 && $0 <= 1e6 } ?? false) else {
            throw ValidationError("--speed takes a number above 0 and at most 1000000, or 'max'")
        }
        guard ["now", "none"].contains(shiftTime) else { throw ValidationError("--shift-time takes 'now' or 'none'") }
        guard (1...1_000_000).contains(loop) else { throw ValidationError("--loop takes 1 to 1000000") }
        if let rate, !(rate > 0 && rate <= 1e9) {
            throw ValidationError("--rate takes a number of value lists per second above 0 and at most 1e9")
        }
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
        options.paceToReceiver = !noReceiverPacing
        try withUserErrors {
            try options.addRenames(renameHost)
            let file = try authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
            let password =
                try passwordFile.map { path throws(ReplayError) in
                    try ReplayOptions.password(fromFile: path)
                } ?? getenv("VES_REPLAY_PASSWORD").map { String(cString: $0) }
            try options.setSecurity(sign: sign, encrypt: encrypt, authFile: file, password: password)
        }

        let decodingAuth = options.authFile
        let replayed = try withUserErrors {
            try traces.map { path throws(ReplayError) -> ReplayTrace in
                guard stream || FileBytes.size(path).map({ $0 > ReplayTrace.streamingThreshold }) == true else {
                    return .loaded(try LoadedTrace.load(path: path, typesDB: typesDB))
                }
                logger.info("streaming \(path): checking it first, then reading it as it is sent")
                return .streamed(
                    try StreamedTrace.scan(
                        path: path,
                        typesDB: typesDB,
                        authFile: decodingAuth,
                        showProgress: !noProgress
                    )
                )
            }
        }
        let session = ReplaySession(replaying: replayed, options: options, showProgress: !noProgress, logger: logger)
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
        if let drops = summary.receiverDrops {
            print("the receiver at \(options.target) dropped \(drops) datagrams while this ran (kernel count)")
        }
        print(summary)
        if summary.failedRequests > 0 { throw ExitCode(1) }
    }
}
