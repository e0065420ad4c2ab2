public import JSON
public import JSONSchema
import Synchronization

/// What checking one stndDefined event's data gave.
public enum StndDefinedCheck: Sendable, Hashable {
    /// The data was checked: its violations, empty when it is valid. A schemaReference without a fragment, or
    /// one naming nothing or a schema that cannot be used, is a violation here too.
    case validated([Violation])
    /// No folder's map knows the file the schemaReference names. A violation by default; a listener told to
    /// accept such events turns its message into a warning.
    case unknownReference(Violation)
}

/// The 3GPP OpenAPI schemas that `stndDefinedFields.data` is checked against, found through ONAP's schema map.
///
/// Each folder holds a `schema-map.json` (publicURL -> localURL, relative to the folder) and the files it
/// names. Every file is read once at load, with the files their `$ref`s name (those that exist); each schema a
/// schemaReference names is compiled on first use and kept, so checking an event compiles nothing twice. Safe
/// to share between tasks.
///
/// With several folders, later folders add their entries; a publicURL a later folder maps again is taken
/// from the later folder (so a folder can patch one file of a release) and listed in `replacedMappings`.
public final class StndDefinedSchemas: Sendable {
    /// At most this many files (mapped and referred to) are loaded.
    public static let maxDocuments = 1000

    /// The folders, in the order given.
    public let folders: [String]
    /// One line per publicURL a later folder mapped again, saying which file is used; for the listener's log.
    public let replacedMappings: [String]
    /// publicURL -> the key (absolute path) of its document.
    private let mapping: [String: String]
    private let documents: SchemaDocuments
    private let compiled = Mutex<[String: CompiledSchema]>([:])

    private enum CompiledSchema: Sendable {
        case ready(JSONSchemaValidator)
        case unusable(StndDefinedError)
    }

    /// Loads one folder (`../shared/ves/3gpp`).
    public convenience init(folder: String) throws(StndDefinedError) {
        try self.init(folders: [folder])
    }

    /// Loads each folder's map and files; throws naming the file when a map or a file cannot be used.
    public init(folders: [String]) throws(StndDefinedError) {
        var loader = DocumentLoader()
        var mapping: [String: String] = [:]
        var replaced: [String] = []
        for folder in folders {
            let root = try DocumentLoader.absoluteFolder(folder)
            let mapPath = root + "/schema-map.json"
            let bytes = try DocumentLoader.readMap(mapPath, folder: folder)
            for entry in try SchemaMap.parse(bytes, path: mapPath) {
                let key = SchemaDocuments.resolve(entry.localURL, against: mapPath).document
                try loader.load(key, because: "the localURL of '\(entry.publicURL)' in \(mapPath)")
                if let earlier = mapping[entry.publicURL], earlier != key {
                    replaced.append("\(entry.publicURL): \(key) replaces \(earlier)")
                }
                mapping[entry.publicURL] = key
            }
        }
        try loader.loadReferencedDocuments()
        var documents = loader.documents
        // Under its public URL too, so a `$ref` written as that URL finds the local copy.
        for (publicURL, key) in mapping where documents[publicURL] == nil {
            documents[publicURL] = documents[key]
        }
        self.folders = folders
        self.mapping = mapping
        self.documents = documents
        self.replacedMappings = replaced
    }

    /// The publicURLs the maps know, sorted.
    public var publicURLs: [String] { mapping.keys.sorted() }

    /// Checks `data` against the schema `schemaReference` names (`publicURL#/components/schemas/NAME`).
    ///
    /// Violations in the data point below `dataPointer` (`/event/stndDefinedFields/data`); those about the
    /// reference itself point at `referencePointer`, by default the `schemaReference` member beside the data.
    public func check(
        _ data: JSONValue,
        schemaReference: String,
        dataPointer: String,
        referencePointer: String? = nil
    ) -> StndDefinedCheck {
        let referenceAt = referencePointer ?? Self.sibling(of: dataPointer, named: "schemaReference")
        func violation(_ problem: String) -> Violation {
            Violation(
                pointer: referenceAt,
                message: "schemaReference '\(schemaReference)' \(problem)",
                keyword: "schemaReference"
            )
        }
        let hash = schemaReference.firstIndex(of: "#")
        let publicURL = String(schemaReference[..<(hash ?? schemaReference.endIndex)])
        guard let key = mapping[publicURL] else {
            let known = publicURLs.isEmpty ? "no URL" : "only " + publicURLs.joined(separator: ", ")
            return .unknownReference(
                violation(
                    "names '\(publicURL)', which no schema-map.json in \(folders.joined(separator: ", ")) maps (\(known))"
                )
            )
        }
        guard let hash, schemaReference.index(after: hash) < schemaReference.endIndex else {
            return .validated([violation("has no '#/components/schemas/NAME' part naming the schema in \(key)")])
        }
        let fragment = schemaReference[schemaReference.index(after: hash)...]
        // ONAP's own examples write `#components/schemas/NAME`; its collector reads that as a pointer from the root.
        let pointer = fragment.hasPrefix("/") ? String(fragment) : "/" + fragment
        let decoded = SchemaDocuments.resolve("#" + pointer, against: key).fragment
        guard let tokens = JSONPointer.tokens(decoded) else {
            return .validated([violation("has '#\(fragment)', which is not a JSON pointer into \(key)")])
        }
        guard let document = documents[key], case .object? = JSONPointer.resolve(tokens: tokens, in: document) else {
            return .validated([violation("names '#\(fragment)', which is no schema in \(key)")])
        }
        let entry = key + "#" + tokens.map { "/" + JSONPointer.escape($0) }.joined()
        switch schema(entry) {
        case .ready(let validator):
            return .validated(validator.validate(data, pointer: dataPointer))
        case .unusable(let error):
            return .validated([violation("names a schema that cannot be used: \(error.message)")])
        }
    }

    /// Compiles every schema under `components/schemas` of each mapped file now, so the first events do not
    /// wait, and returns one error per schema that cannot be used (for a log line at startup).
    public func precompile() -> [StndDefinedError] {
        var problems: [StndDefinedError] = []
        for key in Set(mapping.values).sorted() {
            guard case .object(let schemas)? = documents[key]?["components"]?["schemas"] else { continue }
            for name in schemas.keys {
                let entry = key + "#/components/schemas/" + JSONPointer.escape(name)
                if case .unusable(let error) = schema(entry) {
                    problems.append(error)
                }
            }
        }
        return problems
    }

    /// The compiled schema at `entry`, compiled now if no task has done it yet.
    private func schema(_ entry: String) -> CompiledSchema {
        if let known = compiled.withLock({ $0[entry] }) {
            return known
        }
        let made: CompiledSchema
        do {
            made = .ready(
                try JSONSchemaValidator(documents: documents, reference: entry, dialect: .openAPI30, formats: .checked)
            )
        } catch {
            let code: StndDefinedError.Code
            switch error.code {
            case .unresolvableRef, .unsupportedRef: code = .unresolvableRef
            default: code = .badSchema
            }
            made = .unusable(StndDefinedError(code: code, message: error.message))
        }
        // Two tasks may compile the same schema at once; the first to finish is kept, both results are equal.
        return compiled.withLock { cache in
            if let known = cache[entry] { return known }
            cache[entry] = made
            return made
        }
    }

    /// `/event/stndDefinedFields/schemaReference` for `/event/stndDefinedFields/data`.
    static func sibling(of pointer: String, named name: String) -> String {
        guard let slash = pointer.lastIndex(of: "/") else { return "/" + name }
        return pointer[..<slash] + "/" + JSONPointer.escape(name)
    }
}
