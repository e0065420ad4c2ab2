import Testing

@testable import JSON

@Suite("JSON parser")
struct JSONParserTests {
    let parser = JSONParser()

    func parse(_ text: String) throws -> JSONValue {
        try parser.parse(text)
    }

    func failure(_ text: String, parser: JSONParser = JSONParser()) -> JSONParseError? {
        do {
            _ = try parser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    func failure(bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try parser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("JSON's types stay apart")
    func typesStayApart() throws {
        #expect(try parse("true") == .bool(true))
        #expect(try parse("1") == .integer(1))
        #expect(try parse("1") != .bool(true))
        #expect(try parse("1.0") == .number(1.0))
        #expect(try parse("1.0") != .integer(1))
        #expect(try parse("1e2") == .number(100))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("-0.0") == .number(-0.0))
        #expect(try parse("null") == .null)
        #expect(try parse(#""1""#) == .string("1"))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object(JSONObject()))
        #expect(try parse("1").typeName == "integer")
        #expect(try parse("1.5").typeName == "number")
    }

    @Test("integers: Int64 range, and larger ones kept exactly")
    func largeNumbers() throws {
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try parse("9223372036854775808") == .largeInteger("9223372036854775808"))
        #expect(try parse("-9223372036854775809") == .largeInteger("-9223372036854775809"))
        let huge = "123456789012345678901234567890"
        #expect(try parse(huge) == .largeInteger(huge))
        #expect(try parse(huge).jsonString() == huge)
        #expect(try parse(huge).doubleValue == 1.2345678901234568e29)
        #expect(try parse(huge).typeName == "integer")
        #expect(try parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try parse("5e-324") == .number(.leastNonzeroMagnitude))
        #expect(try parse("1e-400") == .number(0))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("123456789.123456789e-5") == .number(1234.56789123456789))
        #expect(try parse("1234567890123456789012e-3") == .number(1234567890123456789.012))
        #expect(try parse("2.2250738585072011e-308") == .number(Double.leastNormalMagnitude.nextDown))
        #expect(failure("1e400")?.code == .syntax)
    }

    @Test("numbers read back exactly as Swift's own conversion")
    func numbersRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let text = value.description
            #expect(try parse(text) == .number(value), "\(text)")
        }
        for text in ["3.14159", "0.000001", "100.25", "-12.5e3", "6.02214076e23", "1E+2", "4.5e-07"] {
            #expect(try parse(text) == .number(Double(text)!), "\(text)")
        }
    }

