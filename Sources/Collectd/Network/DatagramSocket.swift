public import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// A UDP socket on SwiftNIO: sends datagrams to one peer, or receives them on a bound address.
public struct DatagramSocket: Sendable {
    typealias Channel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    let channel: Channel
    /// Datagrams read per system call.
    static let vectorReads = 8
    /// The address the socket is bound to (the real port when 0 was asked for).
    public let localAddress: SocketAddress

    /// Binds a socket for sending to `host:port`; the local address matches the peer's family.
    public static func sender(to host: String, port: Int, sendBuffer: Int = 4 << 20) async throws
        -> (socket: DatagramSocket, peer: SocketAddress)
    {
        let peer = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let localHost = peer.protocol == .inet6 ? "::" : "0.0.0.0"
        let socket = try await bind(host: localHost, port: 0, bufferOption: .so_sndbuf, bufferSize: sendBuffer)
        return (socket, peer)
    }

    /// Binds a receiving socket with a large receive buffer, so bursts are not lost while the reader catches up.
    /// The port is not shared: a second receiver on it fails instead of silently taking part of the datagrams.
    public static func receiver(host: String, port: Int, receiveBuffer: Int = 16 << 20) async throws -> DatagramSocket {
        try await bind(host: host, port: port, bufferOption: .so_rcvbuf, bufferSize: receiveBuffer, reuseAddress: false)
    }

    private static func bind(
        host: String,
        port: Int,
        bufferOption: NIOBSDSocket.Option,
        bufferSize: Int,
        reuseAddress: Bool = true
    ) async throws -> DatagramSocket {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: reuseAddress ? 1 : 0)
            .channelOption(.socketOption(bufferOption), value: SocketOptionValue(bufferSize))
            // vector reads split the buffer evenly between messages: each slot holds the largest UDP payload
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Self.vectorReads * 65_536))
            .channelOption(.datagramVectorReadMessageCount, value: Self.vectorReads)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Channel(wrappingChannelSynchronously: channel)
                }
            }
        await raiseBeyondSystemLimit(channel.channel, bufferOption, to: bufferSize)
        guard let address = channel.channel.localAddress else {
            throw CollectdError(code: .udp, message: "the UDP socket on \(host):\(port) has no local address")
        }
        return DatagramSocket(channel: channel, localAddress: address)
    }

    /// Linux caps SO_RCVBUF and SO_SNDBUF at net.core.rmem_max and wmem_max (often 4 MiB, which a replay at full
    /// speed fills in milliseconds); a process allowed to (CAP_NET_ADMIN, as root in a container) may go past the
    /// cap with the FORCE options. Where it may not, the capped size stays.
    private static func raiseBeyondSystemLimit(
        _ channel: any NIOCore.Channel,
        _ option: NIOBSDSocket.Option,
        to size: Int
    ) async {
        #if os(Linux)
            // the kernel reports twice what was set, for its own bookkeeping
            guard let current = try? await channel.getOption(.socketOption(option)).get(), current < size else {
                return
            }
            let force = NIOBSDSocket.Option(rawValue: option == .so_rcvbuf ? SO_RCVBUFFORCE : SO_SNDBUFFORCE)
            _ = try? await channel.setOption(.socketOption(force), value: SocketOptionValue(size)).get()
        #endif
    }

    /// Closes the socket; a loop over its inbound stream ends.
    public func close() {
        channel.channel.close(promise: nil)
    }

    /// A marker that completes once the socket's event loop has taken every write handed to the outbound writer
    /// before it: the writer queues a task on the loop per write without waiting, so a sender faster than the loop
    /// must wait for a marker now and then or queue without bound (a replay of a million datagrams held 150 MB).
    public func writesTakenMarker() -> WritesTaken {
        WritesTaken(future: channel.channel.eventLoop.submit {})
    }

    /// See ``writesTakenMarker()``.
    public struct WritesTaken: Sendable {
        let future: EventLoopFuture<Void>

        public func wait() async throws { try await future.get() }
    }

    /// Runs `body` with the socket's inbound stream and outbound writer, and closes it afterwards.
    public func withStreams<Result: Sendable>(
        _ body: (
            NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
            NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
        ) async throws -> Result
    ) async throws -> Result {
        try await channel.executeThenClose { inbound, outbound in
            try await body(inbound, outbound)
        }
    }
}
