public import JSON
import Platform

/// Whether `format` is checked: JSON Schema lets a validator treat it as a note, and a listener should only
/// reject on it when asked, so existing verdicts stay as they were.
public enum FormatPolicy: Sendable, Hashable {
    /// `format` is a note only (Python's `jsonschema` without a format checker).
    case annotation
    /// The formats `StringFormat` knows are checked; any other name stays a note.
    case checked
}

/// Which schema language the documents are written in.
public enum SchemaDialect: Sendable, Hashable {
    /// JSON Schema draft-04, as the VES schemas are.
    case draft04
    /// The OpenAPI 3.0 Schema Object (the 3GPP files): draft-04 plus `nullable` and `discriminator`.
    case openAPI30
}

/// A JSON Schema draft-04 validator that reports every violation with a pointer to where it is.
///
/// The schema is compiled once into a tree of nodes with references resolved, so validating an event does no
/// name lookups and builds no strings unless the event is invalid. By default `format` is an annotation only (as
/// in Python's `jsonschema` by default, which the expected verdicts came from); `FormatPolicy.checked` checks it.
public final class JSONSchemaValidator: Sendable {
    private let root: SchemaNode
    private let definitions: [String: SchemaNode]
    /// Owns every node; nodes refer to each other without retaining.
    private let nodes: [SchemaNode]
    /// The schema's `title`, if it has one.
    public let title: String?

    private init(root: SchemaNode, definitions: [String: SchemaNode], nodes: [SchemaNode], title: String?) {
        self.root = root
        self.definitions = definitions
        self.nodes = nodes
        self.title = title
    }

    /// Compiles `schema`; throws when it is not a draft-04 schema this validator can run.
    public convenience init(schema: JSONValue, formats: FormatPolicy = .annotation) throws(SchemaError) {
        var compiler = SchemaCompiler(document: schema, formats: formats)
        let compiled = try compiler.compileDocument()
        self.init(
            root: compiled.root,
            definitions: compiled.definitions,
            nodes: compiler.allNodes,
            title: schema["title"]?.stringValue
        )
    }

    /// Compiles the schema that `reference` (`KEY#/pointer`, a key of `documents`) names, following `$ref`s
    /// from document to document; only what it reaches is compiled, so a broken schema elsewhere is no error.
    public convenience init(
        documents: SchemaDocuments,
        reference: String,
        dialect: SchemaDialect = .openAPI30,
        formats: FormatPolicy = .annotation
    ) throws(SchemaError) {
        var compiler = SchemaCompiler(documents: documents, dialect: dialect, formats: formats)
        let root = try compiler.compileEntry(reference)
        let target = SchemaDocuments.resolve(reference, against: "")
        let tokens = JSONPointer.tokens(target.fragment) ?? []
        let value = documents[target.document].flatMap { JSONPointer.resolve(tokens: tokens, in: $0) }
        self.init(root: root, definitions: [:], nodes: compiler.allNodes, title: value?["title"]?.stringValue)
    }

    /// Reads, parses and compiles a draft-04 schema file.
    public convenience init(contentsOfFile path: String, formats: FormatPolicy = .annotation) throws(SchemaError) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw SchemaError(code: .io, message: "cannot read schema file '\(path)': \(error.message)")
        }
        let document: JSONValue
        do {
            document = try JSONParser(maxDepth: 512, maxBytes: 64 * 1024 * 1024).parse(bytes)
        } catch {
            throw SchemaError(code: .parse, message: "schema file '\(path)' is not valid JSON: \(error.message)")
        }
        try self.init(schema: document, formats: formats)
    }

    /// All violations of `instance` against the root schema, pointers prefixed by `pointer`.
    ///
    /// After `limit` violations validation stops and a last violation (keyword `maxViolations`) says so, so a
    /// hostile body cannot make the report larger than the body.
    public func validate(_ instance: JSONValue, pointer: String = "", limit: Int = 1000) -> [Violation] {
        ValidationRun.collect(root, instance, prefix: pointer, limit: limit)
    }

    /// Validates against `#/definitions/<name>` (the listener validates each eventBatch item against `event`).
    public func validate(
        _ instance: JSONValue,
        definition name: String,
        pointer: String,
        limit: Int = 1000
    ) -> [Violation] {
        guard let node = definitions[name] else {
            return [
                Violation(
                    pointer: pointer,
                    message: "the schema has no definition '\(name)' to validate against",
                    keyword: "$ref"
                )
            ]
        }
        return ValidationRun.collect(node, instance, prefix: pointer, limit: limit)
    }

    /// True when `instance` satisfies the root schema; stops at the first violation.
    public func isValid(_ instance: JSONValue) -> Bool {
        ValidationRun.check(root, instance)
    }

    /// True when the schema defines `#/definitions/<name>`.
    public func hasDefinition(_ name: String) -> Bool {
        definitions[name] != nil
    }

    /// The names under `definitions`, sorted.
    public var definitionNames: [String] {
        definitions.keys.sorted()
    }
}
