import JSON
import Testing

@testable import MockListener

@Suite("Raw spans of a body's members")
struct RawJSONSpansTests {
    /// Bodies of one member, spelled in ways the short cut must get right: whitespace around everything, an escaped
    /// key, braces and quotes inside strings, a value that is not an object.
    static let singleMemberBodies = [
        #"{"event":{"a":1}}"#,
        " \n{ \"event\" :\t{\"a\": \"}\", \"b\": [1, {\"c\": \"\\\"}\"}]} \r\n} \n",
        #"{"ev\u0065nt": {"x": "{{"}}"#,
        #"{"event":[1,2,3]}"#,
        #"{"event":"text"}"#,
    ]

    @Test(
        "the value of an object's only member: the short cut finds what the full scan finds",
        arguments: singleMemberBodies
    )
    func onlyMemberMatchesScan(_ body: String) throws {
        let bytes = Array(body.utf8)
        let document = try JSONParser().parse(bytes)
        #expect(document.objectValue?.count == 1)
        let fast = try #require(RawJSONSpans.member("event", in: bytes, onlyMember: true))
        // the key spelled with an escape is not found by the scan, which compares raw bytes; its value is still
        // the whole of what follows the colon
        if let scanned = RawJSONSpans.member("event", in: bytes) {
            #expect(fast == scanned)
        }
        let value = try JSONParser().parse(Array(bytes[fast]))
        #expect(value == document["ev\u{65}nt"])
    }

    @Test("a body of two members is scanned member by member")
    func twoMembersAreScanned() throws {
        let bytes = Array(#"{"event": {"a": 1}, "other": 2}"#.utf8)
        let range = try #require(RawJSONSpans.member("event", in: bytes))
        #expect(String(decoding: bytes[range], as: UTF8.self) == #"{"a": 1}"#)
    }
}
