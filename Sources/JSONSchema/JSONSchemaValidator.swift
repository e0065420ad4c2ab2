public import JSON
import Platform

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
    /// What kind of problem, for programs that branch on it (exit codes, retries); stable across releases.
    public enum Code: String, Sendable, Hashable {
        case badPattern
        case invalidSchema
        case io
        case parse
        case refCycle
        case unresolvableRef
        case unsupportedRef
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
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
            throw SchemaError(code: .io, message: "cannot read schema file '\(path)': \(error.message)")
        }
        let document: JSONValue
        do {
            document = try JSONParser(maxDepth: 512, maxBytes: 64 * 1024 * 1024).parse(bytes)
        } catch {
            throw SchemaError(code: .parse, message: "schema file '\(path)' is not valid JSON: \(error.message)")
        }
        try self.init(schema: document)
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

// MARK: - Validation

/// One validation: the instance's root, the path from it to where validation is, and what was found.
///
/// The path is a stack of integers (a member's position, or an array index `i` as `-(i + 1)`), so walking an
/// event costs no reference counting and builds no strings; a pointer is spelled out from the root only when
/// a violation needs one. With `collecting` off the run only answers valid/invalid and stops at the first
/// failure (used for `anyOf`, `oneOf`, `not` and `isValid`).
private struct ValidationRun {
    /// Deeper than this, a schema that refers to itself without consuming the instance is cut off.
    static let depthLimit = 512

    let root: JSONValue
    let prefix: String
    var collecting: Bool
    var violations: [Violation] = []
    /// How many violations to collect before stopping.
    let limit: Int
    let path: UnsafeMutablePointer<Int>
    var pathCount = 0
    var depth = 0

    private init(root: JSONValue, prefix: String, collecting: Bool, limit: Int, path: UnsafeMutablePointer<Int>) {
        self.root = root
        self.prefix = prefix
        self.collecting = collecting
        self.limit = max(limit, 1)
        self.path = path
    }

