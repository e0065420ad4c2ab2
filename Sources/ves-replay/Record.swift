import ArgumentParser
import Collectd
import Logging
import NIOCore
import Platform
import Replay

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        if let duration, !(duration > 0 && duration <= 31_536_000) {
            throw ValidationError("--duration takes seconds above 0 and at most 31536000 (a year)")
        }
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
                print(
                    "listening on \(ServiceAddress(scheme: "udp", host: address.ipAddress ?? options.host, port: address.port ?? 0))"
                )
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
