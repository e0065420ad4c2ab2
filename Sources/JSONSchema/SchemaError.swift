/// Why a schema cannot be used: it cannot be read, is not JSON, or is not a schema this validator runs.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        case badPattern
        case invalidSchema
        case io
        case parse
        case refCycle
        case unresolvableRef
        case unsupportedRef
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
