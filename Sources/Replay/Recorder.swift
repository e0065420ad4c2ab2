public import Collectd
public import Logging
public import NIOCore
import Platform
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `ves-replay record` listens for and where it writes.
public struct RecorderOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = Int(TraceFile.defaultPort)
    public var securityLevel: SecurityLevel = .none
    public var authFile: AuthFile?
    /// collectd JSON lines, each object with its `recv_time`.
    public var outputPath: String
    /// Stop after this many seconds.
    public var duration: Double?
    /// Stop after this many value lists.
    public var count: Int?
    public var typesDB: TypesDB = .systemOrBuiltIn()

    public init(outputPath: String) {
        self.outputPath = outputPath
    }
}

/// What a recording received.
public struct RecordSummary: Sendable, Equatable, CustomStringConvertible {
    public var counters = DecodeCounters()
    public var seconds = 0.0
    public var outputPath = ""

    public var description: String {
        var text = "recorded \(counters.valueLists) value lists, \(counters.notifications) notifications from "
        text +=
            "\(counters.datagrams) datagrams (\(counters.bad) bad) in \(String(Double(Int(seconds * 1000)) / 1000)) s"
        return text + " to \(outputPath)"
    }
}

/// Records what a live collectd sends, as a `Service`: decodes every datagram and appends its records as collectd
/// JSON lines with their receive time; stops at the duration, the count, or graceful shutdown.
public final class Recorder: Service {
    public let options: RecorderOptions
    private let logger: Logger
    private let state = Mutex(RecordSummary())
    private let bound = OnceValue<SocketAddress?>()

    public init(options: RecorderOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public var summary: RecordSummary { state.withLock { $0 } }

    /// The address it listens on, once bound (nil if binding failed).
    public var address: SocketAddress? { get async { await bound.value() } }

    public func run() async throws {
        let output = try OutputFile(path: options.outputPath)
        defer { output.close() }
        let socket: DatagramSocket
        do {
            socket = try await DatagramSocket.receiver(host: options.host, port: options.port)
        } catch {
            bound.set(nil)
            throw ReplayError(
                code: .listen,
                message: "cannot listen on udp://\(options.host):\(options.port): \(error)"
            )
        }
        bound.set(socket.localAddress)
        logger.info("recording", metadata: ["listen": "\(socket.localAddress)", "out": "\(options.outputPath)"])
        let clock = ContinuousClock()
        let start = clock.now
        state.withLock { $0.outputPath = options.outputPath }
        defer {
            let elapsed = (clock.now - start).inSeconds
            state.withLock { $0.seconds = elapsed }
        }
        try await socket.withStreams { inbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let duration = options.duration {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(Int64(duration * 1000)))
                        socket.close()
                    }
                }
                // closing the socket ends the loop below: at the duration, at shutdown, or when the count is reached
                try await withGracefulShutdownHandler {
                    try await self.receive(inbound, output: output)
                } onGracefulShutdown: {
                    socket.close()
                }
                group.cancelAll()
            }
        }
    }

    private func receive(_ inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>, output: OutputFile)
        async throws
    {
        var decoder = NetworkDecoder(securityLevel: options.securityLevel, authFile: options.authFile)
        var badDatagrams = ReportThrottle(interval: 10)
        for try await envelope in inbound {
            let receiveTime = CollectdTime.now().seconds
            let (records, failure) = envelope.data.withUnsafeReadableBytes { bytes in
                var found: [CollectdRecord] = []
                let failure = decoder.decode(bytes) { found.append($0) }
                return (found, failure)
            }
            var lines: [UInt8] = []
            for record in records {
                lines += Array(CollectdJSON.encode(record, typesDB: options.typesDB, receiveTime: receiveTime).utf8)
                lines.append(0x0A)
            }
            if let failure, let skipped = badDatagrams.note(at: receiveTime) {
                // the first bad datagram, then at most one line per interval with the count since: a sender that
                // only sends garbage cannot flood the log
                let held = skipped > 0 ? " (\(skipped) more since the last report)" : ""
                logger.warning(
                    "bad datagram skipped: \(failure.explanation)\(held)",
                    metadata: ["from": "\(envelope.remoteAddress)"]
                )
            }
            try output.write(lines)
            let counters = decoder.counters
            state.withLock { $0.counters = counters }
            if let count = options.count, counters.valueLists >= count { return }
        }
    }
}

/// A file written with plain `write(2)`, so each line is on disk as soon as it is received.
final class OutputFile: Sendable {
    private let descriptor: Int32
    let path: String

    init(path: String) throws(ReplayError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        self.path = path
        guard descriptor >= 0 else {
            throw ReplayError(code: .output, message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    func write(_ bytes: [UInt8]) throws(ReplayError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ReplayError(
                    code: .output,
                    message: "cannot write '\(path)': \(String(cString: strerror(errno)))"
                )
            }
            offset += written
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// Lets a repeated warning through once per `interval` seconds and counts the ones held back in between.
struct ReportThrottle {
    let interval: Double
    private var lastReport: Double?
    private var held = 0

    init(interval: Double) { self.interval = interval }

    /// The number held back since the last report when this one should be reported now, else nil.
    mutating func note(at time: Double) -> Int? {
        if let lastReport, time - lastReport < interval, time >= lastReport {
            held += 1
            return nil
        }
        lastReport = time
        defer { held = 0 }
        return held
    }
}
