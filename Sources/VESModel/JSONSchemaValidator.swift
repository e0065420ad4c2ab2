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

/// Why a schema cannot be used: it cannot be read, is not JSON, or is not a schema this validator runs.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// `io`, `parse`, `invalidSchema`, `unresolvableRef`, `unsupportedRef`, `refCycle` or `badPattern`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// A JSON Schema draft-04 validator that reports every violation with a pointer to where it is.
///
/// The schema is compiled once into a tree of nodes with references resolved, so validating an event does no
/// name lookups and builds no strings unless the event is invalid. `format` is an annotation only (as in
/// Python's `jsonschema` by default, which the expected verdicts came from).
public final class JSONSchemaValidator: Sendable {
    private let root: SchemaNode
    private let definitions: [String: SchemaNode]
    /// Owns every node; nodes refer to each other without retaining.
    private let nodes: [SchemaNode]
    /// The schema's `title`, if it has one.
    public let title: String?

    /// Compiles `schema`; throws when it is not a draft-04 schema this validator can run.
    public init(schema: JSONValue) throws(SchemaError) {
        var compiler = SchemaCompiler(document: schema)
        let compiled = try compiler.compileDocument()
        root = compiled.root
        definitions = compiled.definitions
        nodes = compiler.allNodes
        title = schema["title"]?.stringValue
    }

    /// Reads, parses and compiles a draft-04 schema file.
    public convenience init(contentsOfFile path: String) throws(SchemaError) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw SchemaError(code: "io", message: "cannot read schema file '\(path)': \(error.message)")
        }
        let document: JSONValue
        do {
            document = try JSONParser(maxDepth: 512, maxBytes: 64 * 1024 * 1024).parse(bytes)
        } catch {
            throw SchemaError(code: "parse", message: "schema file '\(path)' is not valid JSON: \(error.message)")
        }
        try self.init(schema: document)
    }

    /// All violations of `instance` against the root schema, pointers prefixed by `pointer`.
    public func validate(_ instance: JSONValue, pointer: String = "") -> [Violation] {
        var run = ValidationRun(prefix: pointer, collecting: true)
        _ = run.validate(root, instance)
        return run.violations
    }

    /// Validates against `#/definitions/<name>` (the listener validates each eventBatch item against `event`).
    public func validate(_ instance: JSONValue, definition name: String, pointer: String) -> [Violation] {
        guard let node = definitions[name] else {
            return [
                Violation(
                    pointer: pointer,
                    message: "the schema has no definition '\(name)' to validate against",
                    keyword: "$ref"
                )
            ]
        }
        var run = ValidationRun(prefix: pointer, collecting: true)
        _ = run.validate(node, instance)
        return run.violations
    }

    /// True when `instance` satisfies the root schema; stops at the first violation.
    public func isValid(_ instance: JSONValue) -> Bool {
        var run = ValidationRun(prefix: "", collecting: false)
        return run.validate(root, instance)
    }

    public func hasDefinition(_ name: String) -> Bool {
        definitions[name] != nil
    }

    /// The names under `definitions`, sorted.
    public var definitionNames: [String] {
        definitions.keys.sorted()
    }
}

// MARK: - Validation

/// One step from a value to a child, kept as a value until a violation needs the pointer text.
private enum PathStep {
    case key(String)
    case index(Int)
}

/// The state of one validation: where it is, and what it found. With `collecting` off it only answers
/// valid/invalid and stops at the first failure (used for `anyOf`, `oneOf`, `not`).
private struct ValidationRun {
    /// Deeper than this, a schema that refers to itself without consuming the instance is cut off.
    static let depthLimit = 512

    let prefix: String
    var collecting: Bool
    var violations: [Violation] = []
    var path: [PathStep] = []
    var depth = 0

    init(prefix: String, collecting: Bool) {
        self.prefix = prefix
        self.collecting = collecting
        path.reserveCapacity(32)
    }

    func pointer(appending extra: String? = nil) -> String {
        var pointer = prefix
        for step in path {
            switch step {
            case .key(let key): pointer = JSONPointer.appending(key, to: pointer)
            case .index(let index): pointer = JSONPointer.appending(index, to: pointer)
            }
        }
        if let extra {
            pointer = JSONPointer.appending(extra, to: pointer)
        }
        return pointer
    }

