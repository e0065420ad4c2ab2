import JSON
import Synchronization

/// The JSON types an instance has, as a bit set. An integer has both `integer` and `number`, so it satisfies
/// either type name; a `.number` literal such as `1.0` only has `number` (draft-04 semantics).
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8

    static let null = JSONTypeSet(rawValue: 1 << 0)
    static let boolean = JSONTypeSet(rawValue: 1 << 1)
    static let integer = JSONTypeSet(rawValue: 1 << 2)
    static let number = JSONTypeSet(rawValue: 1 << 3)
    static let string = JSONTypeSet(rawValue: 1 << 4)
    static let array = JSONTypeSet(rawValue: 1 << 5)
    static let object = JSONTypeSet(rawValue: 1 << 6)
    /// Set by `type: []`, which allows nothing: no instance has this bit.
    static let impossible = JSONTypeSet(rawValue: 1 << 7)

    @inline(__always)
    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    @inline(__always)
    init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .integer, .largeInteger: self = [.integer, .number]
        case .number: self = .number
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }

    /// The set for one draft-04 type name; nil for a name draft-04 does not define.
    init?(typeName: String) {
        switch typeName {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }
}

/// A link from one node to another that does not retain: the owning validator keeps every node alive, so
/// following links costs no reference counting, and recursive schemas leak nothing.
struct NodeLink: @unchecked Sendable {
    private let target: Unmanaged<SchemaNode>

    init(_ node: SchemaNode) {
        target = .passUnretained(node)
    }

    /// Calls `body` with the node, borrowed.
    @inline(__always)
    func withNode<Result>(_ body: (SchemaNode) -> Result) -> Result {
        target._withUnsafeGuaranteedRef(body)
    }
}

/// A compiled subschema. Everything but `reference` is fixed at creation; `reference` is set while the
/// compiler resolves `$ref`s, before the owning validator is published. That is what makes sharing nodes
/// between threads safe. Keywords sit in `let` properties so validation reads them without reference
/// counting.
final class SchemaNode: @unchecked Sendable {
    /// Where the subschema sits in its document, as a URI fragment (`#/definitions/event`).
    let location: String
    /// Draft-04: a `$ref` replaces every sibling keyword.
    let hasReference: Bool
    /// The end of the reference chain, a node without `$ref`.
    var reference: NodeLink?
    /// OpenAPI's `nullable: true`: `null` satisfies the schema whatever its other keywords say.
    let nullable: Bool
    /// Allowed types; empty allows every type.
    let allowedTypes: JSONTypeSet
    /// The type names as written, for messages.
    let typeNames: [String]
    let enumeration: EnumConstraint?
    let object: ObjectConstraints?
    let array: ArrayConstraints?
    let string: StringConstraints?
    let numeric: NumericConstraints?
    let combinators: Combinators?

    /// A node that only refers to another.
    init(location: String, referring: Bool) {
        self.location = location
        self.hasReference = referring
        nullable = false
        allowedTypes = []
        typeNames = []
        enumeration = nil
        object = nil
        array = nil
        string = nil
        numeric = nil
        combinators = nil
    }

    init(
        location: String,
        nullable: Bool,
        allowedTypes: JSONTypeSet,
        typeNames: [String],
        enumeration: EnumConstraint?,
        object: ObjectConstraints?,
        array: ArrayConstraints?,
        string: StringConstraints?,
        numeric: NumericConstraints?,
        combinators: Combinators?
    ) {
        self.location = location
        self.hasReference = false
        self.nullable = nullable
        self.allowedTypes = allowedTypes
        self.typeNames = typeNames
        self.enumeration = enumeration
        self.object = object
        self.array = array
        self.string = string
        self.numeric = numeric
        self.combinators = combinators
    }
}

/// `enum`: the allowed values, with a fast path when they are all strings.
final class EnumConstraint: Sendable {
    let values: [JSONValue]
    /// The values when every one is a string, else nil.
    let strings: [String]?
    /// The list as Python renders it, for the "is not one of" message.
    let rendered: String

