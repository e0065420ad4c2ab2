import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bare TCP connection to 127.0.0.1, for clients that misbehave on purpose. One thread may send while another
/// reads (a socket allows that); `close` is for when both are done, so the descriptor is not guarded.
final class RawConnection: @unchecked Sendable {
    private var descriptor: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw RawConnectionError(message: "connect failed: errno \(errno)") }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw RawConnectionError(message: "write failed: errno \(errno)") }
    }

    /// Sends without raising SIGPIPE; false once the server has closed the connection.
    func trySend(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return written == bytes.count
    }

    /// Reads until the server closes the connection (or the 20 s receive timeout). The blocking reads run off the
    /// cooperative pool, which the listener under test needs.
    func receiveAll() async throws -> String {
        try await receive(until: nil)
    }

    /// Reads until what arrived holds `marker` (a response that stays open, such as a stream), the server closes
    /// the connection, or the 20 s receive timeout; returns what arrived.
    func receive(until marker: String?) async throws -> String {
        let descriptor = descriptor
        return try await offCooperativePool {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while marker.map({ !String(decoding: received, as: UTF8.self).contains($0) }) ?? true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { close() }
}

struct RawConnectionError: Error {
    var message: String
}
