/// An error of the agent: a short code for scripts and a message a person can act on.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// `config` (bad key or value), `listen` (cannot bind), `spool` (cannot read or write the spool).
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
