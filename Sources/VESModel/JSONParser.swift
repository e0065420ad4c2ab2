/// Why a body is not acceptable JSON, with where it went wrong.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem, for callers that map errors to answers (e.g. `tooLarge` to POL9003).
    public enum Code: String, Sendable {
        case syntax
        case tooDeep
        case tooLarge
        case duplicateKey
        case invalidUTF8
        case empty
    }

    public var code: Code
    /// What is wrong and where (line:column and byte offset), in words a person can act on.
    public var message: String
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// A strict RFC 8259 parser working on bytes, for bodies that may be hostile.
///
/// It rejects what a lenient parser would guess at (trailing commas, `NaN`, leading zeros, raw control
/// characters, lone surrogates, duplicate keys, bad UTF-8, text after the value) and bounds nesting depth and
/// input size, so no body can exhaust the stack or memory.
public struct JSONParser: Sendable {
    /// Deepest nesting of arrays and objects accepted (at most 1024, so parsing never exhausts the stack).
    public let maxDepth: Int
    /// Largest input accepted, in bytes.
    public let maxBytes: Int

    public init(maxDepth: Int = 64, maxBytes: Int = 16 * 1024 * 1024) {
        self.maxDepth = min(max(maxDepth, 1), 1024)
        self.maxBytes = max(maxBytes, 0)
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        if bytes.count > maxBytes {
            throw JSONParseError(
                code: .tooLarge,
                message: "the document is \(bytes.count) bytes, more than the limit of \(maxBytes) bytes",
                offset: maxBytes
            )
        }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw JSONParseError(code: .empty, message: "the document is empty; expected a JSON value", offset: 0)
        }
        var scanner = JSONScanner(base: base, count: bytes.count, maxDepth: maxDepth)
        return try scanner.parseDocument()
    }
}

// MARK: - Scanner

private enum Byte {
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
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// A growable stack whose top elements move, not copy, into a new array: containers being parsed collect
/// their children here, so each array or object is allocated once, at its final size.
private struct MoveStack<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer.allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity {
            grow()
        }
        (base + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        base[index]
    }

    /// Moves the elements from `start` to the top into a new array.
    @inline(__always)
    mutating func popArray(from start: Int) -> [Element] {
        let moved = count - start
        let source = base + start
        count = start
        return Self.movedArray(source, count: moved)
    }

    /// An array literal gets its storage type from a cached lookup, while the general initialisers look it
    /// up afresh every time (some 30 ns); containers in events are small, so their usual sizes take the
    /// literal route.
    @inline(__always)
    private static func movedArray(_ source: UnsafeMutablePointer<Element>, count: Int) -> [Element] {
        @inline(__always) func take(_ index: Int) -> Element { (source + index).move() }
        switch count {
        case 1: return [take(0)]
        case 2: return [take(0), take(1)]
        case 3: return [take(0), take(1), take(2)]
        case 4: return [take(0), take(1), take(2), take(3)]
        case 5: return [take(0), take(1), take(2), take(3), take(4)]
        case 6: return [take(0), take(1), take(2), take(3), take(4), take(5)]
        case 7: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6)]
        case 8: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7)]
        case 9: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8)]
        case 10: return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9)]
        case 11:
            return [take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10)]
        case 12:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11),
            ]
        case 13:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12),
            ]
        case 14:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13),
            ]
        case 15:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13), take(14),
            ]
        case 16:
            return [
                take(0), take(1), take(2), take(3), take(4), take(5), take(6), take(7), take(8), take(9), take(10),
                take(11), take(12), take(13), take(14), take(15),
            ]
        default:
            return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                buffer.baseAddress!.moveInitialize(from: source, count: count)
                initialized = count
            }
        }
    }

    mutating func pop(from start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }
}

