/// One way an instance breaks its schema.
public struct Violation: Sendable, Hashable, Codable {
    /// RFC 6901 pointer into the instance; for `required`, the missing member itself.
    public var pointer: String
    /// What is wrong, worded as Python's `jsonschema` words it so people recognise it.
    public var message: String
    /// The schema keyword that failed (`type`, `required`, `enum`, ...).
    public var keyword: String

    public init(pointer: String, message: String, keyword: String) {
        self.pointer = pointer
        self.message = message
        self.keyword = keyword
    }
}
