/// An error from reading collectd material (types.db, auth files, JSON, PUTVAL text, traces).
///
/// `code` is stable for programs (`types-db.syntax`, `trace.format`, ...); `message` tells a person what was wrong
/// and where (file, line), so they can fix the input.
public struct CollectdError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(code): \(message)"
    }
}