/// One parse over a contiguous buffer.
private struct JSONScanner: ~Copyable {
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
    let knownNames = KnownNames.table

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
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
            try checkDuplicate(key: key, hash: hash, firstMember: firstMember, keySet: &keySet, at: keyStart)
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
    /// hashes first; large ones keep a set of their keys (with the standard library's seeded hashing, so
    /// crafted keys cannot make the check quadratic).
    mutating func checkDuplicate(
        key: String,
        hash: UInt64,
        firstMember: Int,
        keySet: inout Set<String>?,
        at keyStart: Int
    ) throws(JSONParseError) {
        var isDuplicate = false
        if keySet != nil {
            isDuplicate = !keySet!.insert(key).inserted
        } else {
            for index in firstMember..<memberStack.count
            where keyHashStack[index] == hash && memberStack[index].key == key {
                isDuplicate = true
                break
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

    // MARK: Strings

    /// Reads a string value. Values short enough to be stored inline are built directly; longer ones may be
    /// known names.
    mutating func parseString() throws(JSONParseError) -> String {
        var unused: UInt64 = 0
        return try parseString(hash: &unused, isKey: false)
    }

    /// Reads a string starting at its opening quote. For a key, `hash` receives a cheap hash of its UTF-8 bytes.
    mutating func parseString(hash: inout UInt64, isKey: Bool) throws(JSONParseError) -> String {
        position += 1
        let start = position
        while true {
            // Eight bytes at a time while none needs a closer look.
            while position + 8 <= end {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                if wordNeedsAttention(word) { break }
                position += 8
            }
            guard position < end else {
                throw JSONParseError(
                    code: .syntax,
                    message: "unterminated string starting at \(location(start - 1))",
                    offset: start - 1
                )
            }
            let byte = base[position]
            if byte == Byte.quote {
                let buffer = UnsafeBufferPointer(start: base + start, count: position - start)
                position += 1
                return makeString(buffer, hash: &hash, isKey: isKey)
            } else if byte == Byte.backslash {
                return try parseEscapedString(from: start, hash: &hash, isKey: isKey)
            } else if byte < 0x20 {
                throw controlCharacterError(byte)
            } else if byte >= 0x80 {
                position += try validateUTF8Sequence(at: position)
            } else {
                position += 1
            }
        }
    }

    /// The string for `buffer`: a shared known name when it is one, else a new string.
    @inline(__always)
    func makeString(_ buffer: UnsafeBufferPointer<UInt8>, hash: inout UInt64, isKey: Bool) -> String {
        if isKey || buffer.count > 15 {
            hash = hashBytes(buffer)
            if let known = knownNames.lookup(buffer, hash: hash) {
                return known
            }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// True when one of the eight bytes is a quote, a backslash, a control character or non-ASCII.
    @inline(__always)
    func wordNeedsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(Byte.quote))
        let backslashes = word ^ (ones &* UInt64(Byte.backslash))
        let hasQuote = (quotes &- ones) & ~quotes & highs
        let hasBackslash = (backslashes &- ones) & ~backslashes & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return (hasQuote | hasBackslash | hasControl | (word & highs)) != 0
    }

    /// Slow path for a string with escapes: decodes into `scratch` from the string's first byte.
    mutating func parseEscapedString(from start: Int, hash: inout UInt64, isKey: Bool) throws(JSONParseError)
        -> String
    {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while position < end {
            let byte = base[position]
            if byte == Byte.quote {
                position += 1
                var decodedHash: UInt64 = 0
                let text = scratch.withUnsafeBufferPointer { buffer in
                    makeString(buffer, hash: &decodedHash, isKey: isKey)
                }
                hash = decodedHash
                return text
            } else if byte == Byte.backslash {
                try decodeEscape()
            } else if byte < 0x20 {
                throw controlCharacterError(byte)
            } else if byte >= 0x80 {
                let length = try validateUTF8Sequence(at: position)
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + position, count: length))
                position += length
            } else {
                scratch.append(byte)
                position += 1
            }
        }
        throw JSONParseError(
            code: .syntax,
            message: "unterminated string starting at \(location(start - 1))",
            offset: start - 1
        )
    }

    /// Decodes one escape at the backslash under `position` into `scratch`.
    mutating func decodeEscape() throws(JSONParseError) {
        let escapeStart = position
        guard position + 1 < end else {
            throw syntaxError("unterminated escape sequence at the end of input")
        }
        let letter = base[position + 1]
        position += 2
        switch letter {
        case Byte.quote: scratch.append(Byte.quote)
        case Byte.backslash: scratch.append(Byte.backslash)
        case Byte.slash: scratch.append(Byte.slash)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHexQuad(escapeStart: escapeStart)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                let lowStart = position
                guard position + 1 < end, base[position] == Byte.backslash, base[position + 1] == UInt8(ascii: "u")
                else {
                    throw JSONParseError(
                        code: .syntax,
                        message: "lone high surrogate \\u\(hex4(scalar)) at \(location(escapeStart)); "
                            + "it must be followed by a \\uDC00-\\uDFFF escape",
                        offset: escapeStart
                    )
                }
                position += 2
                let low = try readHexQuad(escapeStart: lowStart)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw JSONParseError(
                        code: .syntax,
                        message: "high surrogate \\u\(hex4(scalar)) at \(location(escapeStart)) is followed by "
                            + "\\u\(hex4(low)), not a low surrogate \\uDC00-\\uDFFF",
                        offset: lowStart
                    )
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw JSONParseError(
                    code: .syntax,
                    message: "lone low surrogate \\u\(hex4(scalar)) at \(location(escapeStart)); "
                        + "it must follow a \\uD800-\\uDBFF escape",
                    offset: escapeStart
                )
            }
            appendUTF8(scalar)
        default:
            position = escapeStart
            throw syntaxError(
                "invalid escape '\\\(describeCharacter(letter))' in a string; "
                    + "JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"
            )
        }
    }

