import CCurl
import Dispatch
import Synchronization

/// One HTTP request for ``CurlClient``.
public struct CurlRequest: Sendable {
    public var method: String
    public var url: String
    /// Extra header lines as name/value pairs; an empty value removes a header curl would add.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Basic credentials, sent pre-emptively (curl never logs them); with no or an empty username no
    /// Authorization header is sent (curl would send `Basic Og==`).
    public var username: String?
    public var password: String?

    public init(
        method: String = "POST",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        username: String? = nil,
        password: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.username = username
        self.password = password
    }
}

/// What the server answered.
public struct CurlResponse: Sendable {
    public var status: Int
    /// Header lines of the final response, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The body was longer than ``CurlClientConfiguration/maximumResponseBytes`` and was not read: `body` is empty,
    /// the status and headers are the server's. An answer whose status is known is still an answer (a 202 with a
    /// huge body delivered the events), so the caller decides instead of retrying forever.
    public var bodyOmitted = false

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A transfer that did not produce an HTTP answer (refused, timed out, TLS failure, an answer too large...).
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// libcurl's `CURLcode`: 23 (`CURLE_WRITE_ERROR`) or 63 (`CURLE_FILESIZE_EXCEEDED`) for a body over
    /// ``CurlClientConfiguration/maximumResponseBytes`` before any status line, 43 (`CURLE_BAD_FUNCTION_ARGUMENT`) for a timeout out of
    /// range.
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "curl error \(code): \(message)" }
}

/// Settings that hold for every request of one client.
public struct CurlClientConfiguration: Sendable {
    /// Whole-request timeout in seconds.
    public var timeout: Double
    public var connectTimeout: Double
    /// Verify the server's certificate chain and host name (HTTPS).
    public var verifyPeer: Bool
    /// A PEM bundle to verify against instead of the system store.
    public var caCertificatePath: String?
    /// The most response body bytes buffered; a longer body is not read (``CurlResponse/bodyOmitted``), so a
    /// peer cannot make the client buffer without bound.
    public var maximumResponseBytes: Int

    /// Timeouts a request accepts, in seconds: at least a millisecond (0 ms would mean none to curl), at most a
    /// day.
    public static let timeouts: ClosedRange<Double> = 0.001...86_400

    public init(
        timeout: Double = 10,
        connectTimeout: Double = 5,
        verifyPeer: Bool = true,
        caCertificatePath: String? = nil,
        maximumResponseBytes: Int = 16 * 1024 * 1024
    ) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.verifyPeer = verifyPeer
        self.caCertificatePath = caCertificatePath
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// A timeout in curl's milliseconds, rounded up; nil when it is not in ``timeouts`` (or not finite).
    static func milliseconds(_ seconds: Double) -> Int? {
        guard timeouts.contains(seconds) else { return nil }
        return Int((seconds * 1000).rounded(.up))
    }
}

/// An HTTP/1.1 client on one libcurl easy handle: requests run one at a time on a private thread,
/// so callers in Swift concurrency never block the cooperative pool, and the connection is kept alive.
public final class CurlClient: Sendable {
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    private let configuration: CurlClientConfiguration
    private let queue = DispatchQueue(label: "CurlClient")
    private let handle: Mutex<EasyHandle>

    public init(configuration: CurlClientConfiguration = .init()) {
        _ = Self.globalInit
        self.configuration = configuration
        self.handle = Mutex(EasyHandle())
    }

    /// Sends the request on the client's thread and resumes when the answer is complete.
    public func send(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        let result: Result<CurlResponse, CurlError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(CurlError) in try self.sendBlocking(request) })
            }
        }
        return try result.get()
    }

    /// Sends the request on the calling thread.
    public func sendBlocking(_ request: CurlRequest) throws(CurlError) -> CurlResponse {
        try handle.withLock { (easy: inout EasyHandle) throws(CurlError) -> CurlResponse in
            try easy.perform(request, configuration: configuration)
        }
    }
}

/// Owns a `CURL *` and the per-transfer buffers.
private struct EasyHandle: ~Copyable {
    let curl: UnsafeMutableRawPointer

    init() {
        guard let curl = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
        self.curl = curl
    }

    deinit { curl_easy_cleanup(curl) }

    func perform(_ request: CurlRequest, configuration: CurlClientConfiguration) throws(CurlError) -> CurlResponse {
        let transfer = try CurlTransfer(curl: curl, request: request, configuration: configuration)
        return try transfer.response(after: curl_easy_perform(curl))
    }
}

/// Collects one transfer's answer; touched only by the transfer's thread.
final class ResponseSink {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// The most body bytes kept.
    let limit: Int
    /// Set when the body went past `limit`: the transfer was stopped.
    var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }
}

func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    guard length <= sink.limit - sink.body.count else {
        // returning less than given makes curl stop the transfer with CURLE_WRITE_ERROR
        sink.overflowed = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        sink.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        // a new status line (after 100 Continue or a redirect): only the final response's headers count
        sink.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
        sink.headers.append((name, value))
    }
    return length
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(
            self.drop(while: { characters.contains($0) }).reversed().drop(while: { characters.contains($0) }).reversed()
        )
    }
}