    init(values: [JSONValue]) {
        self.values = values
        var strings: [String] = []
        for value in values {
            guard case .string(let text) = value else { break }
            strings.append(text)
        }
        self.strings = strings.count == values.count ? strings : nil
        self.rendered = PythonRepr.render(.array(values))
    }

    @inline(__always)
    func contains(_ value: JSONValue) -> Bool {
        if let strings {
            guard case .string(let text) = value else { return false }
            for index in strings.indices where strings[index] == text {
                return true
            }
            return false
        }
        for index in values.indices where SchemaValueSemantics.equal(values[index], value) {
            return true
        }
        return false
    }
}

/// What `additionalProperties` / `additionalItems` allow.
enum AdditionalRule: Sendable {
    case allowed
    case forbidden
    case schema(NodeLink)

    var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// Object keywords, with `properties` and `required` merged into one table looked up by key length first.
final class ObjectConstraints: @unchecked Sendable {
    struct Entry {
        let key: String
        /// The `properties` schema; nil for a key that is only `required`.
        let schema: NodeLink?
        /// True when `properties` names the key (so it is not an additional property).
        let isDeclared: Bool
        /// This key's bit in the required mask, 0 when not required (or when there are over 64 required keys).
        let requiredBit: UInt64
    }

    enum Dependency {
        case keys([String])
        case schema(NodeLink)
    }

    /// Entries ordered by the UTF-8 length of their key.
    let entries: [Entry]
    /// Entries whose key is `n` bytes long are `entries[lengthStart[n] ..< lengthStart[n + 1]]`.
    let lengthStart: [Int]
    /// `required` in schema order.
    let required: [String]
    /// Every required bit; meaningful when `requiredFitsMask`.
    let requiredMask: UInt64
    let requiredFitsMask: Bool
    let patternProperties: [(pattern: String, regex: SchemaRegex, schema: NodeLink)]
    let additional: AdditionalRule
    let minProperties: Int?
    let maxProperties: Int?
    let dependencies: [(key: String, dependency: Dependency)]
    /// True when members must be walked one by one (property schemas, patterns or an additional rule).
    let walksMembers: Bool

    init(
        properties: [(key: String, schema: NodeLink)],
        required: [String],
        patternProperties: [(pattern: String, regex: SchemaRegex, schema: NodeLink)],
        additional: AdditionalRule,
        minProperties: Int?,
        maxProperties: Int?,
        dependencies: [(key: String, dependency: Dependency)]
    ) {
        let fitsMask = required.count <= 64
        func bit(_ key: String) -> UInt64 {
            guard fitsMask, let index = required.firstIndex(of: key) else { return 0 }
            return 1 << UInt64(index)
        }
        var entries = properties.map {
            Entry(key: $0.key, schema: $0.schema, isDeclared: true, requiredBit: bit($0.key))
        }
        for key in required where !properties.contains(where: { $0.key == key }) {
            entries.append(Entry(key: key, schema: nil, isDeclared: false, requiredBit: bit(key)))
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
        self.entries = entries
        self.lengthStart = lengthStart
        self.required = required
        self.requiredFitsMask = fitsMask
        self.requiredMask = fitsMask ? entries.reduce(0) { $0 | $1.requiredBit } : 0
        self.patternProperties = patternProperties
        self.additional = additional
        self.minProperties = minProperties
        self.maxProperties = maxProperties
        self.dependencies = dependencies
        self.walksMembers = !entries.isEmpty || !patternProperties.isEmpty || !additional.isAllowed
    }

    @inline(__always)
    func entryIndex(_ key: String) -> Int? {
        let length = key.utf8.count
        guard length + 1 < lengthStart.count else { return nil }
        var index = lengthStart[length]
        let end = lengthStart[length + 1]
        while index < end {
            if entries[index].key == key { return index }
            index += 1
        }
        return nil
    }
}

/// Array keywords.
final class ArrayConstraints: @unchecked Sendable {
    enum Items {
        case any
        case each(NodeLink)
        case tuple([NodeLink])
    }