    @Test("strings: escapes and surrogate pairs")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse("\"héllo wörld 😀\"") == .string("héllo wörld 😀"))
        #expect(try parse("\"a long string with no escapes at all, more than eight bytes\"").stringValue?.count == 59)
        #expect(failure(#""\ud83d""#)?.code == .syntax)
        #expect(failure(#""\ud83dx""#)?.code == .syntax)
        #expect(failure(#""\ud83d\u0041""#)?.code == .syntax)
        #expect(failure(#""\ude00""#)?.code == .syntax)
        #expect(failure(#""\u12""#)?.code == .syntax)
        #expect(failure(#""\x41""#)?.code == .syntax)
        #expect(failure(#""\'""#)?.code == .syntax)
    }

    @Test("control characters in strings are rejected")
    func controlCharacters() {
        for byte in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8] {
            let error = failure(bytes: [0x22, 0x61, byte, 0x62, 0x22])
            #expect(error?.code == .syntax, "byte \(byte)")
            #expect(error?.offset == 2)
        }
        #expect(failure(bytes: [0x22, 0x61, 0x7F, 0x22]) == nil)
    }

    @Test("bad UTF-8 is rejected with its offset")
    func badUTF8() throws {
        let cases: [[UInt8]] = [
            [0x22, 0x80, 0x22],  // stray continuation byte
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xC3, 0x22],  // truncated two-byte sequence
            [0x22, 0xE0, 0x80, 0x80, 0x22],  // overlong three-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
            [0x22, 0xFF, 0x22],
            [0x22, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0xE2, 0x82],  // cut at the end
        ]
        for bytes in cases {
            let error = failure(bytes: bytes)
            #expect(error?.code == .invalidUTF8, "\(bytes)")
            #expect(error?.message.contains("byte offset") == true)
        }
        #expect(failure(bytes: [0x22, 0x80, 0x22])?.offset == 1)
        #expect(try parser.parse([0x22, 0xE2, 0x82, 0xAC, 0x22]) == .string("€"))
        #expect(failure(bytes: [0x5B, 0xC3, 0xA9, 0x5D])?.code == .syntax)
    }

    @Test("duplicate keys name the key and where", arguments: [4, 40, 200])
    func duplicateKeys(memberCount: Int) throws {
        var members = (0..<memberCount).map { "\"key\($0)\": \($0)" }
        members.append("\"key\(memberCount / 2)\": true")
        let text = "{" + members.joined(separator: ", ") + "}"
        let error = try #require(failure(text))
        #expect(error.code == .duplicateKey)
        #expect(error.message.contains("\"key\(memberCount / 2)\""))
        #expect(error.message.contains("line 1"))
        let offset = try #require(text.utf8.firstRange(of: "\"key\(memberCount / 2)\": true".utf8))
        #expect(error.offset == text.utf8.distance(from: text.utf8.startIndex, to: offset.lowerBound))
        // Same names in different objects are fine.
        #expect(failure(#"{"a": {"a": 1}, "b": {"a": 2}}"#) == nil)
        #expect(failure("{" + (0..<memberCount).map { "\"key\($0)\": \($0)" }.joined(separator: ",") + "}") == nil)
    }

    @Test("a duplicate key is found even when written with escapes")
    func duplicateKeysWithEscapes() {
        #expect(failure(#"{"ab": 1, "a\u0062": 2}"#)?.code == .duplicateKey)
        #expect(failure(#"{"é": 1, "\u00e9": 2}"#)?.code == .duplicateKey)
    }

    @Test("nesting deeper than maxDepth is refused, never a stack overflow")
    func depth() throws {
        let hundred = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(failure(hundred)?.code == .tooDeep)
        let objects = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        #expect(failure(objects)?.code == .tooDeep)
        #expect(failure(String(repeating: "[", count: 100_000))?.code == .tooDeep)
        #expect(failure(String(repeating: #"{"a":["#, count: 50_000))?.code == .tooDeep)
        let sixtyFour = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(failure(sixtyFour) == nil)
        let sixtyFive = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(failure(sixtyFive)?.code == .tooDeep)
        #expect(failure(hundred, parser: JSONParser(maxDepth: 100)) == nil)
        #expect(
            failure(String(repeating: "[", count: 100_000), parser: JSONParser(maxDepth: 1_000_000))?.code == .tooDeep
        )
    }

    @Test("input larger than maxBytes is refused before parsing")
    func size() {
        let parser = JSONParser(maxBytes: 16)
        #expect(failure("[1,2,3,4,5,6,7,8]", parser: parser)?.code == .tooLarge)
        #expect(failure("[1,2,3,4,5,6,7]", parser: parser) == nil)
        let error = failure("\"" + String(repeating: "x", count: 100) + "\"", parser: parser)
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("16") == true)
    }

    @Test("empty and whitespace-only input")
    func empty() {
        #expect(failure("")?.code == .empty)
        #expect(failure(" \n\t\r ")?.code == .empty)
        #expect(failure(bytes: [])?.code == .empty)
        #expect(failure(" 1 ") == nil)
        #expect(failure("\n{\"a\": [1, 2]}\r\n") == nil)
    }

    static let syntaxErrors: [(String, String)] = [
        ("[1,]", "trailing comma"),
        ("{\"a\":1,}", "trailing comma"),
        ("[1 2]", "expected ',' or ']'"),
        ("{\"a\" 1}", "expected ':'"),
        ("{\"a\":1 \"b\":2}", "expected ',' or '}'"),
        ("{a:1}", "member name"),
        ("{'a':1}", "member name"),
        ("[01]", "leading zeros"),
        ("-01", "leading zeros"),
        ("1.", "decimal point"),
        (".5", "expected a value"),
        ("1e", "exponent"),
        ("1e+", "exponent"),
        ("-", "after '-'"),
        ("+1", "expected a value"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "after '-'"),
        ("tru", "'true'"),
        ("nul", "'null'"),
        ("True", "expected a value"),
        ("[1] [2]", "after the JSON value"),
        ("{} x", "after the JSON value"),
        ("\"abc", "unterminated string"),
        ("[1", "end of input"),
        ("{\"a\":", "end of input"),
        ("{\"a\"", "end of input"),
        ("[", "end of input"),
        ("{", "end of input"),
        ("\u{FEFF}{}", "byte order mark"),
        ("[1,,2]", "expected a value"),
        ("// comment\n1", "expected a value"),
    ]

    @Test("every class of syntax error is named, with line and column", arguments: syntaxErrors)
    func syntaxError(text: String, expected: String) throws {
        let error = try #require(failure(text))
        #expect(error.code == .syntax)
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.contains("line "))
        #expect(error.description.hasPrefix("syntax: "))
    }

    @Test("positions count lines and characters")
    func positions() throws {
        let error = try #require(failure("{\n  \"a\": [1,\n \"é\",]\n}"))
        #expect(error.message.contains("line 3, column 6"), "\(error.message)")
        #expect(error.offset == 19)
    }

    @Test("objects keep document order; equality ignores it")
    func objectOrder() throws {
        let value = try parse(#"{"z": 1, "a": 2, "m": {"y": null, "b": [true, false]}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(value == (try parse(#"{"a": 2, "m": {"b": [true, false], "y": null}, "z": 1}"#)))
        #expect(value != (try parse(#"{"a": 2, "m": {"b": [false, true], "y": null}, "z": 1}"#)))
        #expect(value["m"]?["b"]?[1] == .bool(false))
        #expect(value["m"]?["b"]?[2] == nil)
        #expect(value["z"]?.intValue == 1)
        #expect(value["z"]?.doubleValue == 1.0)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
    }

    @Test("JSONObject setting appends or replaces in place")
    func objectMutation() {
        var object = JSONObject([("a", 1), ("b", 2)])
        object["a"] = "x"
        object["c"] = 3
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["a"] == "x")
        #expect(object.count == 3)
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object.removeValue(forKey: "a") == "x")
        #expect(object.members.map(\.key) == ["c"])
        let repeated = JSONObject([("k", 1), ("j", 2), ("k", 3)])
        #expect(repeated.keys == ["k", "j"])
        #expect(repeated["k"] == 3)
        let many = JSONObject((0..<40).map { ("k\($0 % 20)", JSONValue.integer(Int64($0))) })
        #expect(many.count == 20)
        #expect(many["k3"] == 23)
        let reordered = JSONObject((0..<20).reversed().map { ("k\($0)", JSONValue.integer(Int64($0 + 20))) })
        #expect(many == reordered)
    }

    @Test("interned names come back exactly, and near misses are not mistaken for them")
    func knownNames() throws {
        var names = ["commonEventHeader", "domain", "eventId", "sequence", "startEpochMicrosec", "a", "ab", "abcdefgh"]
        names += ["measurementsForVfScaling", "Requesting termination", "virtualMachine(8)"]
        var variants: [String] = []
        for name in Set(names) {
            variants += [name, name + "x", String(name.dropLast()), name.uppercased(), "x" + name.dropFirst()]
        }
        let unique = Array(Set(variants))
        let text = "{" + unique.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ",") + "}"
        let interning = JSONParser(internTable: InternTable(names: names))
        let object = try #require(try interning.parse(text).objectValue)
        #expect(object.keys == unique)
        for member in object.members {
            #expect(member.value == .string(member.key))
        }
    }

    @Test("bytes, buffers and strings parse alike")
    func entryPoints() throws {
        let text = #"{"event": {"commonEventHeader": {"sequence": 0}}}"#
        let fromString = try parser.parse(text)
        let fromBytes = try parser.parse(Array(text.utf8))
        let fromBuffer = try Array(text.utf8).withUnsafeBytes { try parser.parse($0) }
        #expect(fromString == fromBytes)
        #expect(fromString == fromBuffer)
    }
}
