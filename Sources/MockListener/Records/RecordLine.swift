import JSON
import JSONSchema

/// A record line rendered before the store numbers it: everything but the sequence number, the time of receipt
/// and the semantic warnings, which the store adds under its lock, so the costly part (the errors, the warnings
/// and the event) is written outside it.
struct RecordLine: Sendable {
    /// `"kind":...,"warnings":[w1,w2` without the brackets' end.
    private var middle: [UInt8]
    private var hasWarnings: Bool
    /// `],"event":...}` or `],"raw":...}`.
    private var tail: [UInt8]

    init(_ record: EventRecord) {
        let bytes = JSONValue.object(JSONObject(record.describingMembers)).jsonBytes()
        middle = Array(bytes.dropFirst().dropLast(2))
        hasWarnings = !record.warnings.isEmpty
        tail = [UInt8(ascii: "]")]
        if let event = record.event {
            tail += Array(#","event":"#.utf8)
            if let rawEvent = record.rawEvent, !rawEvent.contains(0x0A), !rawEvent.contains(0x0D) {
                // the event's own bytes where it came as one line: number spellings and member order as sent
                tail += rawEvent
            } else {
                tail += event.jsonBytes()
            }
        }
        if let raw = record.raw {
            tail += Array(#","raw":"#.utf8) + JSONValue.string(raw).jsonBytes()
        }
        tail.append(UInt8(ascii: "}"))
    }

    /// The JSON string of a time of receipt, made once for all the records of a request.
    static func quoted(_ receivedAt: String) -> [UInt8] {
        JSONValue.string(receivedAt).jsonBytes()
    }

    /// Appends the whole line (without its newline) to `buffer`; `receivedAt` is `quoted(_:)`'s.
    func write(into buffer: inout [UInt8], seq: Int, receivedAt: [UInt8], moreWarnings: [Violation]) {
        buffer += Array(#"{"seq":"#.utf8)
        buffer += Array(String(seq).utf8)
        buffer += Array(#","received_at":"#.utf8)
        buffer += receivedAt
        buffer.append(UInt8(ascii: ","))
        buffer += middle
        for (index, warning) in moreWarnings.enumerated() {
            if index > 0 || hasWarnings { buffer.append(UInt8(ascii: ",")) }
            buffer += warning.json.jsonBytes()
        }
        buffer += tail
    }
}
