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
    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_ALL)) }()

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
        // reset keeps the connection cache, so keep-alive survives between requests
        curl_easy_reset(curl)
        guard let timeout = CurlClientConfiguration.milliseconds(configuration.timeout),
            let connectTimeout = CurlClientConfiguration.milliseconds(configuration.connectTimeout)
        else {
            throw CurlError(
                code: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue),
                message: "timeout \(configuration.timeout) s or connect timeout \(configuration.connectTimeout) s is "
                    + "not a number of seconds from 0.001 to 86400"
            )
        }
        let sink = ResponseSink(limit: max(0, configuration.maximumResponseBytes))
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        // curl would wait for 100-continue on large bodies; listeners answer at once
        headerList = curl_slist_append(headerList, "Expect:")

        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if code == CURLE_OK { code = ves_curl_setopt_long(curl, option, value) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if code == CURLE_OK { code = ves_curl_setopt_string(curl, option, value) }
        }
        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_TIMEOUT_MS, timeout)
        set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout)
        // an answer that announces its length is refused before its body arrives; the write callback stops others
        set(CURLOPT_MAXFILESIZE, max(0, configuration.maximumResponseBytes))
        set(CURLOPT_SSL_VERIFYPEER, configuration.verifyPeer ? 1 : 0)
        set(CURLOPT_SSL_VERIFYHOST, configuration.verifyPeer ? 2 : 0)
        if let caCertificatePath = configuration.caCertificatePath {
            set(CURLOPT_CAINFO, caCertificatePath)
        }
        if let username = request.username, !username.isEmpty {
            set(CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC
            set(CURLOPT_USERNAME, username)
            set(CURLOPT_PASSWORD, request.password ?? "")
        }
        switch request.method.uppercased() {
        case "GET": set(CURLOPT_HTTPGET, 1)
        case "POST": set(CURLOPT_POST, 1)
        case "HEAD": set(CURLOPT_NOBODY, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method)
            if !request.body.isEmpty { set(CURLOPT_POST, 1) }
        }
        if code == CURLE_OK { code = ves_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList) }
        if code == CURLE_OK { code = ves_curl_setopt_write_callback(curl, curlWriteBody) }
        if code == CURLE_OK { code = ves_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, sinkPointer) }
        if code == CURLE_OK { code = ves_curl_setopt_header_callback(curl, curlWriteHeader) }
        if code == CURLE_OK { code = ves_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, sinkPointer) }
        guard code == CURLE_OK else { throw CurlError(code: Int(code.rawValue), message: Self.describe(code)) }

        let result = request.body.withUnsafeBytes { body -> CURLcode in
            if request.method.uppercased() != "GET" && request.method.uppercased() != "HEAD" {
                _ = ves_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
                _ = ves_curl_setopt_pointer(
                    curl,
                    CURLOPT_POSTFIELDS,
                    UnsafeMutableRawPointer(mutating: body.baseAddress)
                )
            }
            return withExtendedLifetime(sink) { curl_easy_perform(curl) }
        }
        guard result == CURLE_OK else {
            if sink.overflowed || result == CURLE_FILESIZE_EXCEEDED {
                var status = 0
                _ = ves_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
                if (100...599).contains(status) {
                    return CurlResponse(status: status, headers: sink.headers, body: [], bodyOmitted: true)
                }
                throw CurlError(
                    code: Int(result.rawValue),
                    message: "the answer's body is larger than \(configuration.maximumResponseBytes) bytes: not read"
                )
            }
            throw CurlError(code: Int(result.rawValue), message: Self.describe(result))
        }
        var status = 0
        _ = ves_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, headers: sink.headers, body: sink.body)
    }

    static func describe(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}

/// Collects one transfer's answer; touched only by the transfer's thread.
private final class ResponseSink {
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

private func curlWriteBody(
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

private func curlWriteHeader(
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
