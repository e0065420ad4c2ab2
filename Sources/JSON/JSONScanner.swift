enum Byte {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}

/// Powers of ten a double holds exactly, for the fast decimal-to-double path.
let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// One parse over a contiguous buffer.
struct JSONScanner: ~Copyable {
    let base: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var position = 0
    var depth = 0
    /// Children of the arrays being parsed, innermost last.
    var valueStack = MoveStack<JSONValue>(capacity: 32)
    /// Members of the objects being parsed, innermost last, with a cheap hash of each key for duplicate checks.
    var memberStack = MoveStack<JSONObject.Member>(capacity: 32)
    var keyHashStack = MoveStack<UInt64>(capacity: 32)
    /// Decoded bytes of a string with escapes.
    var scratch: [UInt8] = []
    let knownNames: InternTable

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int, knownNames: InternTable) {
        self.knownNames = knownNames
        self.base = base
        self.end = count
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if position == end {
            throw JSONParseError(
                code: .empty,
                message: "the document has only whitespace; expected a JSON value",
                offset: position
            )
        }
        if end - position >= 3, base[position] == 0xEF, base[position + 1] == 0xBB, base[position + 2] == 0xBF {
            throw syntaxError("the document starts with a UTF-8 byte order mark, which JSON text must not have")
        }
        let value = try parseValue()
        skipWhitespace()
        if position != end {
            throw syntaxError("unexpected \(describeByte(at: position)) after the JSON value; expected the end")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            let byte = base[position]
            guard byte == Byte.space || byte == Byte.newline || byte == Byte.carriageReturn || byte == Byte.tab else {
                return
            }
            position += 1
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < end else {
            throw syntaxError("unexpected end of input; expected a value")
        }
        switch base[position] {
        case Byte.quote:
            return .string(try parseString())
        case Byte.openBrace:
            return try parseObject()
        case Byte.openBracket:
            return try parseArray()
        case Byte.minus, Byte.zero...Byte.nine:
            return try parseNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw syntaxError("unexpected \(describeByte(at: position)); NaN and Infinity are not JSON numbers")
        default:
            throw syntaxError("unexpected \(describeByte(at: position)); expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for index in 0..<count {
            guard position + index < end, base[position + index] == start[index] else {
                throw syntaxError("invalid literal; expected '\(literal)'")
            }
        }
        position += count
    }

    // MARK: Containers

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth {
            throw JSONParseError(
                code: .tooDeep,
                message: "arrays and objects are nested more than \(maxDepth) levels deep at \(location(position))",
                offset: position
            )
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < end, base[position] == Byte.closeBracket {
            position += 1
            depth -= 1
            return .array([])
        }
        let firstChild = valueStack.count
        while true {
            valueStack.push(try parseValue())
            skipWhitespace()
            guard position < end else {
                throw syntaxError("unexpected end of input inside an array; expected ',' or ']'")
            }
            let byte = base[position]
            if byte == Byte.comma {
                position += 1
                skipWhitespace()
                if position < end, base[position] == Byte.closeBracket {
                    throw syntaxError("trailing comma before ']'")
                }
            } else if byte == Byte.closeBracket {
                position += 1
                break
            } else {
                throw syntaxError(
                    "unexpected \(describeByte(at: position)) after an array element; expected ',' or ']'"
                )
            }
        }
        depth -= 1
        return .array(valueStack.popArray(from: firstChild))
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < end, base[position] == Byte.closeBrace {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        let firstMember = memberStack.count
        // Large objects check duplicates with a set of their keys instead of a scan.
        var keySet: Set<String>? = nil
        // One bit per key hash seen (of 128): a key whose bit is clear is new without a scan.
        var seenHashes: (UInt64, UInt64) = (0, 0)
        while true {
            guard position < end else {
                throw syntaxError("unexpected end of input inside an object; expected a member name")
            }
            guard base[position] == Byte.quote else {
                throw syntaxError("unexpected \(describeByte(at: position)); expected a member name in double quotes")
            }
            let keyStart = position
            var hash: UInt64 = 0
            let key = try parseString(hash: &hash, isKey: true)
            let bit = UInt64(1) << (hash >> 58)
            let seen = hash & (1 << 57) == 0 ? seenHashes.0 & bit : seenHashes.1 & bit
            try checkDuplicate(
                key: key,
                hash: hash,
                firstMember: firstMember,
                keySet: &keySet,
                at: keyStart,
                mayRepeat: seen != 0
            )
            if hash & (1 << 57) == 0 { seenHashes.0 |= bit } else { seenHashes.1 |= bit }
            skipWhitespace()
            guard position < end, base[position] == Byte.colon else {
                if position == end {
                    throw syntaxError("unexpected end of input after member name; expected ':'")
                }
                throw syntaxError("unexpected \(describeByte(at: position)) after a member name; expected ':'")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            memberStack.push(JSONObject.Member(key: key, value: value))
            keyHashStack.push(hash)
            skipWhitespace()
            guard position < end else {
                throw syntaxError("unexpected end of input inside an object; expected ',' or '}'")
            }
            let byte = base[position]
            if byte == Byte.comma {
                position += 1
                skipWhitespace()
                if position < end, base[position] == Byte.closeBrace {
                    throw syntaxError("trailing comma before '}'")
                }
            } else if byte == Byte.closeBrace {
                position += 1
                break
            } else {
                throw syntaxError(
                    "unexpected \(describeByte(at: position)) after an object member; expected ',' or '}'"
                )
            }
        }
        keyHashStack.pop(from: firstMember)
        depth -= 1
        return .object(JSONObject(uniqueMembers: memberStack.popArray(from: firstMember)))
    }

    /// Throws when `key` already names a member of the object being parsed. Small objects compare cheap
    /// hashes first, and only when the object's filter of hashes says the key may repeat (`mayRepeat`); large
    /// ones keep a set of their keys (with the standard library's seeded hashing, so crafted keys cannot make the
    /// check quadratic).
    mutating func checkDuplicate(
        key: String,
        hash: UInt64,
        firstMember: Int,
        keySet: inout Set<String>?,
        at keyStart: Int,
        mayRepeat: Bool
    ) throws(JSONParseError) {
        var isDuplicate = false
        if keySet != nil {
            isDuplicate = !keySet!.insert(key).inserted
        } else {
            if mayRepeat {
                for index in firstMember..<memberStack.count
                where keyHashStack[index] == hash && memberStack[index].key == key {
                    isDuplicate = true
                    break
                }
            }
            if !isDuplicate && memberStack.count - firstMember >= 32 {
                var keys = Set((firstMember..<memberStack.count).map { memberStack[$0].key })
                keys.insert(key)
                keySet = keys
            }
        }
        if isDuplicate {
            throw JSONParseError(
                code: .duplicateKey,
                message: "duplicate member name \(quoted(key)) at \(location(keyStart)); "
                    + "each name may appear once in an object",
                offset: keyStart
            )
        }
    }
}

extension JSONScanner {
    // MARK: Errors and positions

    func syntaxError(_ what: String) -> JSONParseError {
        JSONParseError(code: .syntax, message: "\(what) at \(location(position))", offset: position)
    }

    func controlCharacterError(_ byte: UInt8) -> JSONParseError {
        JSONParseError(
            code: .syntax,
            message: "unescaped control character U+00\(hex2(byte)) in a string at \(location(position)); "
                + "write it as an escape such as \\n or \\u00\(hex2(byte))",
            offset: position
        )
    }

    func utf8Error(at offset: Int, _ what: String) -> JSONParseError {
        JSONParseError(
            code: .invalidUTF8,
            message: "invalid UTF-8 in a string at \(location(offset)): \(what)",
            offset: offset
        )
    }

    /// "line L, column C (byte offset O)"; columns count characters, not bytes.
    func location(_ offset: Int) -> String {
        var line = 1
        var column = 1
        var index = 0
        let limit = min(offset, end)
        while index < limit {
            let byte = base[index]
            if byte == Byte.newline {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return "line \(line), column \(column) (byte offset \(offset))"
    }

    func describeByte(at offset: Int) -> String {
        guard offset < end else { return "end of input" }
        return "character '\(describeCharacter(base[offset]))'"
    }

    func describeCharacter(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return String(UnicodeScalar(byte))
        }
        return "0x" + hex2(byte)
    }

    func quoted(_ key: String) -> String {
        "\"" + key + "\""
    }

}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte &- Byte.zero < 10
}

func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
}

func hex4(_ value: UInt32) -> String {
    hex2(UInt8(value >> 8 & 0xFF)) + hex2(UInt8(value & 0xFF))
}

/// A fast, non-cryptographic hash of a key's bytes, for duplicate-key checks and known-name lookups (which
/// both still compare the bytes).
@inline(__always)
func hashBytes(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let count = buffer.count
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: count &+ 1)
    guard let start = buffer.baseAddress else { return hash }
    let raw = UnsafeRawPointer(start)
    if count >= 8 {
        var offset = 0
        while offset + 8 < count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        // The last eight bytes, overlapping the previous word when the length is not a multiple of eight.
        hash ^= raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 {
        let low = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        hash ^= low | high << 32
    } else {
        var tail: UInt64 = 0
        for index in 0..<count {
            tail |= UInt64(start[index]) << UInt64(index * 8)
        }
        hash ^= tail
    }
    hash = hash &* 0xC4CE_B9FE_1A85_EC53
    return hash ^ hash >> 32
}
