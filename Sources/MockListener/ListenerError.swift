/// A listener problem a person can act on: bad flags, an unreadable schema, a port in use.
public struct ListenerError: Error, Sendable, CustomStringConvertible {
    /// Short machine-readable kind (`schema`, `tls`, `record`, `bind`...).
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
