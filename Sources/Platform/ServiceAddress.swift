/// Where a program listens, as it announces it: `scheme://HOST:PORT` with an IPv6 host in brackets, so the text
/// is a URL a person or a script can use as it is.
public struct ServiceAddress: Sendable, Hashable, CustomStringConvertible {
    /// `http`, `https` or `udp`.
    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// The host as it goes into a URL: an IPv6 address in brackets.
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String { "\(scheme)://\(urlHost):\(port)" }
}
