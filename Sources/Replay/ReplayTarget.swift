import Collectd

/// Where `ves-replay send` delivers a trace.
public enum ReplayTarget: Sendable, Equatable, CustomStringConvertible {
    /// collectd's network protocol over UDP, as collectd's network plugin sends it.
    case udp(host: String, port: Int)
    /// collectd JSON POSTed as write_http does (`Format "JSON"`).
    case http(url: String)

    /// Reads `udp://HOST:PORT` (port defaults to 25826) or `http(s)://HOST:PORT/PATH`.
    /// `listening` allows port 0 (any free port).
    public init(parsing text: String, listening: Bool = false) throws(ReplayError) {
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            self = .http(url: text)
            return
        }
        guard text.hasPrefix("udp://") else {
            throw ReplayError(code: .target, message: "'\(text)' is not udp://HOST:PORT or http://HOST:PORT/PATH")
        }
        let (host, port) = try Self.hostAndPort(
            String(text.dropFirst("udp://".count)),
            defaultPort: Int(TraceFile.defaultPort),
            lowestPort: listening ? 0 : 1
        )
        self = .udp(host: host, port: port)
    }

    /// Splits `HOST:PORT`, `[IPv6]:PORT` or `HOST`.
    static func hostAndPort(_ text: String, defaultPort: Int, lowestPort: Int) throws(ReplayError) -> (String, Int) {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw ReplayError(code: .target, message: "'\(text)': missing ']' after the IPv6 address")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") { portText = rest.dropFirst() }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        while host.hasSuffix("/") { host = host.dropLast() }
        guard !host.isEmpty else { throw ReplayError(code: .target, message: "'\(text)': no host") }
        guard let portText else { return (String(host), defaultPort) }
        let trimmed = portText.hasSuffix("/") ? portText.dropLast() : portText
        guard let port = Int(trimmed), (lowestPort...65535).contains(port) else {
            throw ReplayError(code: .target, message: "'\(text)': the port must be \(lowestPort) to 65535")
        }
        return (String(host), port)
    }

    /// Shown in logs and summaries: an HTTP URL's `user:password@` is masked.
    public var description: String {
        switch self {
        case .udp(let host, let port): "udp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case .http(let url): Self.redacted(url)
        }
    }

    /// `url` with any `user:password@` before the host replaced by `***@`, so logs never carry credentials.
    public static func redacted(_ url: String) -> String {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return url }
        let authorityStart = url.index(colon, offsetBy: 3)
        let authorityEnd = url[authorityStart...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + "***" + String(url[at...])
    }
}
