public import Collectd
import CurlClient
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// How `ves-replay send` plays traces.
public struct ReplayOptions: Sendable {
    public var target: ReplayTarget
    /// Multiple of the recorded pace; nil sends as fast as possible.
    public var speed: Double? = 1
    /// Cap in value lists per second.
    public var rate: Double?
    /// Move times so the first step happens now, keeping the gaps.
    public var shiftTimeToNow = false
    public var loops = 1
    public var renamedHosts: [String: String] = [:]
    /// Sign or encrypt what is sent (datagrams captured plain are re-packed).
    public var security: EncoderSecurity = .none
    /// Passwords for decoding captured signed or encrypted datagrams when they must be rewritten or counted.
    public var authFile: AuthFile?
    public var typesDB: TypesDB = .systemOrBuiltIn()
    /// For a UDP receiver on this machine: wait while its socket queue is full (read from /proc/net/udp), so a
    /// fast replay is not lost in the receiver's buffer, and count what it dropped.
    public var paceToReceiver = true

    public init(target: ReplayTarget) {
        self.target = target
    }
}

/// What a replay sent.
public struct ReplaySummary: Sendable, Equatable, CustomStringConvertible {
    public var valueLists = 0
    public var notifications = 0
    /// UDP datagrams, or HTTP requests for an http target.
    public var datagrams = 0
    /// Captured datagrams that could not be decoded where they had to be (shifted, renamed, re-signed, or for HTTP).
    public var undecodable = 0
    /// HTTP requests that did not get a 2xx answer.
    public var failedRequests = 0
    public var seconds = 0.0
    /// Datagrams a loopback UDP receiver dropped while this ran (the kernel's count for its port); nil when
    /// unknown (another host, an HTTP target, or pacing off).
    public var receiverDrops: Int?

    public init() {}

    public var description: String {
        let unit = "datagrams"
        var text = "sent \(valueLists) value lists, \(notifications) notifications in \(datagrams) \(unit) in "
        text += String(Double(Int(seconds * 1000)) / 1000) + " s"
        return text
    }
}

/// Sends traces to a collectd receiver as a `Service`: it ends when everything is sent, or early and cleanly on
/// graceful shutdown (SIGINT/SIGTERM), with `summary` telling what went out.
public final class ReplaySession: Service {
    public let traces: [ReplayTrace]
    public let options: ReplayOptions
    private let logger: Logger
    private let showProgress: Bool
    private let state = SummaryBox()

    public init(replaying traces: [ReplayTrace], options: ReplayOptions, showProgress: Bool = true, logger: Logger) {
        self.traces = traces
        self.options = options
        self.showProgress = showProgress
        self.logger = logger
    }

    /// A session over traces already in memory.
    public convenience init(traces: [LoadedTrace], options: ReplayOptions, showProgress: Bool = true, logger: Logger) {
        self.init(
            replaying: traces.map(ReplayTrace.loaded),
            options: options,
            showProgress: showProgress,
            logger: logger
        )
    }

    /// Datagrams per window handed to the socket: a replay waits for the event loop to take the window before the
    /// last, so it holds at most two windows of datagrams in memory.
    static let writesAhead = 512

