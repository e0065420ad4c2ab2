/// An error of the agent: a short code for scripts and a message a person can act on.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// A bad key or value in the configuration (the program exits 64).
        case config
        /// The UDP address cannot be bound (the program exits 2).
        case listen
        /// The spool cannot be read or written.
        case spool
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
