/// A parsed JSON value. Numbers keep their text, so 64-bit counters and derives convert exactly.
enum JSONValue {
    case null
    case bool(Bool)
    case number(Substring)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var numberText: Substring? {
        if case .number(let text) = self { return text }
        return nil
    }
}

/// A small strict JSON reader (RFC 8259) for collectd's JSON lines: one value per call, nesting limited so no
/// input can exhaust the stack.
struct JSONReader {
    struct SyntaxError: Error {
        var offset: Int
        var reason: String
    }

    private let text: Substring
    private let bytes: [UInt8]
    private var position = 0
    private static let maxDepth = 64

    static func parse(_ text: Substring) throws(SyntaxError) -> JSONValue {
        var reader = JSONReader(text: text)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else {
            throw SyntaxError(offset: reader.position, reason: "unexpected text after the JSON value")
        }
        return value
    }

    private init(text: Substring) {
        self.text = text
        bytes = Array(text.utf8)
    }

    private var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maxDepth else { throw SyntaxError(offset: position, reason: "nesting too deep") }
        guard let byte = current else { throw SyntaxError(offset: position, reason: "unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw SyntaxError(offset: position, reason: "unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count,
            bytes[position..<position + expected.count].elementsEqual(expected)
        else {
            throw SyntaxError(offset: position, reason: "invalid literal")
        }
        position += expected.count
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw SyntaxError(offset: position, reason: "expected a key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw SyntaxError(offset: position, reason: "expected ':'") }
            position += 1
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw SyntaxError(offset: position, reason: "expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default: throw SyntaxError(offset: position, reason: "expected ',' or ']'")
            }
        }
    }

    private mutating func number() throws(SyntaxError) -> Substring {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else {
            throw SyntaxError(offset: position, reason: "invalid number")
        }
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            while let byte = current, isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let byte = current, isDigit(byte) else {
                throw SyntaxError(offset: position, reason: "invalid number")
            }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let byte = current, isDigit(byte) else {
                throw SyntaxError(offset: position, reason: "invalid number")
            }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: start)
        let to = utf8.index(utf8.startIndex, offsetBy: position)
        return Substring(utf8[from..<to])
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func string() throws(SyntaxError) -> String {
        position += 1
        var result: [UInt8] = []
        while true {
            guard let byte = current else { throw SyntaxError(offset: position, reason: "unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { throw SyntaxError(offset: position, reason: "unterminated string") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                            bytes[position + 1] == UInt8(ascii: "u")
                        else {
                            throw SyntaxError(offset: position, reason: "unpaired surrogate")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw SyntaxError(offset: position, reason: "unpaired surrogate")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else {
                        throw SyntaxError(offset: position, reason: "unpaired surrogate")
                    }
                    result.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw SyntaxError(offset: position, reason: "invalid escape")
                }
            case 0x00..<0x20:
                throw SyntaxError(offset: position, reason: "control character in string")
            default:
                result.append(byte)
            }
        }
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw SyntaxError(offset: position, reason: "invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw SyntaxError(offset: position, reason: "invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}

/// Builds JSON text.
struct JSONWriter {
    private(set) var text = ""

    init() {
        text.reserveCapacity(256)
    }

    mutating func raw(_ fragment: String) {
        text += fragment
    }

    /// A string literal: `"` and `\` escaped, control characters as `\uXXXX` (collectd's writer turns them into
    /// `?`; escaping keeps them).
    mutating func string(_ value: String) {
        text += "\""
        var plainStart = value.unicodeScalars.startIndex
        var index = plainStart
        let scalars = value.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escape = nil
            }
            if let escape {
                text += String(scalars[plainStart..<index])
                text += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        text += String(scalars[plainStart..<scalars.endIndex])
        text += "\""
    }

    mutating func key(_ name: String) {
        string(name)
        text += ":"
    }
}
