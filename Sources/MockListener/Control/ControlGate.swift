import HTTPTypes
import Hummingbird
import NIOCore
import VESModel

/// Decides whether a `/testControl` request may reach the test-control API. That API deletes records, queues
/// commandLists (which steer the agent) and injects faults (which make it drop events), so it must not answer
/// a stranger, a web page's cross-site request or a page behind a rebound DNS name. In order:
///
/// 1. The Host header must name this listener: a loopback name, the address the connection came in on or the
///    configured host, with the listening port (421 otherwise). A DNS-rebinding page sends its own name.
/// 2. With `--username` or `--control-token` set, the request must carry the same Basic credentials or
///    `Authorization: Bearer <control-token>` (401 with a challenge otherwise).
/// 3. A POST, and a DELETE with a body, must say `Content-Type: application/json` (415 otherwise): a web page can
///    send `text/plain` across sites without asking, but not JSON. A DELETE without a body is let through, as a
///    browser never sends a cross-site DELETE without a preflight, which the listener does not answer.
/// 4. A POST to a full commandList or faults queue gets 429 (see ``ControlState/maxQueued``).
struct ControlGate: Sendable {
    let credentials: Credentials?
    let token: String?
    let configuredHost: String
    let configuredPort: Int
    let scheme: String
    let control: ControlState

    /// Host names every listener answers to, as the Host header writes them without brackets.
    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// The realm of the challenges a refused request gets.
    static let realm = "VES test control"

    init(configuration: ListenerConfiguration, control: ControlState) {
        credentials = configuration.credentials
        token = configuration.controlToken
        configuredHost = Self.bare(configuration.host)
        configuredPort = configuration.port
        scheme = configuration.scheme
        self.control = control
    }

    /// The answer that refuses `request` for `endpoint` (`events`, `faults`...), or nil when it may go on.
    /// `localAddress` is the connection's own end: the address and port the listener accepted it on.
    func refusal(for request: Request, endpoint: String, localAddress: SocketAddress?) -> Response? {
        if let reason = hostProblem(request, localAddress: localAddress) {
            return Self.answer(.misdirectedRequest, reason)
        }
        if !isAuthorized(request) {
            return unauthorized("/testControl")
        }
        if let reason = mediaTypeProblem(request) {
            return Self.answer(.unsupportedMediaType, reason)
        }
        if request.method == .post, let reason = control.fullReason(for: endpoint) {
            return Self.answer(.tooManyRequests, reason)
        }
        return nil
    }

    /// The 401 for a request to `what` without the credentials or token, with a challenge for each.
    func unauthorized(_ what: String) -> Response {
        let ways = [
            credentials.map { _ in "the listener's Basic credentials" },
            token.map { _ in "'Authorization: Bearer <control token>'" },
        ]
        var response = Self.answer(.unauthorized, what + " needs " + ways.compactMap { $0 }.joined(separator: " or "))
        if credentials != nil {
            response.headers.append(HTTPField(name: .wwwAuthenticate, value: "Basic realm=\"\(Self.realm)\""))
        }
        if token != nil {
            response.headers.append(HTTPField(name: .wwwAuthenticate, value: "Bearer realm=\"\(Self.realm)\""))
        }
        return response
    }

    /// Why the Host header does not name this listener, or nil when it does.
    func hostProblem(_ request: Request, localAddress: SocketAddress?) -> String? {
        let listeningPort = localAddress?.port ?? configuredPort
        guard let authority = request.head.authority else {
            return "the Host header is missing; /testControl answers only requests for this listener"
        }
        // the first Host field became the authority; another one is ambiguous
        if let hostField = HTTPField.Name("Host"), !request.headers[values: hostField].isEmpty {
            return "the request has more than one Host header"
        }
        let allowed = Self.loopbackNames.union([configuredHost] + Self.names(of: localAddress))
        guard let parsed = Self.split(authority: authority), allowed.contains(parsed.name.lowercased()),
            (parsed.port ?? (scheme == "https" ? 443 : 80)) == listeningPort
        else {
            return "the Host header '\(authority)' does not name this listener; /testControl answers only to "
                + "localhost, 127.0.0.1, [::1], the listening address or --host, with port \(listeningPort) "
                + "(a page behind another DNS name must not reach it)"
        }
        return nil
    }

    /// Whether the request carries what protects /testControl; always true when nothing is configured.
    func isAuthorized(_ request: Request) -> Bool {
        guard credentials != nil || token != nil else { return true }
        guard let header = request.headers[.authorization] else { return false }
        if let credentials, let given = BasicAuthorization.parse(header) {
            return BasicAuthorization.matches(given, credentials)
        }
        if let token, let given = Self.bearerToken(header) {
            return BasicAuthorization.constantTimeEqual(String(given), token)
        }
        return false
    }

    /// Why a request's body type is refused, or nil.
    func mediaTypeProblem(_ request: Request) -> String? {
        if request.method == .get || request.method == .head { return nil }
        let contentType = request.headers[.contentType]
        if let contentType, ListenerResponder.isJSON(contentType: contentType) { return nil }
        // a DELETE without a body (curl -X DELETE, or libcurl's empty form) has nothing to check
        if request.method == .delete, contentType == nil || request.headers[.contentLength] == "0" { return nil }
        return "/testControl takes only 'Content-Type: application/json' on \(request.method); "
            + (contentType.map { "'\($0)' is refused" } ?? "the header is missing")
    }

    /// The names the Host header may give for the connection's own address: its IP address, and for an IPv4
    /// client of a socket bound to `::` the IPv4 address inside `::ffff:a.b.c.d`.
    static func names(of address: SocketAddress?) -> [String] {
        guard let ip = address?.ipAddress?.lowercased() else { return [] }
        if ip.hasPrefix("::ffff:"), ip.contains(".") { return [ip, String(ip.dropFirst("::ffff:".count))] }
        return [ip]
    }

    /// `Bearer abc` → `abc`; nil for another scheme or an empty token.
    static func bearerToken(_ header: String) -> Substring? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// `[::1]:8080` → (`::1`, 8080); `localhost` → (`localhost`, nil); nil when it is not a host and port.
    static func split(authority: String) -> (name: String, port: Int?)? {
        var name: Substring
        let rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            name = authority[authority.index(after: authority.startIndex)..<close]
            rest = authority[authority.index(after: close)...]
        } else {
            let colon = authority.firstIndex(of: ":") ?? authority.endIndex
            name = authority[..<colon]
            rest = authority[colon...]
        }
        // `localhost.` is `localhost`
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty else { return nil }
        if rest.isEmpty { return (String(name), nil) }
        guard rest.first == ":" else { return nil }
        let digits = rest.dropFirst()
        guard (1...5).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let port = Int(digits), port <= 65535
        else { return nil }
        return (String(name), port)
    }

    /// A configured host as the Host header writes it without brackets, in lower case: `[::1]` → `::1`.
    static func bare(_ host: String) -> String {
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return trimmed.lowercased()
    }

    private static func answer(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        ListenerResponder.json(status, RequestError.serviceError(reason, status: Int(status.code)).json)
    }
}
