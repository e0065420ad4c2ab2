/// A listener problem a person can act on: bad flags, an unreadable schema, a port in use.
public struct ListenerError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// The address cannot be bound.
        case bind
        /// A configuration key with a value that cannot be used (a flag, a `VES_LISTENER_*` variable or the
        /// `--config` file; the message names the key and where its value came from), or a file that cannot be read.
        case config
        /// A connection dropped by an injected fault.
        case fault
        /// ONAP collector files (`--onap-config`) that cannot be read or used.
        case profile
        /// The record file cannot be opened or written.
        case record
        /// The JUnit report cannot be written.
        case report
        /// A schema that cannot be read or used.
        case schema
        /// A certificate or key that cannot be used.
        case tls
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
