import JSON

/// Turns a draft-04 or OpenAPI 3.0 schema into a tree of `SchemaNode`s with every `$ref` resolved, so
/// validation does no lookups by name and builds no strings unless something is wrong.
struct SchemaCompiler {
    let documents: SchemaDocuments
    let dialect: SchemaDialect
    let formats: FormatPolicy
    /// False for a lone schema: a `$ref` to another document is then an error rather than a lookup.
    let allowsOtherDocuments: Bool
    /// The key of the document being compiled; "" for a lone schema, so its locations read `#/...`.
    var currentDocument = ""
    var allNodes: [SchemaNode] = []
    var nodesByLocation: [String: SchemaNode] = [:]
    var pendingReferences: [(node: SchemaNode, reference: String, document: String)] = []

    init(document: JSONValue, formats: FormatPolicy) {
        documents = SchemaDocuments(["": document])
        dialect = .draft04
        self.formats = formats
        allowsOtherDocuments = false
    }

    init(documents: SchemaDocuments, dialect: SchemaDialect, formats: FormatPolicy) {
        self.documents = documents
        self.dialect = dialect
        self.formats = formats
        allowsOtherDocuments = true
    }

    /// Compiles the root and every top-level definition, then resolves references.
    mutating func compileDocument() throws(SchemaError) -> (root: SchemaNode, definitions: [String: SchemaNode]) {
        let document = documents[""] ?? .null
        let root = try compile(document, at: [])
        var definitions: [String: SchemaNode] = [:]
        if case .object(let rootObject) = document, let definitionsValue = rootObject["definitions"] {
            guard case .object(let definitionsObject) = definitionsValue else {
                throw invalid("#", "'definitions' must be an object of schemas")
            }
            for member in definitionsObject.members {
                definitions[member.key] = try compile(member.value, at: ["definitions", member.key])
            }
        }
        try resolveReferences()
        return (root, definitions)
    }

    // MARK: Keywords

    /// Where `tokens` point in the current document, as `KEY#/pointer`.
    func locationOf(_ tokens: [String]) -> String {
        Self.location(tokens, in: currentDocument)
    }

