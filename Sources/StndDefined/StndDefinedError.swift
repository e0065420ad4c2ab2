/// Why stndDefined schemas cannot be loaded or used, naming the file and what to do about it.
public struct StndDefinedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem, for programs that branch on it (exit codes); stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// The folder or its `schema-map.json` is missing or unreadable.
        case missingMap
        /// `schema-map.json` is not a list of `publicURL`/`localURL` pairs.
        case badMap
        /// A file the map names cannot be read.
        case unreadableFile
        /// A schema file is not YAML (or JSON) that maps onto JSON.
        case badYAML
        /// A file, or the number of files, is beyond what the loader accepts.
        case tooLarge
        /// A `$ref` names a file that is not there or a place in a file that is not there.
        case unresolvableRef
        /// A schema the files define is not one the validator can run (a bad keyword value, a cycle of `$ref`s).
        case badSchema
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
