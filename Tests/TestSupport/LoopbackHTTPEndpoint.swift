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
                if let request = Self.takeRequest(from: &buffer) {
                    requests.append(request)
                    _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                    continue
                }
                let read = chunk.withUnsafeMutableBytes { Glibc.read(connection, $0.baseAddress, $0.count) }
                guard read > 0 else { break }
                buffer += chunk[..<read]
            }
        }
        return requests
    }

    /// Waits until `count` connections each carry a whole request at the same time, then answers them all with
    /// 202 and closes: a client that never has that many requests in flight at once fails with a message after
    /// `timeoutMilliseconds` without a new connection. Blocking, so call it off the cooperative pool.
    public func receiveAtOnce(count: Int, timeoutMilliseconds: Int32 = 20_000) throws -> [Request] {
        defer { close(listener) }
        var connections: [Int32] = []
        defer { for connection in connections { close(connection) } }
        var requests: [Request] = []
        while connections.count < count {
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, timeoutMilliseconds) == 1 else {
                throw Failure(message: "only \(connections.count) requests in flight at once, \(count) expected")
            }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { throw Failure(message: "accept failed: errno \(errno)") }
            connections.append(connection)
            requests.append(try Self.readRequest(from: connection))
        }
        let reply = Array("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".utf8)
        for connection in connections {
            _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        }
        return requests
    }

    /// Reads one whole request (head, blank line, Content-Length bytes) from a connection.
    private static func readRequest(from connection: Int32) throws -> Request {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let request = takeRequest(from: &buffer) { return request }
            let read = chunk.withUnsafeMutableBytes { Glibc.read(connection, $0.baseAddress, $0.count) }
            guard read > 0 else { throw Failure(message: "a connection closed before its request was whole") }
            buffer += chunk[..<read]
        }
    }

    /// Takes a whole request (head, blank line, Content-Length bytes) off the front of `buffer`, if it holds one.
    private static func takeRequest(from buffer: inout [UInt8]) -> Request? {
        guard let headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: buffer[..<headEnd.upperBound], as: UTF8.self).lowercased()
        let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        guard buffer.count >= headEnd.upperBound + length else { return nil }
        let body = buffer[headEnd.upperBound..<(headEnd.upperBound + length)]
        buffer.removeSubrange(..<(headEnd.upperBound + length))
        return Request(head: head, body: String(decoding: body, as: UTF8.self))
    }
}