    static func location(_ tokens: [String], in document: String) -> String {
        document + "#" + tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    mutating func compile(_ value: JSONValue, at tokens: [String]) throws(SchemaError) -> SchemaNode {
        let location = locationOf(tokens)
        if let known = nodesByLocation[location] {
            return known
        }
        guard case .object(let schema) = value else {
            throw invalid(location, "a schema must be an object, not \(value.typeName)")
        }
        let node: SchemaNode
        if let reference = schema["$ref"] {
            guard case .string(let text) = reference else {
                throw invalid(location, "'$ref' must be a string")
            }
            node = SchemaNode(location: location, referring: true)
            pendingReferences.append((node, text, currentDocument))
        } else {
            let (allowedTypes, typeNames) = try compileType(schema, at: location)
            var enumeration: EnumConstraint?
            if let values = schema["enum"] {
                guard case .array(let elements) = values else {
                    throw invalid(location, "'enum' must be an array")
                }
                enumeration = EnumConstraint(values: elements)
            }
            node = SchemaNode(
                location: location,
                nullable: try compileNullable(schema, at: location),
                allowedTypes: allowedTypes,
                typeNames: typeNames,
                enumeration: enumeration,
                object: try compileObjectKeywords(schema, at: tokens),
                array: try compileArrayKeywords(schema, at: tokens),
                string: try compileStringKeywords(schema, at: location, formatName: schema["format"]?.stringValue),
                numeric: try compileNumericKeywords(schema, at: location),
                combinators: try compileCombinators(schema, at: tokens)
            )
        }
        nodesByLocation[location] = node
        allNodes.append(node)
        return node
    }

    private func compileType(_ schema: JSONObject, at location: String) throws(SchemaError)
        -> (JSONTypeSet, [String])
    {
        guard let type = schema["type"] else { return ([], []) }
        let names: [String]
        switch type {
        case .string(let name):
            names = [name]
        case .array(let elements):
            var collected: [String] = []
            for element in elements {
                guard case .string(let name) = element else {
                    throw invalid(location, "'type' must be a string or an array of strings")
                }
                collected.append(name)
            }
            names = collected
        default:
            throw invalid(location, "'type' must be a string or an array of strings")
        }
        var allowed: JSONTypeSet = []
        for name in names {
            guard let set = JSONTypeSet(typeName: name) else {
                throw invalid(
                    location,
                    "unknown type '\(name)'; draft-04 types are array, boolean, integer, null, number, object, string"
                )
            }
            allowed.formUnion(set)
        }
        // An empty list allows nothing; keep it distinguishable from "no type keyword".
        return (names.isEmpty ? .impossible : allowed, names)
    }

    private mutating func compileObjectKeywords(
        _ schema: JSONObject,
        at tokens: [String]
    ) throws(SchemaError) -> ObjectConstraints? {
        let keywords = [
            "properties", "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties",
            "dependencies",
        ]
        guard keywords.contains(where: { schema[$0] != nil }) else { return nil }
        let location = locationOf(tokens)

        var properties: [(key: String, schema: NodeLink)] = []
        if let value = schema["properties"] {
            guard case .object(let members) = value else {
                throw invalid(location, "'properties' must be an object of schemas")
            }
            for member in members.storage {
                let node = try compile(member.value, at: tokens + ["properties", member.key])
                properties.append((member.key, NodeLink(node)))
            }
        }
        var required: [String] = []
        if let value = schema["required"] {
            guard case .array(let elements) = value else {
                throw invalid(location, "'required' must be an array of strings")
            }
            for element in elements {
                guard case .string(let key) = element else {
                    throw invalid(location, "'required' must be an array of strings")
                }
                if !required.contains(key) {
                    required.append(key)
                }
            }
        }
        var patternProperties: [(pattern: String, regex: SchemaRegex, schema: NodeLink)] = []
        if let value = schema["patternProperties"] {
            guard case .object(let members) = value else {
                throw invalid(location, "'patternProperties' must be an object of schemas")
            }
            for member in members.storage {
                let regex = try compileRegex(member.key, at: location)
                let node = try compile(member.value, at: tokens + ["patternProperties", member.key])
                patternProperties.append((member.key, regex, NodeLink(node)))
            }
        }
        var additional = AdditionalRule.allowed
        if let value = schema["additionalProperties"] {
            additional = try compileAdditional(value, at: tokens + ["additionalProperties"])
        }
        var dependencies: [(key: String, dependency: ObjectConstraints.Dependency)] = []
        if let value = schema["dependencies"] {
            guard case .object(let members) = value else {
                throw invalid(location, "'dependencies' must be an object")
            }
            for member in members.storage {
                if case .array(let elements) = member.value {
                    var keys: [String] = []
                    for element in elements {
                        guard case .string(let key) = element else {
                            throw invalid(location, "a 'dependencies' array must hold strings")
                        }
                        keys.append(key)
                    }
                    dependencies.append((member.key, .keys(keys)))
                } else {
                    let node = try compile(member.value, at: tokens + ["dependencies", member.key])
                    dependencies.append((member.key, .schema(NodeLink(node))))
                }
            }
        }
        return ObjectConstraints(
            properties: properties,
            required: required,
            patternProperties: patternProperties,
            additional: additional,
            minProperties: try count(schema, "minProperties", at: location),
            maxProperties: try count(schema, "maxProperties", at: location),
            dependencies: dependencies
        )
    }

    private mutating func compileArrayKeywords(
        _ schema: JSONObject,
        at tokens: [String]
    ) throws(SchemaError) -> ArrayConstraints? {
        let keywords = ["items", "additionalItems", "minItems", "maxItems", "uniqueItems"]
        guard keywords.contains(where: { schema[$0] != nil }) else { return nil }
        let location = locationOf(tokens)
        var items = ArrayConstraints.Items.any
        switch schema["items"] {
        case nil:
            break
        case .array(let elements)?:
            var nodes: [NodeLink] = []
            for (index, element) in elements.enumerated() {
                nodes.append(NodeLink(try compile(element, at: tokens + ["items", String(index)])))
            }
            items = .tuple(nodes)
        case let value?:
            items = .each(NodeLink(try compile(value, at: tokens + ["items"])))
        }
        var additionalItems = AdditionalRule.allowed
        if let value = schema["additionalItems"] {
            additionalItems = try compileAdditional(value, at: tokens + ["additionalItems"])
        }
        var uniqueItems = false
        if let value = schema["uniqueItems"] {
            guard case .bool(let flag) = value else {
                throw invalid(location, "'uniqueItems' must be a boolean")
            }
            uniqueItems = flag
        }
        return ArrayConstraints(
            items: items,
            additionalItems: additionalItems,
            minItems: try count(schema, "minItems", at: location),
            maxItems: try count(schema, "maxItems", at: location),
            uniqueItems: uniqueItems
        )
    }

    private func compileStringKeywords(
        _ schema: JSONObject,
        at location: String,
        formatName: String?
    ) throws(SchemaError) -> StringConstraints? {
        let format = formats == .checked ? formatName.flatMap { StringFormat(name: $0, dialect: dialect) } : nil
        guard schema["minLength"] != nil || schema["maxLength"] != nil || schema["pattern"] != nil || format != nil
        else { return nil }
        var pattern: (text: String, regex: SchemaRegex)?
        if let value = schema["pattern"] {
            guard case .string(let text) = value else {
                throw invalid(location, "'pattern' must be a string")
            }
            pattern = (text, try compileRegex(text, at: location))
        }
        return StringConstraints(
            minLength: try count(schema, "minLength", at: location),
            maxLength: try count(schema, "maxLength", at: location),
            pattern: pattern,
            format: format
        )
    }

    private func compileNumericKeywords(_ schema: JSONObject, at location: String) throws(SchemaError)
        -> NumericConstraints?
    {
        guard schema["minimum"] != nil || schema["maximum"] != nil || schema["multipleOf"] != nil else { return nil }
        func bound(_ keyword: String, exclusiveKeyword: String) throws(SchemaError) -> NumericConstraints.Bound? {
            guard let written = schema[keyword] else { return nil }
            guard let value = SchemaValueSemantics.Number(written) else {
                throw invalid(location, "'\(keyword)' must be a number")
            }
            var exclusive = false
            if let flag = schema[exclusiveKeyword] {
                guard case .bool(let isExclusive) = flag else {
                    throw invalid(location, "'\(exclusiveKeyword)' must be a boolean in draft-04")
                }
                exclusive = isExclusive
            }
            return NumericConstraints.Bound(value: value, written: written, exclusive: exclusive)
        }
        var multipleOf: (value: SchemaValueSemantics.Number, written: JSONValue)?
        if let written = schema["multipleOf"] {
            guard let value = SchemaValueSemantics.Number(written), value.doubleValue > 0 else {
                throw invalid(location, "'multipleOf' must be a number greater than 0")
            }
            multipleOf = (value, written)
        }
        return NumericConstraints(
            minimum: try bound("minimum", exclusiveKeyword: "exclusiveMinimum"),
            maximum: try bound("maximum", exclusiveKeyword: "exclusiveMaximum"),
            multipleOf: multipleOf
        )
    }

    private mutating func compileCombinators(_ schema: JSONObject, at tokens: [String]) throws(SchemaError)
        -> Combinators?
    {
        guard schema["allOf"] != nil || schema["anyOf"] != nil || schema["oneOf"] != nil || schema["not"] != nil else {
            return nil
        }
        var not: NodeLink?
        if let notSchema = schema["not"] {
            not = NodeLink(try compile(notSchema, at: tokens + ["not"]))
        }
        return Combinators(
            allOf: try compileSchemaList(schema, "allOf", at: tokens),
            anyOf: try compileSchemaList(schema, "anyOf", at: tokens),
            oneOf: try compileSchemaList(schema, "oneOf", at: tokens),
            oneOfSchemas: schema["oneOf"]?.arrayValue ?? [],
            not: not,
            notSchema: schema["not"] ?? .null,
            discriminator: try compileDiscriminator(schema, at: tokens)
        )
    }

    private mutating func compileSchemaList(
        _ schema: JSONObject,
        _ keyword: String,
        at tokens: [String]
    ) throws(SchemaError) -> [NodeLink] {
        guard let list = schema[keyword] else { return [] }
        guard case .array(let elements) = list, !elements.isEmpty else {
            throw invalid(locationOf(tokens), "'\(keyword)' must be a non-empty array of schemas")
        }
        var nodes: [NodeLink] = []
        for (index, element) in elements.enumerated() {
            nodes.append(NodeLink(try compile(element, at: tokens + [keyword, String(index)])))
        }
        return nodes
    }

    private mutating func compileAdditional(_ value: JSONValue, at tokens: [String]) throws(SchemaError)
        -> AdditionalRule
    {
        if case .bool(let allowed) = value {
            return allowed ? .allowed : .forbidden
        }
        return .schema(NodeLink(try compile(value, at: tokens)))
    }

    private func count(_ schema: JSONObject, _ keyword: String, at location: String) throws(SchemaError) -> Int? {
        guard let value = schema[keyword] else { return nil }
        switch value {
        case .integer(let integer) where integer >= 0:
            return Int(clamping: integer)
        case .number(let double) where double >= 0 && double.rounded() == double && double < 1e18:
            return Int(double)
        default:
            throw invalid(location, "'\(keyword)' must be a non-negative integer")
        }
    }

    private func compileRegex(_ pattern: String, at location: String) throws(SchemaError) -> SchemaRegex {
        do {
            return try SchemaRegex(pattern: pattern)
        } catch {
            throw SchemaError(
                code: .badPattern,
                message: "pattern '\(pattern)' at \(location) is not a regular expression this validator can run: "
                    + "\(error)"
            )
        }
    }

    func invalid(_ location: String, _ message: String) -> SchemaError {
        SchemaError(code: .invalidSchema, message: "at \(location): \(message)")
    }
}
