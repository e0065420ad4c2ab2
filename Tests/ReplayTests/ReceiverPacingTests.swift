import Collectd
import Foundation
import Logging
import Synchronization
import Testing

@testable import Replay

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ves-replay paces itself to a loopback receiver's socket queue")
struct ReceiverPacingTests {
    @Test("the kernel's table: the lines of one local port summed, other ports and broken lines left out")
    func table() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1: 0100007F:9C40 00000000:0000 07 00000000:00038400 00:00000000 00000000     0        0 1 2 0000000000000000 7
             2: 00000000:9C40 00000000:0000 07 00000000:00000100 00:00000000 00000000     0        0 2 2 0000000000000000 3
             3: 0100007F:9C41 00000000:0000 07 00000000:00FFFFFF 00:00000000 00000000     0        0 3 2 0000000000000000 99
             4: 0100007F:9C40 00000000:0000 07 00000000:zz 00:00000000 00000000     0        0 4 2 0000000000000000 5
             5: 0100007F:9C40 short line

            """
        var reading = ReceiverBacklog.Reading(queuedBytes: 0, drops: 0)
        ReceiverBacklog.add(Array(table.utf8), port: 0x9C40, to: &reading)
        #expect(reading == ReceiverBacklog.Reading(queuedBytes: 0x38400 + 0x100, drops: 10))
    }

    @Test("only loopback receivers are read")
    func loopbackOnly() throws {
        #expect(ReceiverBacklog(host: "192.0.2.1", port: 25826) == nil)
        #expect(ReceiverBacklog(host: "127.0.0.1", port: 0) == nil)
        try #require(FileManager.default.isReadableFile(atPath: "/proc/net/udp"), "needs /proc/net/udp (Linux)")
        #expect(ReceiverBacklog(host: "127.0.0.1", port: 25826) != nil)
    }

    /// About 2,350 datagrams, more than twice what the receiver's buffer below holds.
    static func trace() -> LoadedTrace {
        var generator = VirtTraceGenerator()
        generator.vms = 1000
        generator.samples = 7
        return LoadedTrace(path: "generated", format: .json, entries: generator.entries())
    }

    @Test("a receiver that stops reading holds the replay back instead of losing datagrams; unpaced, it loses them")
    func holdsBack() async throws {
        try #require(FileManager.default.isReadableFile(atPath: "/proc/net/udp"), "needs /proc/net/udp (Linux)")
        let trace = Self.trace()
        for paced in [true, false] {
            let receiver = try StalledReceiver(receiveBuffer: 1 << 20)
            var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: receiver.port))
            options.speed = nil
            options.paceToReceiver = paced
            let session = ReplaySession(
                traces: [trace],
                options: options,
                showProgress: false,
                logger: Logger(label: "t")
            )
            let backlog = try #require(ReceiverBacklog(host: "127.0.0.1", port: receiver.port))
            let sending = Task { try await session.run() }
            let ended = Counted()
            Task {
                _ = try? await sending.value
                ended.add()
            }
            if paced {
                // the queue fills to the pacing limit, then the replay waits: unpaced, it would have ended within
                // a quarter of a second, most of it dropped; paced, a second later it is still waiting, nothing lost
                let deadline = ContinuousClock.now + .seconds(60)
                while (backlog.read()?.queuedBytes ?? 0) < ReceiverPacing.startLimit / 2 {
                    try #require(ContinuousClock.now < deadline, "the receiver's queue never filled")
                    await Task.yield()
                }
                let watchEnd = ContinuousClock.now + .seconds(1)
                while ContinuousClock.now < watchEnd, ended.value == 0, backlog.read()?.drops == 0 {
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(ended.value == 0, "the replay ended while the receiver read nothing")
                #expect(backlog.read()?.drops == 0)
                #expect(session.summary.datagrams < 1000, "\(session.summary.datagrams) datagrams went out")
            }
            if !paced {
                // unpaced, the replay ends while nobody reads, and what did not fit is lost
                try await sending.value
            }
            let received = await receiver.drain(until: sending)
            try await sending.value
            let summary = session.summary
            if paced {
                #expect(received.value == summary.datagrams)
                #expect(summary.receiverDrops == 0)
            } else {
                #expect(received.value < summary.datagrams)
                #expect(summary.receiverDrops == nil)
            }
        }
    }
}

/// A UDP socket on 127.0.0.1 that nobody reads until `drain` is called.
final class StalledReceiver: Sendable {
    let descriptor: Int32
    let port: Int

    init(receiveBuffer: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.descriptor = descriptor
        var size = Int32(receiveBuffer)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // reads give up after 100 ms without a datagram, so the reader can see that the sender is done
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Reads on a thread of its own until `sender` has ended and the queue is empty.
    func drain<T: Sendable>(until sender: Task<T, any Error>) async -> Counted {
        let counted = Counted()
        let finished = Counted()
        Task {
            _ = try? await sender.value
            finished.add()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [descriptor] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count >= 0 {
                        counted.add()
                    } else if finished.value > 0 {
                        break
                    }
                }
                continuation.resume()
            }
        }
        return counted
    }
}

final class Counted: Sendable {
    private let box = Mutex(0)
    func add() { box.withLock { $0 += 1 } }
    var value: Int { box.withLock { $0 } }
}
