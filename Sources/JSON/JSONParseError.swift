/// Why a body is not acceptable JSON, with where it went wrong.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem, for callers that map errors to answers (e.g. `tooLarge` to POL9003).
    public enum Code: String, Sendable {
        case syntax
        case tooDeep
        case tooLarge
        case duplicateKey
        case invalidUTF8
        case empty
    }

    public var code: Code
    /// What is wrong and where (line:column and byte offset), in words a person can act on.
    public var message: String
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