    mutating func report(_ keyword: String, _ message: String, member: String? = nil) {
        guard collecting else { return }
        violations.append(Violation(pointer: pointer(appending: member), message: message, keyword: keyword))
    }

    mutating func descend(_ node: SchemaNode, _ value: JSONValue, _ step: PathStep) -> Bool {
        path.append(step)
        let valid = validate(node, value)
        path.removeLast()
        return valid
    }

    mutating func validate(_ schema: SchemaNode, _ value: JSONValue) -> Bool {
        let node = schema.hasReference ? schema.reference! : schema
        depth += 1
        defer { depth -= 1 }
        if depth > Self.depthLimit {
            report("$ref", "schema recursion deeper than \(Self.depthLimit) levels at \(node.location)")
            return false
        }
        var valid = true
        if !node.allowedTypes.isEmpty, JSONTypeSet(of: value).isDisjoint(with: node.allowedTypes) {
            guard collecting else { return false }
            valid = false
            let names = node.typeNames.map(PythonRepr.string).joined(separator: ", ")
            report("type", "\(PythonRepr.render(value)) is not of type \(names)")
        }
        if let enumeration = node.enumeration, !enumeration.contains(value) {
            guard collecting else { return false }
            valid = false
            report("enum", "\(PythonRepr.render(value)) is not one of \(enumeration.rendered)")
        }
        switch value {
        case .object(let object):
            if let constraints = node.object, !validateObject(constraints, object, value) {
                guard collecting else { return false }
                valid = false
            }
        case .array(let elements):
            if let constraints = node.array, !validateArray(constraints, elements, value) {
                guard collecting else { return false }
                valid = false
            }
        case .string(let text):
            if let constraints = node.string, !validateString(constraints, text, value) {
                guard collecting else { return false }
                valid = false
            }
        case .integer, .number, .largeInteger:
            if let constraints = node.numeric, !validateNumber(constraints, value) {
                guard collecting else { return false }
                valid = false
            }
        case .null, .bool:
            break
        }
        if !node.allOf.isEmpty || !node.anyOf.isEmpty || !node.oneOf.isEmpty || node.not != nil {
            if !validateCombinators(node, value) {
                guard collecting else { return false }
                valid = false
            }
        }
        return valid
    }

    // MARK: Objects

