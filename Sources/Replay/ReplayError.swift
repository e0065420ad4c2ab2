/// A replay or record problem a person can act on.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// The UDP address cannot be bound.
        case listen
        /// A flag value that cannot be used (`--rename-host`, `--sign`, ...).
        case option
        /// An output file that cannot be written.
        case output
        /// A `--to` or `--listen` address that cannot be used.
        case target
        /// A trace that cannot be read (the message says where).
        case trace
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
