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

/// A compiled subschema. Nodes are built once by `SchemaCompiler` and never change after the validator that
/// owns them is published, which is what makes sharing them between threads safe.
final class SchemaNode: @unchecked Sendable {
    /// Where the subschema sits in its document, as a URI fragment (`#/definitions/event`).
    let location: String
    /// Draft-04: a `$ref` replaces every sibling keyword. Points at the final, non-reference node; the owning
    /// validator keeps every node alive, so the reference need not retain (and cycles leak nothing).
    unowned(unsafe) var reference: SchemaNode?
    var hasReference = false
    /// Allowed types; empty allows every type.
    var allowedTypes: JSONTypeSet = []
    /// The type names as written, for messages.
    var typeNames: [String] = []
    var enumeration: EnumConstraint?
    var object: ObjectConstraints?
    var array: ArrayConstraints?
    var string: StringConstraints?
    var numeric: NumericConstraints?
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode] = []
    var oneOf: [SchemaNode] = []
    /// The `oneOf` branches as written, for the "valid under each of" message.
    var oneOfSchemas: [JSONValue] = []
    var not: SchemaNode?
    var notSchema: JSONValue = .null

    init(location: String) {
        self.location = location
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
            for candidate in strings where candidate == text {
                return true
            }
            return false
        }
        for candidate in values where SchemaValueSemantics.equal(candidate, value) {
            return true
        }
        return false
    }
}

/// What `additionalProperties` / `additionalItems` allow.
enum AdditionalRule: Sendable {
    case allowed
    case forbidden
    case schema(SchemaNode)
}

/// Object keywords, with `properties` and `required` merged into one table looked up by key length first.
final class ObjectConstraints: @unchecked Sendable {
    struct Entry {
        let key: String
        /// The `properties` schema; nil for a key that is only `required`.
        let schema: SchemaNode?
        /// True when `properties` names the key (so it is not an additional property).
        let isDeclared: Bool
        /// This key's bit in the required mask, 0 when not required (or when there are over 64 required keys).
        let requiredBit: UInt64
    }

    /// Entries ordered by the UTF-8 length of their key.
    var entries: [Entry] = []
    /// Entries whose key is `n` bytes long are `entries[lengthStart[n] ..< lengthStart[n + 1]]`.
    var lengthStart: [Int] = [0]
    /// `required` in schema order.
    var required: [String] = []
    /// Every required bit; meaningful when `requiredFitsMask`.
    var requiredMask: UInt64 = 0
    var requiredFitsMask = true
    var patternProperties: [(pattern: String, regex: SchemaRegex, schema: SchemaNode)] = []
    var additional: AdditionalRule = .allowed
    var minProperties: Int?
    var maxProperties: Int?
    var dependencies: [(key: String, dependency: Dependency)] = []

    enum Dependency {
        case keys([String])
        case schema(SchemaNode)
    }

    /// True when members must be walked one by one (property schemas, patterns or an additional rule).
    var walksMembers: Bool {
        !entries.isEmpty || !patternProperties.isEmpty
            || { if case .allowed = additional { return false } else { return true } }()
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
        case each(SchemaNode)
        case tuple([SchemaNode])
    }

    var items: Items = .any
    /// Only applies with the tuple form of `items` (draft-04).
    var additionalItems: AdditionalRule = .allowed
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
}

/// String keywords; lengths count Unicode scalars, as Python's `len` does.
final class StringConstraints: @unchecked Sendable {
    var minLength: Int?
    var maxLength: Int?
    var pattern: (text: String, regex: SchemaRegex)?
}

/// Number keywords, with the bounds kept as written for messages.
final class NumericConstraints: @unchecked Sendable {
    struct Bound {
        let value: SchemaValueSemantics.Number
        let written: JSONValue
        let exclusive: Bool
    }

    var minimum: Bound?
    var maximum: Bound?
    var multipleOf: (value: SchemaValueSemantics.Number, written: JSONValue)?
}

/// A compiled `pattern`. Swift's `Regex` is not `Sendable`, so matches run under a lock; schemas for VES use
/// no patterns, so this is never on a hot path.
final class SchemaRegex: Sendable {
    private let regex: Mutex<Regex<AnyRegexOutput>>

    /// Compiles an ECMA 262 style pattern; matching is by Unicode scalar, unanchored, like `re.search`.
    init(pattern: String) throws {
        regex = Mutex(try Regex(pattern).matchingSemantics(.unicodeScalar))
    }

    func matches(_ text: String) -> Bool {
        regex.withLock { regex in
            (try? regex.firstMatch(in: text)) != nil
        }
    }
}
