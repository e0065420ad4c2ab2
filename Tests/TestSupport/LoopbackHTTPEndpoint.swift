import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 endpoint on 127.0.0.1 port 0 for tests that must see the raw requests a client sends (its
/// headers, its bodies) and choose the answer: it serves connections one after the other, keep-alive included.
public final class LoopbackHTTPEndpoint: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One request: its head, lower-cased, and its body.
    public struct Request: Sendable {
        public var head: String
        public var body: String
    }

    private let listener: Int32
    public let port: Int

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(message: "cannot listen: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Answers each request with `status` and `answer` until `count` requests arrived, then closes; blocking, so
    /// call it off the cooperative pool.
    public func receive(count: Int, status: String = "202 Accepted", answer: String = "") throws -> [Request] {
        defer { close(listener) }
        var requests: [Request] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let reply = Array("HTTP/1.1 \(status)\r\nContent-Length: \(answer.utf8.count)\r\n\r\n\(answer)".utf8)
        while requests.count < count {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { throw Failure(message: "accept failed: errno \(errno)") }
            defer { close(connection) }
            var buffer: [UInt8] = []
            while requests.count < count {
                // a whole request: head, blank line, Content-Length bytes
                if let headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: buffer[..<headEnd.upperBound], as: UTF8.self).lowercased()
                    let length =
                        head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                        ?? 0
                    if buffer.count >= headEnd.upperBound + length {
                        let body = buffer[headEnd.upperBound..<(headEnd.upperBound + length)]
                        requests.append(Request(head: head, body: String(decoding: body, as: UTF8.self)))
                        buffer.removeSubrange(..<(headEnd.upperBound + length))
                        _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                        continue
                    }
                }
                let read = chunk.withUnsafeMutableBytes { Glibc.read(connection, $0.baseAddress, $0.count) }
                guard read > 0 else { break }
                buffer += chunk[..<read]
            }
        }
        return requests
    }
}