    /// What was sent so far (all of it once `run` returned).
    public var summary: ReplaySummary { state.value }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            switch self.options.target {
            case .udp(let host, let port):
                let (socket, peer) = try await DatagramSocket.sender(to: host, port: port)
                var pacing =
                    self.options.paceToReceiver ? ReceiverBacklog(host: host, port: port).map(ReceiverPacing.init) : nil
                var unconfirmed = 0
                var marker: DatagramSocket.WritesTaken?
                try await socket.withStreams { _, outbound in
                    try await self.play { datagrams in
                        for datagram in datagrams {
                            try await outbound.write(
                                AddressedEnvelope(remoteAddress: peer, data: ByteBuffer(bytes: datagram))
                            )
                            try await pacing?.sent(payloadBytes: datagram.count)
                            unconfirmed += 1
                            // at most two windows queued: the loop takes one while the next is written
                            if unconfirmed == Self.writesAhead {
                                try await marker?.wait()
                                marker = socket.writesTakenMarker()
                                unconfirmed = 0
                            }
                        }
                        return datagrams.count
                    }
                }
                if var pacing {
                    pacing.finish()
                    self.state.setReceiverDrops(pacing.drops)
                    if pacing.gaveUp {
                        self.logger.warning(
                            "the receiver's queue stayed full for \(ReceiverPacing.stallLimit); the rest was sent unpaced"
                        )
                    }
                }
            case .http(let url):
                let client = CurlClient(configuration: .init(timeout: 10))
                try await self.play(http: client, url: url)
            }
        }
    }

    /// The UDP loop: each step becomes datagrams, packed as collectd packs them unless sent as captured.
    private func play(send: ([[UInt8]]) async throws -> Int) async throws {
        var encoder = NetworkEncoder(security: options.security)
        try await play(forceDecode: false, unit: "datagrams") { step in
            if let raw = step.rawDatagram { return (try await send([raw]), 0) }
            var datagrams: [[UInt8]] = []
            for record in step.records { datagrams += encoder.add(record) }
            return (try await send(datagrams + encoder.flush()), 0)
        }
    }

    /// The HTTP loop: value lists as write_http's JSON arrays, notifications one per request.
    private func play(http client: CurlClient, url: String) async throws {
        try await play(forceDecode: true, unit: "requests") { step in
            var bodies: [String] = []
            let lists = step.records.filter { if case .values = $0 { true } else { false } }
            if !lists.isEmpty { bodies.append(CollectdJSON.encodeArray(lists, typesDB: options.typesDB)) }
            for case .notification(let notification) in step.records {
                bodies.append(CollectdJSON.encodeAlert(notification))
            }
            var failed = 0
            for body in bodies {
                do {
                    let response = try await client.send(
                        CurlRequest(url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                    )
                    if !(200...299).contains(response.status) {
                        failed += 1
                        logger.warning(
                            "the receiver answered HTTP \(response.status)",
                            metadata: ["url": "\(ReplayTarget.redacted(url))"]
                        )
                    }
                } catch {
                    failed += 1
                    logger.warning(
                        "cannot post to the receiver: \(error)",
                        metadata: ["url": "\(ReplayTarget.redacted(url))"]
                    )
                }
            }
            return (bodies.count, failed)
        }
    }

    /// Walks the steps, delivers each, and keeps the summary and the progress up to date.
    private func play(
        forceDecode: Bool,
        unit: String,
        deliver: (ReplayStep) async throws -> (sent: Int, failed: Int)
    ) async throws {
        var stepper = Stepper(options: options, traces: traces, forceDecode: forceDecode)
        var progress = ProgressReporter(total: stepper.totalSteps)
        defer { if showProgress { progress.finish() } }
        while let step = try await stepper.next() {
            let (sent, failed) = try await deliver(step)
            state.add(step: step, datagrams: sent, elapsed: stepper.elapsed, failed: failed)
            if showProgress {
                let summary = state.value
                progress.update(
                    done: stepper.doneSteps,
                    detail: "\(summary.valueLists) value lists, \(summary.datagrams) \(unit)"
                )
            }
        }
        state.finish(elapsed: stepper.elapsed, undecodable: stepper.undecodable)
    }
}

/// The running summary, shared between the sending task and readers.
final class SummaryBox: Sendable {
    private let box = Mutex(ReplaySummary())

    var value: ReplaySummary { box.withLock { $0 } }

    func add(step: ReplayStep, datagrams: Int, elapsed: Double, failed: Int = 0) {
        box.withLock { summary in
            summary.valueLists += step.valueListCount
            summary.notifications += step.notificationCount
            summary.datagrams += datagrams
            summary.failedRequests += failed
            summary.seconds = elapsed
        }
    }

    func setReceiverDrops(_ drops: Int) {
        box.withLock { $0.receiverDrops = drops }
    }

    func finish(elapsed: Double, undecodable: Int) {
        box.withLock { summary in
            summary.seconds = elapsed
            summary.undecodable = undecodable
        }
    }
}