    mutating func validateObject(_ constraints: ObjectConstraints, _ object: JSONObject, _ value: JSONValue) -> Bool {
        var valid = true
        var seenRequired: UInt64 = 0
        if constraints.walksMembers {
            var unexpected: [String] = []
            for member in object.storage {
                var matched = false
                if let index = constraints.entryIndex(member.key) {
                    let entry = constraints.entries[index]
                    seenRequired |= entry.requiredBit
                    matched = entry.isDeclared
                    if let schema = entry.schema, !descend(schema, member.value, .key(member.key)) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
                for pattern in constraints.patternProperties where pattern.regex.matches(member.key) {
                    matched = true
                    if !descend(pattern.schema, member.value, .key(member.key)) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
                if !matched {
                    switch constraints.additional {
                    case .allowed:
                        break
                    case .forbidden:
                        guard collecting else { return false }
                        valid = false
                        unexpected.append(member.key)
                    case .schema(let schema):
                        if !descend(schema, member.value, .key(member.key)) {
                            guard collecting else { return false }
                            valid = false
                        }
                    }
                }
            }
            if !unexpected.isEmpty {
                reportAdditionalProperties(unexpected, constraints)
            }
        }
        if !constraints.required.isEmpty {
            if constraints.requiredFitsMask && constraints.walksMembers {
                if seenRequired != constraints.requiredMask {
                    guard collecting else { return false }
                    valid = false
                    for (index, key) in constraints.required.enumerated() where seenRequired & (1 << UInt64(index)) == 0 {
                        report("required", "\(PythonRepr.string(key)) is a required property", member: key)
                    }
                }
            } else {
                for key in constraints.required where object[key] == nil {
                    guard collecting else { return false }
                    valid = false
                    report("required", "\(PythonRepr.string(key)) is a required property", member: key)
                }
            }
        }
        if let minimum = constraints.minProperties, object.count < minimum {
            guard collecting else { return false }
            valid = false
            let wording = minimum == 1 ? "should be non-empty" : "does not have enough properties"
            report("minProperties", "\(PythonRepr.render(value)) \(wording)")
        }
        if let maximum = constraints.maxProperties, object.count > maximum {
            guard collecting else { return false }
            valid = false
            let wording = maximum == 0 ? "is expected to be empty" : "has too many properties"
            report("maxProperties", "\(PythonRepr.render(value)) \(wording)")
        }
        for (key, dependency) in constraints.dependencies where object[key] != nil {
            switch dependency {
            case .keys(let keys):
                for needed in keys where object[needed] == nil {
                    guard collecting else { return false }
                    valid = false
                    report(
                        "dependencies",
                        "\(PythonRepr.string(needed)) is a dependency of \(PythonRepr.string(key))"
                    )
                }
            case .schema(let schema):
                if !validate(schema, value) {
                    guard collecting else { return false }
                    valid = false
                }
            }
        }
        return valid
    }

    mutating func reportAdditionalProperties(_ unexpected: [String], _ constraints: ObjectConstraints) {
        let sorted = unexpected.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        let names = sorted.map(PythonRepr.string).joined(separator: ", ")
        if constraints.patternProperties.isEmpty {
            let verb = sorted.count == 1 ? "was" : "were"
            report("additionalProperties", "Additional properties are not allowed (\(names) \(verb) unexpected)")
        } else {
            let verb = sorted.count == 1 ? "does" : "do"
            let patterns = constraints.patternProperties.map(\.pattern)
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                .map(PythonRepr.string).joined(separator: ", ")
            report("additionalProperties", "\(names) \(verb) not match any of the regexes: \(patterns)")
        }
    }

    // MARK: Arrays, strings, numbers

    mutating func validateArray(_ constraints: ArrayConstraints, _ elements: [JSONValue], _ value: JSONValue) -> Bool {
        var valid = true
        switch constraints.items {
        case .any:
            break
        case .each(let schema):
            for index in elements.indices where !descend(schema, elements[index], .index(index)) {
                guard collecting else { return false }
                valid = false
            }
        case .tuple(let schemas):
            for index in 0..<min(schemas.count, elements.count)
            where !descend(schemas[index], elements[index], .index(index)) {
                guard collecting else { return false }
                valid = false
            }
            if elements.count > schemas.count {
                switch constraints.additionalItems {
                case .allowed:
                    break
                case .forbidden:
                    guard collecting else { return false }
                    valid = false
                    let extras = elements[schemas.count...]
                    let verb = extras.count == 1 ? "was" : "were"
                    let rendered = extras.map(PythonRepr.render).joined(separator: ", ")
                    report("additionalItems", "Additional items are not allowed (\(rendered) \(verb) unexpected)")
                case .schema(let schema):
                    for index in schemas.count..<elements.count
                    where !descend(schema, elements[index], .index(index)) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
            }
        }
        if let minimum = constraints.minItems, elements.count < minimum {
            guard collecting else { return false }
            valid = false
            let wording = minimum == 1 ? "should be non-empty" : "is too short"
            report("minItems", "\(PythonRepr.render(value)) \(wording)")
        }
        if let maximum = constraints.maxItems, elements.count > maximum {
            guard collecting else { return false }
            valid = false
            let wording = maximum == 0 ? "is expected to be empty" : "is too long"
            report("maxItems", "\(PythonRepr.render(value)) \(wording)")
        }
        if constraints.uniqueItems, !SchemaValueSemantics.allUnique(elements) {
            guard collecting else { return false }
            valid = false
            report("uniqueItems", "\(PythonRepr.render(value)) has non-unique elements")
        }
        return valid
    }

    mutating func validateString(_ constraints: StringConstraints, _ text: String, _ value: JSONValue) -> Bool {
        var valid = true
        if constraints.minLength != nil || constraints.maxLength != nil {
            let length = text.unicodeScalars.count
            if let minimum = constraints.minLength, length < minimum {
                guard collecting else { return false }
                valid = false
                let wording = minimum == 1 ? "should be non-empty" : "is too short"
                report("minLength", "\(PythonRepr.render(value)) \(wording)")
            }
            if let maximum = constraints.maxLength, length > maximum {
                guard collecting else { return false }
                valid = false
                let wording = maximum == 0 ? "is expected to be empty" : "is too long"
                report("maxLength", "\(PythonRepr.render(value)) \(wording)")
            }
        }
        if let pattern = constraints.pattern, !pattern.regex.matches(text) {
            guard collecting else { return false }
            valid = false
            report("pattern", "\(PythonRepr.render(value)) does not match \(PythonRepr.string(pattern.text))")
        }
        return valid
    }

    mutating func validateNumber(_ constraints: NumericConstraints, _ value: JSONValue) -> Bool {
        guard let number = SchemaValueSemantics.Number(value) else { return true }
        var valid = true
        if let minimum = constraints.minimum, let order = SchemaValueSemantics.compare(number, minimum.value),
            minimum.exclusive ? order <= 0 : order < 0
        {
            guard collecting else { return false }
            valid = false
            let comparison = minimum.exclusive ? "less than or equal to" : "less than"
            report(
                "minimum",
                "\(PythonRepr.render(value)) is \(comparison) the minimum of \(PythonRepr.render(minimum.written))"
            )
        }
        if let maximum = constraints.maximum, let order = SchemaValueSemantics.compare(number, maximum.value),
            maximum.exclusive ? order >= 0 : order > 0
        {
            guard collecting else { return false }
            valid = false
            let comparison = maximum.exclusive ? "greater than or equal to" : "greater than"
            report(
                "maximum",
                "\(PythonRepr.render(value)) is \(comparison) the maximum of \(PythonRepr.render(maximum.written))"
            )
        }
        if let divisor = constraints.multipleOf, !SchemaValueSemantics.isMultiple(number, of: divisor.value) {
            guard collecting else { return false }
            valid = false
            report(
                "multipleOf",
                "\(PythonRepr.render(value)) is not a multiple of \(PythonRepr.render(divisor.written))"
            )
        }
        return valid
    }

    // MARK: Combinators

    /// Runs `node` on `value` only to learn whether it passes, without recording violations.
    mutating func passes(_ node: SchemaNode, _ value: JSONValue) -> Bool {
        let wasCollecting = collecting
        collecting = false
        defer { collecting = wasCollecting }
        return validate(node, value)
    }

    mutating func validateCombinators(_ node: SchemaNode, _ value: JSONValue) -> Bool {
        var valid = true
        for branch in node.allOf where !validate(branch, value) {
            guard collecting else { return false }
            valid = false
        }
        if !node.anyOf.isEmpty {
            var matched = false
            for branch in node.anyOf where passes(branch, value) {
                matched = true
                break
            }
            if !matched {
                guard collecting else { return false }
                valid = false
                report("anyOf", "\(PythonRepr.render(value)) is not valid under any of the given schemas")
            }
        }
        if !node.oneOf.isEmpty {
            var passing: [Int] = []
            for index in node.oneOf.indices where passes(node.oneOf[index], value) {
                passing.append(index)
                if !collecting && passing.count > 1 { return false }
            }
            if passing.isEmpty {
                guard collecting else { return false }
                valid = false
                report("oneOf", "\(PythonRepr.render(value)) is not valid under any of the given schemas")
            } else if passing.count > 1 {
                guard collecting else { return false }
                valid = false
                // Python lists the later matches first, then the first one.
                let order = passing.dropFirst() + [passing[0]]
                let schemas = order.map { PythonRepr.render(node.oneOfSchemas[$0]) }.joined(separator: ", ")
                report("oneOf", "\(PythonRepr.render(value)) is valid under each of \(schemas)")
            }
        }
        if let negated = node.not, passes(negated, value) {
            guard collecting else { return false }
            valid = false
            report("not", "\(PythonRepr.render(value)) should not be valid under \(PythonRepr.render(node.notSchema))")
        }
        return valid
    }
}