    mutating func readHexQuad(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 {
            guard position + index < end, let digit = hexDigitValue(base[position + index]) else {
                throw JSONParseError(
                    code: .syntax,
                    message: "invalid \\u escape at \(location(escapeStart)); expected four hexadecimal digits",
                    offset: escapeStart
                )
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `offset` (a byte >= 0x80); throws for anything
    /// ill-formed: stray continuation bytes, overlong forms, surrogates, values above U+10FFFF, truncation.
    func validateUTF8Sequence(at offset: Int) throws(JSONParseError) -> Int {
        let lead = base[offset]
        // The sequence length, and the range the second byte must be in to rule out overlong forms,
        // surrogates and values above U+10FFFF.
        let (length, secondRange): (Int, ClosedRange<UInt8>)
        switch lead {
        case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default:
            throw utf8Error(at: offset, "byte 0x\(hex2(lead)) cannot start a UTF-8 sequence")
        }
        guard offset + length <= end else {
            throw utf8Error(at: offset, "the UTF-8 sequence starting with 0x\(hex2(lead)) is cut short")
        }
        guard secondRange.contains(base[offset + 1]) else {
            throw utf8Error(at: offset + 1, "byte 0x\(hex2(base[offset + 1])) does not continue 0x\(hex2(lead))")
        }
        for index in 2..<length where base[offset + index] & 0xC0 != 0x80 {
            throw utf8Error(
                at: offset + index,
                "byte 0x\(hex2(base[offset + index])) does not continue the sequence started by 0x\(hex2(lead))"
            )
        }
        return length
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if base[position] == Byte.minus {
            negative = true
            position += 1
        }
        guard position < end, isDigit(base[position]) else {
            throw syntaxError("expected a digit after '-'")
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var mantissaOverflow = false
        if base[position] == Byte.zero {
            position += 1
            if position < end, isDigit(base[position]) {
                position = start
                throw syntaxError("numbers must not have leading zeros")
            }
        } else {
            while position < end, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &significantDigits, overflow: &mantissaOverflow)
                position += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if position < end, base[position] == Byte.dot {
            isInteger = false
            position += 1
            guard position < end, isDigit(base[position]) else {
                throw syntaxError("expected a digit after the decimal point")
            }
            while position < end, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &significantDigits, overflow: &mantissaOverflow)
                fractionDigits += 1
                position += 1
            }
        }
        var exponent = 0
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var negativeExponent = false
            if position < end, base[position] == Byte.minus || base[position] == Byte.plus {
                negativeExponent = base[position] == Byte.minus
                position += 1
            }
            guard position < end, isDigit(base[position]) else {
                throw syntaxError("expected a digit in the exponent")
            }
            while position < end, isDigit(base[position]) {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(base[position] - Byte.zero)
                }
                position += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        let text = UnsafeBufferPointer(start: base + start, count: position - start)
        if isInteger {
            if !mantissaOverflow {
                if !negative, mantissa <= UInt64(Int64.max) {
                    return .integer(Int64(mantissa))
                }
                if negative, mantissa <= UInt64(Int64.max) + 1 {
                    return .integer(mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa))
                }
            }
            return .largeInteger(String(decoding: text, as: UTF8.self))
        }
        // Exact when the digits fit in a double's 53-bit significand and the power of ten is exact.
        let powerOfTen = exponent - fractionDigits
        if !mantissaOverflow, mantissa <= 1 << 53, powerOfTen >= -22, powerOfTen <= 22 {
            var value = Double(mantissa)
            if powerOfTen < 0 {
                value /= exactPowersOfTen[-powerOfTen]
            } else {
                value *= exactPowersOfTen[powerOfTen]
            }
            return .number(negative ? -value : value)
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
            position = start
            throw syntaxError("the number \(String(decoding: text, as: UTF8.self)) is too large for a double")
        }
        return .number(value)
    }

    @inline(__always)
    func accumulate(_ digit: UInt8, into mantissa: inout UInt64, digits: inout Int, overflow: inout Bool) {
        if mantissa == 0 && digit == Byte.zero { return }
        digits += 1
        if digits > 19 {
            overflow = true
            return
        }
        mantissa = mantissa &* 10 &+ UInt64(digit - Byte.zero)
    }

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
private func isDigit(_ byte: UInt8) -> Bool {
    byte &- Byte.zero < 10
}

private func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

private func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
}

private func hex4(_ value: UInt32) -> String {
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
