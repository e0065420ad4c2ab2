import JSON
import Testing

@Suite("JSONValue.fingerprint: equal values hash alike, whatever their members' order")
struct FingerprintTests {
    let parser = JSONParser()

    func fingerprint(_ text: String) throws -> UInt64 {
        try parser.parse(Array(text.utf8)).fingerprint
    }

    @Test("members in another order, at every depth, give the same fingerprint")
    func memberOrder() throws {
        let first = try fingerprint(#"{"a": 1, "b": {"x": [1, 2, {"p": "q", "r": null}], "y": true}, "c": "text"}"#)
        let second = try fingerprint(#"{"c": "text", "b": {"y": true, "x": [1, 2, {"r": null, "p": "q"}]}, "a": 1}"#)
        #expect(first == second)
    }

    @Test(
        "a changed value, key, type or array order changes it",
        arguments: [
            #"{"a": 2, "b": [1, 2]}"#, #"{"A": 1, "b": [1, 2]}"#, #"{"a": 1.0, "b": [1, 2]}"#,
            #"{"a": "1", "b": [1, 2]}"#, #"{"a": 1, "b": [2, 1]}"#, #"{"a": 1, "b": [1, 2, null]}"#,
            #"{"a": 1, "b": [1, 2], "c": null}"#, #"{"a": 1}"#, #"[{"a": 1, "b": [1, 2]}]"#,
            #"{"a": true, "b": [1, 2]}"#, #"{"a": 18446744073709551616, "b": [1, 2]}"#,
        ]
    )
    func differences(changed: String) throws {
        #expect(try fingerprint(#"{"a": 1, "b": [1, 2]}"#) != fingerprint(changed))
    }

    @Test("strings differing in one byte at any position, or only in length, differ")
    func strings() throws {
        let base = Array("eventId-0123456789-abcdefghij".utf8)
        let original = JSONValue.string(String(decoding: base, as: UTF8.self)).fingerprint
        for index in base.indices {
            var changed = base
            changed[index] ^= 0x01
            #expect(JSONValue.string(String(decoding: changed, as: UTF8.self)).fingerprint != original)
        }
        #expect(JSONValue.string("").fingerprint != JSONValue.string("\u{0}").fingerprint)
        #expect(JSONValue.string("ab").fingerprint != JSONValue.largeInteger("ab").fingerprint)
    }

    @Test("moving a value to another key changes it (key and value are hashed together)")
    func swappedValues() throws {
        #expect(try fingerprint(#"{"a": 1, "b": 2}"#) != fingerprint(#"{"a": 2, "b": 1}"#))
    }
}
