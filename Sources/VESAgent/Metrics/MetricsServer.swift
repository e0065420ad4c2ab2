import Logging
import MetricsExport
import NIOCore
import NIOHTTP1
import NIOPosix
import Platform
import ServiceLifecycle

/// `GET /metrics` over HTTP/1.1 on `MetricsListen`, as a `Service` of the agent's group that stops with it.
///
/// The agent has no web framework, so this is a few lines of NIO: one request at a time per connection, answered
/// and closed. Bodies are ignored, a request head is bounded by NIO's parser (80 KiB), and a connection that
/// sends nothing for ``idleTimeout`` is closed.
struct MetricsServer: Service {
    let host: String
    let port: Int
    let logger: Logger
    let boundAddress: OnceValue<ServiceAddress?>
    let render: @Sendable () -> [UInt8]

    static let idleTimeout: TimeAmount = .seconds(30)

    func run() async throws {
        let render = render
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: Self.idleTimeout))
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(MetricsRequestHandler(render: render))
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            boundAddress.set(nil)
            throw AgentError(code: .listen, message: "cannot serve metrics on \(host):\(port): \(error)")
        }
        let address = ServiceAddress(scheme: "http", host: host, port: channel.localAddress?.port ?? port)
        boundAddress.set(address)
        if !CollectdReceiver.isLoopback(host) {
            logger.warning(
                "MetricsListen is \(address), which other machines can reach: anyone who can connect reads the agent's counts; listen on a loopback address unless a scraper elsewhere needs them"
            )
        }
        logger.info("serving metrics on \(address)/metrics")
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one request per connection: `GET` or `HEAD /metrics` with the metrics, another method on it with 405,
/// any other path with 404; then closes the connection.
final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let render: @Sendable () -> [UInt8]
    private var head: HTTPRequestHead?

    init(render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var headers = HTTPHeaders([("Connection", "close")])
        let status: HTTPResponseStatus
        var body: [UInt8]
        if path != "/metrics" {
            status = .notFound
            body = Array("no such path; the metrics are at /metrics\n".utf8)
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            body = Array("use GET\n".utf8)
            headers.add(name: "Allow", value: "GET, HEAD")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else {
            status = .ok
            body = render()
            headers.add(name: "Content-Type", value: MetricsRegistry.contentType)
        }
        headers.add(name: "Content-Length", value: String(body.count))
        if head.method == .HEAD { body = [] }
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