    let items: Items
    /// Only applies with the tuple form of `items` (draft-04).
    let additionalItems: AdditionalRule
    let minItems: Int?
    let maxItems: Int?
    let uniqueItems: Bool

    init(items: Items, additionalItems: AdditionalRule, minItems: Int?, maxItems: Int?, uniqueItems: Bool) {
        self.items = items
        self.additionalItems = additionalItems
        self.minItems = minItems
        self.maxItems = maxItems
        self.uniqueItems = uniqueItems
    }
}

/// String keywords; lengths count Unicode scalars, as Python's `len` does.
final class StringConstraints: Sendable {
    let minLength: Int?
    let maxLength: Int?
    let pattern: (text: String, regex: SchemaRegex)?
    /// Set only when formats are checked and the name is one `StringFormat` knows.
    let format: StringFormat?

    init(minLength: Int?, maxLength: Int?, pattern: (text: String, regex: SchemaRegex)?, format: StringFormat?) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.format = format
    }
}

/// Number keywords, with the bounds kept as written for messages.
final class NumericConstraints: Sendable {
    struct Bound {
        let value: SchemaValueSemantics.Number
        let written: JSONValue
        let exclusive: Bool
    }

    let minimum: Bound?
    let maximum: Bound?
    let multipleOf: (value: SchemaValueSemantics.Number, written: JSONValue)?

    init(minimum: Bound?, maximum: Bound?, multipleOf: (value: SchemaValueSemantics.Number, written: JSONValue)?) {
        self.minimum = minimum
        self.maximum = maximum
        self.multipleOf = multipleOf
    }
}

/// `allOf`, `anyOf`, `oneOf` and `not`, with the branches as written for messages.
final class Combinators: @unchecked Sendable {
    let allOf: [NodeLink]
    let anyOf: [NodeLink]
    let oneOf: [NodeLink]
    let oneOfSchemas: [JSONValue]
    let not: NodeLink?
    let notSchema: JSONValue
    /// OpenAPI's `discriminator` beside `oneOf`/`anyOf`: it replaces trying every branch.
    let discriminator: Discriminator?

    init(
        allOf: [NodeLink],
        anyOf: [NodeLink],
        oneOf: [NodeLink],
        oneOfSchemas: [JSONValue],
        not: NodeLink?,
        notSchema: JSONValue,
        discriminator: Discriminator?
    ) {
        self.allOf = allOf
        self.anyOf = anyOf
        self.oneOf = oneOf
        self.oneOfSchemas = oneOfSchemas
        self.not = not
        self.notSchema = notSchema
        self.discriminator = discriminator
    }
}

/// An OpenAPI discriminator: which member names the schema, and the schema for each value it may take.
final class Discriminator: @unchecked Sendable {
    let propertyName: String
    /// `mapping` entries first, then the names of the `$ref`ed branches (OpenAPI's implicit mapping).
    let choices: [(value: String, schema: NodeLink)]
    /// The values as Python lists them, for messages.
    let renderedValues: String

    init(propertyName: String, choices: [(value: String, schema: NodeLink)]) {
        self.propertyName = propertyName
        self.choices = choices
        renderedValues = PythonRepr.render(.array(choices.map { .string($0.value) }))
    }

    func schema(for value: String) -> NodeLink? {
        choices.first { $0.value == value }?.schema
    }
}

/// A compiled `pattern`. Swift's `Regex` is not `Sendable`, so matches run under a lock; schemas for VES use
/// no patterns, so this is never on a hot path.
final class SchemaRegex: Sendable {
    private let regex: Mutex<Regex<AnyRegexOutput>>

    /// Compiles a pattern; matching is by Unicode scalar and unanchored, like Python's `re.search`.
    init(pattern: String) throws {
        regex = Mutex(try Regex(pattern).matchingSemantics(.unicodeScalar))
    }

    func matches(_ text: String) -> Bool {
        regex.withLock { regex in
            (try? regex.firstMatch(in: text)) != nil
        }
    }
}
