import Collectd
import Foundation
import Replay
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 endpoint on 127.0.0.1 port 0 that answers 200 to every POST and keeps the bodies:
/// what a write_http receiver sees.
final class WriteHTTPEndpoint: @unchecked Sendable {
    let listener: Int32
    let port: Int

    init() throws {
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
        guard bound else { throw RawSocketError(message: "cannot listen: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Serves one keep-alive connection until `count` bodies arrived; returns them.
    func receive(count: Int) throws -> [String] {
        let connection = accept(listener, nil, nil)
        defer {
            close(connection)
            close(listener)
        }
        var buffer: [UInt8] = []
        var bodies: [String] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bodies.count < count {
            // a whole request: head, blank line, Content-Length bytes
            if let headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count >= headEnd.upperBound + length {
                    bodies.append(
                        String(decoding: buffer[headEnd.upperBound..<(headEnd.upperBound + length)], as: UTF8.self)
                    )
                    buffer.removeSubrange(..<(headEnd.upperBound + length))
                    let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
                    _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                    continue
                }
            }
            let read = chunk.withUnsafeMutableBytes { Glibc.read(connection, $0.baseAddress, $0.count) }
            guard read > 0 else { throw RawSocketError(message: "connection closed after \(bodies.count) bodies") }
            buffer += chunk[..<read]
        }
        return bodies
    }
}

struct RawSocketError: Error {
    var message: String
}

@Suite("ves-replay send --to http")
struct HTTPTargetTests {
    @Test("value lists arrive as write_http JSON arrays and notifications in write_http's own shape")
    func postsCollectdJSON() async throws {
        let trace = SharedMaterial.fixture("model/virt-and-host.jsonl")
        let expected = try records(of: trace)
        let endpoint = try WriteHTTPEndpoint()
        // lines recorded at the same moment go in one request, and the notification in its own: 8 requests
        async let bodies = offCooperativePool { try endpoint.receive(count: 8) }
        let summary = try await replay([trace]) { $0.target = .http(url: "http://127.0.0.1:\(endpoint.port)/collectd") }
        let received = try await bodies
        #expect(summary.datagrams == 8)
        #expect(summary.failedRequests == 0)
        let typesDB = TypesDB.systemOrBuiltIn()
        let alerts = received.filter { $0.contains("\"annotations\"") }
        #expect(alerts.count == 1)
        let lists = try received.filter { !$0.contains("\"annotations\"") }
            .flatMap { try CollectdJSON.decode(line: $0, typesDB: typesDB) }
        let expectedLists = expected.filter { if case .values = $0 { true } else { false } }
        #expect(sortedDescriptions(lists) == sortedDescriptions(expectedLists))
        // write_http's notification shape reads back as the notification that was sent
        let notifications = try alerts.flatMap { try CollectdJSON.decode(line: $0, typesDB: typesDB) }
        #expect(notifications.count == 1)
        if case .notification(let notification)? = notifications.first {
            #expect(notification.message == "VM instance-00000002 CPU usage is above 90%")
            #expect(notification.severity == .warning)
        } else {
            Issue.record("the alert did not read back as a notification")
        }
    }
}
