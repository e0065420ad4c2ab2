/// A JSON value as parsed from an event body or a schema.
///
/// JSON's types stay apart: `true` is not `1`, and a literal written with a fraction or exponent (`1.0`,
/// `1e2`) is a `.number` even when it is integral, because draft-04 schemas tell `integer` from `number` by
/// how the value was written.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer literal (no fraction, no exponent) that fits in `Int64`.
    case integer(Int64)
    /// Any other number: a literal with a fraction or an exponent.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// An integer literal outside `Int64`'s range, kept as its exact decimal text (optional `-`, digits, no
    /// leading zeros) so it still counts as an integer for a schema's `type: integer` and is written back
    /// unchanged.
    case largeInteger(String)
}

/// A JSON object's members in document order.
///
/// Order is kept so a recorded event reads as it was sent. Equality ignores order: two objects are equal when
/// they have the same keys with equal values. Keys are unique: setting an existing key replaces its value in
/// place.
public struct JSONObject: Sendable, Equatable {
    /// One member; a struct rather than a tuple so arrays of members stay on specialized, fast paths.
    public struct Member: Sendable {
        public var key: String
        public var value: JSONValue
    }

    /// The members in order, for code that walks every member on a hot path (the schema validator).
    public private(set) var storage: [Member]

    /// Builds an object from members in order; a repeated key keeps its first position and its last value.
    public init(_ members: [(String, JSONValue)]) {
        storage = []
        storage.reserveCapacity(members.count)
        if members.count <= 16 {
            for (key, value) in members {
                if let index = storage.firstIndex(where: { $0.key == key }) {
                    storage[index].value = value
                } else {
                    storage.append(Member(key: key, value: value))
                }
            }
        } else {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(members.count)
            for (key, value) in members {
                if let index = positions[key] {
                    storage[index].value = value
                } else {
                    positions[key] = storage.count
                    storage.append(Member(key: key, value: value))
                }
            }
        }
    }

    /// An empty object.
    public init() {
        storage = []
    }

    /// Members the parser already checked for duplicate keys.
    init(uniqueMembers: [Member]) {
        storage = uniqueMembers
    }

    /// The members in document order, as a new array (`forEachMember` walks them without one).
    public var members: [(key: String, value: JSONValue)] { storage.map { ($0.key, $0.value) } }

    /// The member names in document order.
    public var keys: [String] { storage.map(\.key) }

    public var count: Int { storage.count }

    public var isEmpty: Bool { storage.isEmpty }

    /// Calls `body` with each member in document order, without copying the member list.
    public func forEachMember(_ body: (String, JSONValue) throws -> Void) rethrows {
        for index in storage.indices {
            try body(storage[index].key, storage[index].value)
        }
    }

    /// The value of `key`, nil when absent. Setting appends a new member or replaces the value in place;
    /// setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            for index in storage.indices where storage[index].key == key {
                return storage[index].value
            }
            return nil
        }
        set {
            let index = storage.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?):
                storage[index].value = value
            case (let index?, nil):
                storage.remove(at: index)
            case (nil, let value?):
                storage.append(Member(key: key, value: value))
            case (nil, nil):
                break
            }
        }
    }

    /// Removes `key` and returns its value, nil when it was absent.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = storage.firstIndex(where: { $0.key == key }) else { return nil }
        return storage.remove(at: index).value
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        if lhs.storage.count <= 16 {
            for member in lhs.storage {
                guard let other = rhs[member.key], other == member.value else { return false }
            }
            return true
        }
        var others: [String: JSONValue] = [:]
        others.reserveCapacity(rhs.storage.count)
        for member in rhs.storage {
            others[member.key] = member.value
        }
        for member in lhs.storage {
            guard let other = others[member.key], other == member.value else { return false }
        }
        return true
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }

    public init(floatLiteral value: Double) {
        self = .number(value)
    }

    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue {
    /// The member `key` of an object; nil for any other value or a missing member.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index` of an array; nil for any other value or an index out of range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The value of an integer that fits in `Int64`; nil for `.number`, even when integral.
    public var intValue: Int64? {
        guard case .integer(let value) = self else { return nil }
        return value
    }

    /// Any number as a `Double` (integers convert, possibly rounding); nil for non-numbers.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .largeInteger(let text): Double(text)
        default: nil
        }
    }

    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    public var objectValue: JSONObject? {
        guard case .object(let value) = self else { return nil }
        return value
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON type name as JSON Schema spells it (`integer` for integer literals of any size).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .largeInteger: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// RFC 6901 JSON pointers, the way violations name where they are.
public enum JSONPointer {
    /// `pointer` extended by the member name `token`, escaping `~` as `~0` and `/` as `~1`.
    public static func appending(_ token: String, to pointer: String) -> String {
        pointer + "/" + escape(token)
    }

    /// `pointer` extended by an array index.
    public static func appending(_ index: Int, to pointer: String) -> String {
        pointer + "/" + String(index)
    }

    /// `token` escaped for use as one reference token.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else {
            return token
        }
        var escaped = ""
        for character in token.unicodeScalars {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// The unescaped reference tokens of `pointer`; nil when it is not a valid pointer (it must be empty or
    /// start with `/`, and `~` may only be followed by `0` or `1`).
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in pointer.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            var token: [UInt8] = []
            var iterator = raw.makeIterator()
            while let byte = iterator.next() {
                guard byte == UInt8(ascii: "~") else {
                    token.append(byte)
                    continue
                }
                switch iterator.next() {
                case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
                default: return nil
                }
            }
            tokens.append(String(decoding: token, as: UTF8.self))
        }
        return tokens
    }

    /// The value `pointer` names inside `document`; nil when the pointer is invalid or names nothing.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        return resolve(tokens: tokens, in: document)
    }

    public static func resolve(tokens: [String], in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// An RFC 6901 array index: `0` or digits without a leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty, bytes.count < 19, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard bytes.count == 1 || bytes[0] != UInt8(ascii: "0") else { return nil }
        return Int(token)
    }
}
