/// Why a ves_app mapping file cannot be used, thrown when it is loaded (never while events are built).
///
/// The message starts with `FILE:LINE:COLUMN:` and names the tag or key at fault, so a person can go straight to
/// the place in the file; `code` lets a program branch on the kind of problem.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem; stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// The file cannot be read.
        case unreadableFile
        /// The file, its nesting or what its aliases expand to is beyond the limits.
        case tooLarge
        /// The text is not YAML (or not UTF-8), or holds more than one document.
        case badYAML
        /// A tag the mapping language does not have (a typo such as `!Nubmer`).
        case unknownTag
        /// A template or helper tag is not built as the language asks (a missing ITEM-DESC, a key it does not
        /// know, a reference outside its scope, a header VES requires missing).
        case badTemplate
        /// A SELECT or CONDITION names a field that does not exist, or holds a regular expression that does not
        /// compile.
        case badSelect
        /// A number in the file is outside what JSON or the field can hold.
        case badNumber
        /// The file defines no `!Measurements` or `!Events` template.
        case noTemplates
        /// The templates target a VES version this project does not build, or different versions.
        case unsupportedVersion
    }

    public var code: Code
    public var message: String
    /// The file, as given to the loader.
    public var path: String
    /// 1-based line and column of the node at fault, when there is one.
    public var line: Int?
    public var column: Int?

    public init(code: Code, message: String, path: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN: message`, the form compilers use, so editors can jump to it.
    public var description: String {
        var place = path
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}
