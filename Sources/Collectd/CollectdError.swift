/// An error from reading collectd material (types.db, auth files, JSON, PUTVAL text, traces).
///
/// `code` is stable for programs (`types-db.syntax`, `trace.format`, ...); `message` tells a person what was wrong
/// and where (file, line), so they can fix the input.
public struct CollectdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        case authFileSyntax = "auth-file.syntax"
        case fileMissing = "file.missing"
        case fileRead = "file.read"
        case fileWrite = "file.write"
        case jsonField = "json.field"
        case jsonShape = "json.shape"
        case jsonSyntax = "json.syntax"
        case pcapHeader = "pcap.header"
        case pcapLinkType = "pcap.link-type"
        case putnotifOption = "putnotif.option"
        case putnotifSyntax = "putnotif.syntax"
        case putvalCommand = "putval.command"
        case putvalIdentifier = "putval.identifier"
        case putvalOption = "putval.option"
        case putvalSyntax = "putval.syntax"
        case putvalTime = "putval.time"
        case putvalType = "putval.type"
        case putvalValues = "putval.values"
        case traceEmpty = "trace.empty"
        case traceFormat = "trace.format"
        case traceHex = "trace.hex"
        case traceTsv = "trace.tsv"
        case typesDbSyntax = "types-db.syntax"
        case udp
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(code.rawValue): \(message)"
    }
}
