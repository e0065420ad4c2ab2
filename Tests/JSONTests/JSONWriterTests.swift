import Testing

@testable import JSON

@Suite("JSON writer and Python-style rendering")
struct JSONWriterTests {
    @Test("numbers keep their case: integers plain, doubles with '.0' when integral")
    func numbers() {
        #expect(JSONValue.integer(1).jsonString() == "1")
        #expect(JSONValue.integer(-42).jsonString() == "-42")
        #expect(JSONValue.integer(Int64.min).jsonString() == "-9223372036854775808")
        #expect(JSONValue.number(1.0).jsonString() == "1.0")
        #expect(JSONValue.number(0.1).jsonString() == "0.1")
        #expect(JSONValue.number(-0.0).jsonString() == "-0.0")
        #expect(JSONValue.number(1e300).jsonString() == "1e+300")
        #expect(JSONValue.number(1700000020125000.0).jsonString() == "1700000020125000.0")
        #expect(JSONValue.number(.infinity).jsonString() == "null")
        #expect(JSONValue.largeInteger("18446744073709551616").jsonString() == "18446744073709551616")
    }

    @Test("strings escape only what RFC 8259 requires")
    func strings() {
        #expect(JSONValue.string("a\"b\\c").jsonString() == #""a\"b\\c""#)
        #expect(JSONValue.string("/ é 😀").jsonString() == "\"/ é 😀\"")
        #expect(JSONValue.string("\n\r\t\u{8}\u{C}").jsonString() == #""\n\r\t\b\f""#)
        #expect(JSONValue.string("\u{0}\u{1F}\u{7F}").jsonString() == "\"\\u0000\\u001f\u{7F}\"")
    }

    @Test("compact output, document order or sorted keys")
    func structure() throws {
        let value = try JSONParser().parse(#" { "b" : [ 1 , 2.5 , true , null ] , "a" : { "é" : "x" , "Z" : {} } } "#)
        #expect(value.jsonString() == #"{"b":[1,2.5,true,null],"a":{"é":"x","Z":{}}}"#)
        #expect(value.jsonString(sortedKeys: true) == #"{"a":{"Z":{},"é":"x"},"b":[1,2.5,true,null]}"#)
        #expect(value.jsonBytes() == Array(value.jsonString().utf8))
        #expect(JSONValue.array([]).jsonString() == "[]")
    }

    static let roundTripDocuments = [
        #"{"event":{"commonEventHeader":{"sequence":0,"startEpochMicrosec":1700000020125000.0,"version":1.1}}}"#,
        #"[1,-1,0,1.5,-0.0,1e-07,1.2345678901234568e+20,9223372036854775807,99999999999999999999]"#,
        #"["\u0000\u001f","\\\"","😀","\ud83d\ude00","",{}]"#,
        #"{"nested":[[[{"a":[null,true,false]}]]],"empty":{"x":[]}}"#,
    ]

    @Test("parse, write, parse gives the same value", arguments: roundTripDocuments)
    func roundTrip(document: String) throws {
        let parser = JSONParser()
        let value = try parser.parse(document)
        let written = value.jsonBytes()
        #expect(try parser.parse(written) == value)
        #expect(try parser.parse(written).jsonBytes() == written)
    }

    @Test("Python repr of instances, as jsonschema's messages show them")
    func pythonRepr() throws {
        let cases: [(JSONValue, String)] = [
            (.null, "None"),
            (.bool(true), "True"),
            (.bool(false), "False"),
            (.integer(1), "1"),
            (.number(1.0), "1.0"),
            (.number(1.2), "1.2"),
            (.number(-0.0), "-0.0"),
            (.number(1e16), "1e+16"),
            (.number(9999999999999998.0), "9999999999999998.0"),
            (.number(1e15), "1000000000000000.0"),
            (.number(0.0001), "0.0001"),
            (.number(0.00001), "1e-05"),
            (.number(1.5e-7), "1.5e-07"),
            (.number(1.2345678901234568e+20), "1.2345678901234568e+20"),
            (.number(1700000020125000.0), "1700000020125000.0"),
            (.number(.greatestFiniteMagnitude), "1.7976931348623157e+308"),
            (.string("port"), "'port'"),
            (.string("it's"), #""it's""#),
            (.string(#"it's "x""#), #"'it\'s "x"'"#),
            (.string("a\\b\n\t\r"), #"'a\\b\n\t\r'"#),
            (.string("\u{1}\u{7F}é\u{A0}\u{200B}😀"), #"'\x01\x7fé\xa0\u200b😀'"#),
            (.array([]), "[]"),
            (.object(JSONObject()), "{}"),
            (["a", 1, 1.0, .null], "['a', 1, 1.0, None]"),
            (["k": ["x": true], "v": []], "{'k': {'x': True}, 'v': []}"),
        ]
        for (value, expected) in cases {
            #expect(PythonRepr.render(value) == expected)
        }
    }

    @Test("very large instances are cut short in messages")
    func reprLimit() {
        let big = JSONValue.array((0..<10_000).map { JSONValue.integer(Int64($0)) })
        let rendered = PythonRepr.render(big)
        #expect(rendered.utf8.count < PythonRepr.limit + 64)
        #expect(rendered.hasSuffix("..."))
    }

    @Test("JSON pointers escape '~' and '/' and resolve")
    func pointers() throws {
        #expect(JSONPointer.appending("a/b~c", to: "/x") == "/x/a~1b~0c")
        #expect(JSONPointer.appending(3, to: "/eventList") == "/eventList/3")
        #expect(JSONPointer.appending("", to: "") == "/")
        #expect(JSONPointer.tokens("/a~1b/~0/3") == ["a/b", "~", "3"])
        #expect(JSONPointer.tokens("a") == nil)
        #expect(JSONPointer.tokens("/~2") == nil)
        let document = try JSONParser().parse(#"{"a/b": [10, {"~": "found"}], "": 1}"#)
        #expect(JSONPointer.resolve("/a~1b/1/~0", in: document) == "found")
        #expect(JSONPointer.resolve("/", in: document) == 1)
        #expect(JSONPointer.resolve("", in: document) == document)
        #expect(JSONPointer.resolve("/a~1b/01", in: document) == nil)
        #expect(JSONPointer.resolve("/a~1b/2", in: document) == nil)
    }
}
