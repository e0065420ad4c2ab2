import JSON

/// One validation: the instance's root, the path from it to where validation is, and what was found.
///
/// The path is a stack of integers (a member's position, or an array index `i` as `-(i + 1)`), so walking an
/// event costs no reference counting and builds no strings; a pointer is spelled out from the root only when
/// a violation needs one. With `collecting` off the run only answers valid/invalid and stops at the first
/// failure (used for `anyOf`, `oneOf`, `not` and `isValid`).
struct ValidationRun {
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
    /// Where the schema recursed too deep; from then on every check fails at once, so a schema whose branches
    /// refer back to themselves (`anyOf: [A, A]`) ends instead of trying every combination.
    var cutOff: String?

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
            if let location = run.cutOff, !run.violations.contains(where: { $0.keyword == "$ref" }) {
                // The cut happened inside a branch that records nothing; say why the instance failed.
                run.violations.append(Violation(pointer: prefix, message: recursionMessage(location), keyword: "$ref"))
            }
            return run.violations
        }
    }

    static func check(_ node: SchemaNode, _ instance: JSONValue) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: depthLimit + 2) { buffer in
            var run = ValidationRun(root: instance, prefix: "", collecting: false, limit: 1, path: buffer.baseAddress!)
            return run.validate(node, instance) && run.cutOff == nil
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

    static func recursionMessage(_ location: String) -> String {
        "schema recursion deeper than \(depthLimit) levels at \(location)"
    }

    mutating func validateKeywords(_ node: SchemaNode, _ value: JSONValue) -> Bool {
        if cutOff != nil { return false }
        if node.nullable, case .null = value { return true }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.depthLimit {
            report("$ref", Self.recursionMessage(node.location))
            cutOff = node.location
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
}
