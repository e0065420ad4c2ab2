/// Turns a draft-04 schema document into a tree of `SchemaNode`s with every `$ref` resolved, so validation
/// does no lookups by name and builds no strings unless something is wrong.
struct SchemaCompiler {
    let document: JSONValue
    private(set) var allNodes: [SchemaNode] = []
    private var nodesByLocation: [String: SchemaNode] = [:]
    private var pendingReferences: [(node: SchemaNode, reference: String)] = []

    init(document: JSONValue) {
        self.document = document
    }

    /// Compiles the root and every top-level definition, then resolves references.
    mutating func compileDocument() throws(SchemaError) -> (root: SchemaNode, definitions: [String: SchemaNode]) {
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

    // MARK: References

    private mutating func resolveReferences() throws(SchemaError) {
        while let pending = pendingReferences.popLast() {
            let tokens = try referenceTokens(pending.reference, from: pending.node.location)
            let location = Self.location(tokens)
            let target: SchemaNode
            if let known = nodesByLocation[location] {
                target = known
            } else {
                guard let value = JSONPointer.resolve(tokens: tokens, in: document) else {
                    throw SchemaError(
                        code: "unresolvableRef",
                        message: "$ref '\(pending.reference)' at \(pending.node.location) names nothing in the schema"
                    )
                }
                target = try compile(value, at: tokens)
            }
            pending.node.reference = target
        }
        // Point every reference at the end of its chain; a chain that comes back on itself never validates.
        for node in allNodes where node.hasReference {
            var current = node
            var steps = 0
            while current.hasReference, let next = current.reference {
                current = next
                steps += 1
                if steps > allNodes.count {
                    throw SchemaError(
                        code: "refCycle",
                        message: "$ref at \(node.location) leads to a cycle of references that never reaches a schema"
                    )
                }
            }
            node.reference = current
        }
    }

    /// The pointer tokens of a local reference (`#`, `#/definitions/x`, percent-encoded or `~`-escaped).
    private func referenceTokens(_ reference: String, from location: String) throws(SchemaError) -> [String] {
        guard reference.isEmpty || reference.hasPrefix("#") else {
            throw SchemaError(
                code: "unsupportedRef",
                message: "$ref '\(reference)' at \(location) points outside this document; only local references "
                    + "('#/...') are supported"
            )
        }
        let fragment = String(reference.dropFirst())
        guard let decoded = Self.percentDecoded(fragment), let tokens = JSONPointer.tokens(decoded) else {
            throw SchemaError(
                code: "unsupportedRef",
                message: "$ref '\(reference)' at \(location) is not a JSON pointer ('#/definitions/name')"
            )
        }
        return tokens
    }

    private static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func location(_ tokens: [String]) -> String {
        "#" + tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    // MARK: Keywords

    private mutating func compile(_ value: JSONValue, at tokens: [String]) throws(SchemaError) -> SchemaNode {
        let location = Self.location(tokens)
        if let known = nodesByLocation[location] {
            return known
        }
        let node = SchemaNode(location: location)
        nodesByLocation[location] = node
        allNodes.append(node)
        guard case .object(let schema) = value else {
            throw invalid(location, "a schema must be an object, not \(value.typeName)")
        }
        if let reference = schema["$ref"] {
            guard case .string(let text) = reference else {
                throw invalid(location, "'$ref' must be a string")
            }
            node.hasReference = true
            pendingReferences.append((node, text))
            return node
        }
        try compileType(schema, into: node)
        if let values = schema["enum"] {
            guard case .array(let elements) = values else {
                throw invalid(location, "'enum' must be an array")
            }
            node.enumeration = EnumConstraint(values: elements)
        }
        node.object = try compileObjectKeywords(schema, at: tokens)
        node.array = try compileArrayKeywords(schema, at: tokens)
        node.string = try compileStringKeywords(schema, at: location)
        node.numeric = try compileNumericKeywords(schema, at: location)
        node.allOf = try compileSchemaList(schema, "allOf", at: tokens)
        node.anyOf = try compileSchemaList(schema, "anyOf", at: tokens)
        node.oneOf = try compileSchemaList(schema, "oneOf", at: tokens)
        node.oneOfSchemas = schema["oneOf"]?.arrayValue ?? []
        if let notSchema = schema["not"] {
            node.not = try compile(notSchema, at: tokens + ["not"])
            node.notSchema = notSchema
        }
        return node
    }

    private func compileType(_ schema: JSONObject, into node: SchemaNode) throws(SchemaError) {
        guard let type = schema["type"] else { return }
        let names: [String]
        switch type {
        case .string(let name):
            names = [name]
        case .array(let elements):
            var collected: [String] = []
            for element in elements {
                guard case .string(let name) = element else {
                    throw invalid(node.location, "'type' must be a string or an array of strings")
                }
                collected.append(name)
            }
            names = collected
        default:
            throw invalid(node.location, "'type' must be a string or an array of strings")
        }
        var allowed: JSONTypeSet = []
        for name in names {
            guard let set = JSONTypeSet(typeName: name) else {
                throw invalid(
                    node.location,
                    "unknown type '\(name)'; draft-04 types are array, boolean, integer, null, number, object, string"
                )
            }
            allowed.formUnion(set)
        }
        node.typeNames = names
        // An empty list allows nothing; keep it distinguishable from "no type keyword".
        node.allowedTypes = names.isEmpty ? JSONTypeSet(rawValue: 0x80) : allowed
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
        let location = Self.location(tokens)
        let constraints = ObjectConstraints()

        var declared: [(key: String, schema: SchemaNode)] = []
        if let properties = schema["properties"] {
            guard case .object(let members) = properties else {
                throw invalid(location, "'properties' must be an object of schemas")
            }
            for member in members.members {
                declared.append((member.key, try compile(member.value, at: tokens + ["properties", member.key])))
            }
        }
        if let required = schema["required"] {
            guard case .array(let elements) = required else {
                throw invalid(location, "'required' must be an array of strings")
            }
            for element in elements {
                guard case .string(let key) = element else {
                    throw invalid(location, "'required' must be an array of strings")
                }
                if !constraints.required.contains(key) {
                    constraints.required.append(key)
                }
            }
        }
        buildEntryTable(constraints, declared: declared)

        if let patterns = schema["patternProperties"] {
            guard case .object(let members) = patterns else {
                throw invalid(location, "'patternProperties' must be an object of schemas")
            }
            for member in members.members {
                let regex = try compileRegex(member.key, at: location)
                let node = try compile(member.value, at: tokens + ["patternProperties", member.key])
                constraints.patternProperties.append((member.key, regex, node))
            }
        }
        if let additional = schema["additionalProperties"] {
            constraints.additional = try compileAdditional(additional, at: tokens + ["additionalProperties"])
        }
        constraints.minProperties = try count(schema, "minProperties", at: location)
        constraints.maxProperties = try count(schema, "maxProperties", at: location)
        if let dependencies = schema["dependencies"] {
            guard case .object(let members) = dependencies else {
                throw invalid(location, "'dependencies' must be an object")
            }
            for member in members.members {
                if case .array(let elements) = member.value {
                    var keys: [String] = []
                    for element in elements {
                        guard case .string(let key) = element else {
                            throw invalid(location, "a 'dependencies' array must hold strings")
                        }
                        keys.append(key)
                    }
                    constraints.dependencies.append((member.key, .keys(keys)))
                } else {
                    let node = try compile(member.value, at: tokens + ["dependencies", member.key])
                    constraints.dependencies.append((member.key, .schema(node)))
                }
            }
        }
        return constraints
    }

    /// Merges `properties` and `required` into entries grouped by key length, with one bit per required key.
    private func buildEntryTable(_ constraints: ObjectConstraints, declared: [(key: String, schema: SchemaNode)]) {
        constraints.requiredFitsMask = constraints.required.count <= 64
        func bit(_ key: String) -> UInt64 {
            guard constraints.requiredFitsMask, let index = constraints.required.firstIndex(of: key) else { return 0 }
            return 1 << UInt64(index)
        }
        var entries: [ObjectConstraints.Entry] = declared.map {
            ObjectConstraints.Entry(key: $0.key, schema: $0.schema, isDeclared: true, requiredBit: bit($0.key))
        }
        for key in constraints.required where !declared.contains(where: { $0.key == key }) {
            entries.append(ObjectConstraints.Entry(key: key, schema: nil, isDeclared: false, requiredBit: bit(key)))
        }
        entries.sort { $0.key.utf8.count < $1.key.utf8.count }
        let longest = entries.last?.key.utf8.count ?? -1
        var lengthStart = [Int](repeating: 0, count: longest + 2)
        var index = 0
        for length in 0...(longest + 1) {
            lengthStart[length] = index
            while index < entries.count, entries[index].key.utf8.count == length {
                index += 1
            }
        }
        constraints.entries = entries
        constraints.lengthStart = lengthStart
        if constraints.requiredFitsMask {
            constraints.requiredMask = entries.reduce(0) { $0 | $1.requiredBit }
        }
    }

    private mutating func compileArrayKeywords(
        _ schema: JSONObject,
        at tokens: [String]
    ) throws(SchemaError) -> ArrayConstraints? {
        let keywords = ["items", "additionalItems", "minItems", "maxItems", "uniqueItems"]
        guard keywords.contains(where: { schema[$0] != nil }) else { return nil }
        let location = Self.location(tokens)
        let constraints = ArrayConstraints()
        switch schema["items"] {
        case nil:
            break
        case .array(let elements)?:
            var nodes: [SchemaNode] = []
            for (index, element) in elements.enumerated() {
                nodes.append(try compile(element, at: tokens + ["items", String(index)]))
            }
            constraints.items = .tuple(nodes)
        case let items?:
            constraints.items = .each(try compile(items, at: tokens + ["items"]))
        }
        if let additional = schema["additionalItems"] {
            constraints.additionalItems = try compileAdditional(additional, at: tokens + ["additionalItems"])
        }
        constraints.minItems = try count(schema, "minItems", at: location)
        constraints.maxItems = try count(schema, "maxItems", at: location)
        if let unique = schema["uniqueItems"] {
            guard case .bool(let flag) = unique else {
                throw invalid(location, "'uniqueItems' must be a boolean")
            }
            constraints.uniqueItems = flag
        }
        return constraints
    }

    private func compileStringKeywords(_ schema: JSONObject, at location: String) throws(SchemaError)
        -> StringConstraints?
    {
        guard schema["minLength"] != nil || schema["maxLength"] != nil || schema["pattern"] != nil else { return nil }
        let constraints = StringConstraints()
        constraints.minLength = try count(schema, "minLength", at: location)
        constraints.maxLength = try count(schema, "maxLength", at: location)
        if let pattern = schema["pattern"] {
            guard case .string(let text) = pattern else {
                throw invalid(location, "'pattern' must be a string")
            }
            constraints.pattern = (text, try compileRegex(text, at: location))
        }
        return constraints
    }

    private func compileNumericKeywords(_ schema: JSONObject, at location: String) throws(SchemaError)
        -> NumericConstraints?
    {
        guard schema["minimum"] != nil || schema["maximum"] != nil || schema["multipleOf"] != nil else { return nil }
        let constraints = NumericConstraints()
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
        constraints.minimum = try bound("minimum", exclusiveKeyword: "exclusiveMinimum")
        constraints.maximum = try bound("maximum", exclusiveKeyword: "exclusiveMaximum")
        if let written = schema["multipleOf"] {
            guard let value = SchemaValueSemantics.Number(written), value.doubleValue > 0 else {
                throw invalid(location, "'multipleOf' must be a number greater than 0")
            }
            constraints.multipleOf = (value, written)
        }
        return constraints
    }

    private mutating func compileSchemaList(
        _ schema: JSONObject,
        _ keyword: String,
        at tokens: [String]
    ) throws(SchemaError) -> [SchemaNode] {
        guard let list = schema[keyword] else { return [] }
        guard case .array(let elements) = list, !elements.isEmpty else {
            throw invalid(Self.location(tokens), "'\(keyword)' must be a non-empty array of schemas")
        }
        var nodes: [SchemaNode] = []
        for (index, element) in elements.enumerated() {
            nodes.append(try compile(element, at: tokens + [keyword, String(index)]))
        }
        return nodes
    }

    private mutating func compileAdditional(_ value: JSONValue, at tokens: [String]) throws(SchemaError)
        -> AdditionalRule
    {
        if case .bool(let allowed) = value {
            return allowed ? .allowed : .forbidden
        }
        return .schema(try compile(value, at: tokens))
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
                code: "badPattern",
                message: "pattern '\(pattern)' at \(location) is not a regular expression this validator can run: "
                    + "\(error)"
            )
        }
    }

    private func invalid(_ location: String, _ message: String) -> SchemaError {
        SchemaError(code: "invalidSchema", message: "at \(location): \(message)")
    }
}