    static func collect(_ node: SchemaNode, _ instance: JSONValue, prefix: String, limit: Int) -> [Violation] {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: depthLimit + 2) { buffer in
            var run = ValidationRun(
                root: instance,
                prefix: prefix,
                collecting: true,
                limit: limit,
                path: buffer.baseAddress!
            )
            _ = run.validate(node, instance)
            return run.violations
        }
    }

    static func check(_ node: SchemaNode, _ instance: JSONValue) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: depthLimit + 2) { buffer in
            var run = ValidationRun(root: instance, prefix: "", collecting: false, limit: 1, path: buffer.baseAddress!)
            return run.validate(node, instance)
        }
    }

    // MARK: Reporting

    /// The pointer of the current value (plus `member`, for `required`), spelled out from the root.
    func pointer(appending member: String? = nil) -> String {
        var pointer = prefix
        var current = root
        for position in 0..<pathCount {
            let step = path[position]
            switch current {
            case .object(let object) where step >= 0 && step < object.count:
                let entry = object.storage[step]
                pointer = JSONPointer.appending(entry.key, to: pointer)
                current = entry.value
            case .array(let elements) where step < 0 && -step - 1 < elements.count:
                pointer = JSONPointer.appending(-step - 1, to: pointer)
                current = elements[-step - 1]
            default:
                break
            }
        }
        if let member {
            pointer = JSONPointer.appending(member, to: pointer)
        }
        return pointer
    }

    mutating func report(_ keyword: String, _ message: String, member: String? = nil) {
        guard collecting else { return }
        violations.append(Violation(pointer: pointer(appending: member), message: message, keyword: keyword))
        if violations.count == limit {
            violations.append(
                Violation(
                    pointer: prefix,
                    message: "validation stopped after \(limit) violations; there may be more",
                    keyword: "maxViolations"
                )
            )
            // From here on every check fails fast, so the run unwinds without looking further.
            collecting = false
        }
    }

    @inline(__always)
    mutating func descend(_ link: NodeLink, _ value: JSONValue, step: Int) -> Bool {
        path[pathCount] = step
        pathCount += 1
        let valid = validate(link, value)
        pathCount -= 1
        return valid
    }

    // MARK: Nodes

    @inline(__always)
    mutating func validate(_ link: NodeLink, _ value: JSONValue) -> Bool {
        link.withNode { validate($0, value) }
    }

    mutating func validate(_ schema: SchemaNode, _ value: JSONValue) -> Bool {
        if schema.hasReference {
            return schema.reference.unsafelyUnwrapped.withNode { validateKeywords($0, value) }
        }
        return validateKeywords(schema, value)
    }

    mutating func validateKeywords(_ node: SchemaNode, _ value: JSONValue) -> Bool {
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
        if let combinators = node.combinators, !validateCombinators(combinators, value) {
            guard collecting else { return false }
            valid = false
        }
        return valid
    }

    // MARK: Objects

    mutating func validateObject(_ constraints: ObjectConstraints, _ object: JSONObject, _ value: JSONValue) -> Bool {
        var valid = true
        var seenRequired: UInt64 = 0
        if constraints.walksMembers {
            var unexpected: [String] = []
            for position in 0..<object.storage.count {
                var matched = false
                if let index = constraints.entryIndex(object.storage[position].key) {
                    seenRequired |= constraints.entries[index].requiredBit
                    matched = constraints.entries[index].isDeclared
                    if let schema = constraints.entries[index].schema,
                        !descend(schema, object.storage[position].value, step: position)
                    {
                        guard collecting else { return false }
                        valid = false
                    }
                }
                if !constraints.patternProperties.isEmpty {
                    for pattern in constraints.patternProperties
                    where pattern.regex.matches(object.storage[position].key) {
                        matched = true
                        if !descend(pattern.schema, object.storage[position].value, step: position) {
                            guard collecting else { return false }
                            valid = false
                        }
                    }
                }
                if !matched {
                    switch constraints.additional {
                    case .allowed:
                        break
                    case .forbidden:
                        guard collecting else { return false }
                        valid = false
                        unexpected.append(object.storage[position].key)
                    case .schema(let schema):
                        if !descend(schema, object.storage[position].value, step: position) {
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
                    for (index, key) in constraints.required.enumerated() where seenRequired & (1 << UInt64(index)) == 0
                    {
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
            for index in 0..<elements.count where !descend(schema, elements[index], step: -index - 1) {
                guard collecting else { return false }
                valid = false
            }
        case .tuple(let schemas):
            for index in 0..<min(schemas.count, elements.count)
            where !descend(schemas[index], elements[index], step: -index - 1) {
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
                    where !descend(schema, elements[index], step: -index - 1) {
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
    mutating func passes(_ node: NodeLink, _ value: JSONValue) -> Bool {
        let wasCollecting = collecting
        collecting = false
        defer { collecting = wasCollecting }
        return validate(node, value)
    }

    mutating func validateCombinators(_ combinators: Combinators, _ value: JSONValue) -> Bool {
        var valid = true
        for branch in combinators.allOf where !validate(branch, value) {
            guard collecting else { return false }
            valid = false
        }
        if !combinators.anyOf.isEmpty {
            var matched = false
            for branch in combinators.anyOf where passes(branch, value) {
                matched = true
                break
            }
            if !matched {
                guard collecting else { return false }
                valid = false
                report("anyOf", "\(PythonRepr.render(value)) is not valid under any of the given schemas")
            }
        }
        if !combinators.oneOf.isEmpty {
            var passing: [Int] = []
            for index in combinators.oneOf.indices where passes(combinators.oneOf[index], value) {
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
                let schemas = order.map { PythonRepr.render(combinators.oneOfSchemas[$0]) }.joined(separator: ", ")
                report("oneOf", "\(PythonRepr.render(value)) is valid under each of \(schemas)")
            }
        }
        if let negated = combinators.not, passes(negated, value) {
            guard collecting else { return false }
            valid = false
            report(
                "not",
                "\(PythonRepr.render(value)) should not be valid under \(PythonRepr.render(combinators.notSchema))"
            )
        }
        return valid
    }
}
