import JSON
import JSONSchema

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A record line rendered before the store numbers it: everything but the sequence number, the time of receipt
/// and the semantic warnings, which the store adds under its lock, so the costly part (the errors, the warnings
/// and the event) is written outside it.
struct RecordLine: Sendable {
    /// `"kind":...,"warnings":[w1,w2` without the brackets' end.
    private var middle: [UInt8]
    private var hasWarnings: Bool
    /// `],"event":...}` or `],"raw":...}`.
    private var tail: [UInt8]

    init(_ record: EventRecord, parts: inout RecordLineParts) {
        middle = parts.head(of: record)
        parts.append(record.errors, to: &middle)
        middle += RecordLineBytes.warningsStart
        parts.append(record.warnings, to: &middle)
        hasWarnings = !record.warnings.isEmpty
        tail = [UInt8(ascii: "]")]
        tail.reserveCapacity(RecordLineBytes.eventKey.count + (record.rawEvent?.count ?? 0) + 2)
        if let event = record.event {
            tail += RecordLineBytes.eventKey
            if let rawEvent = record.rawEvent, Self.isOneLine(rawEvent) {
                // the event's own bytes where it came as one line: number spellings and member order as sent
                tail += rawEvent
            } else {
                tail += event.jsonBytes()
            }
        }
        if let raw = record.raw {
            tail += RecordLineBytes.rawKey + JSONValue.string(raw).jsonBytes()
        }
        tail.append(UInt8(ascii: "}"))
    }

    /// Whether the bytes hold no line break (searched with memchr: an event's bytes are read on every request).
    static func isOneLine(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return true }
            return memchr(base, 0x0A, buffer.count) == nil && memchr(base, 0x0D, buffer.count) == nil
        }
    }

    /// About the bytes of the whole line, for reserving them at once.
    var estimatedSize: Int { middle.count + tail.count + 64 }

    /// The JSON string of a time of receipt, made once for all the records of a request.
    static func quoted(_ receivedAt: String) -> [UInt8] {
        JSONValue.string(receivedAt).jsonBytes()
    }

    /// Appends the whole line (without its newline) to `buffer`; `receivedAt` is `quoted(_:)`'s.
    func write(into buffer: inout [UInt8], seq: Int, receivedAt: [UInt8], moreWarnings: [Violation]) {
        // the semantic warnings are rendered first so that the room reserved counts them: a line kept in memory that
        // outgrew its reservation would hold twice its size for as long as it is kept
        let warnings = moreWarnings.map { $0.json.jsonBytes() }
        buffer.reserveCapacity(
            buffer.count + estimatedSize + receivedAt.count + warnings.reduce(0) { $0 + $1.count + 1 }
        )
        buffer += RecordLineBytes.seqKey
        buffer += String(seq).utf8
        buffer += RecordLineBytes.receivedAtKey
        buffer += receivedAt
        buffer.append(UInt8(ascii: ","))
        buffer += middle
        for (index, warning) in warnings.enumerated() {
            if index > 0 || hasWarnings { buffer.append(UInt8(ascii: ",")) }
            buffer += warning
        }
        buffer += tail
    }
}

/// What the records of one request share, rendered once: the members before `errors` (kind, path, version,
/// topic, status, validity) and the last violation message (a batch repeats the same one item after item).
struct RecordLineParts: Sendable {
    private struct HeadKey: Equatable, Sendable {
        var kind: EventRecord.Kind
        var path: String
        var apiVersion: String?
        var topic: String?
        var status: Int
        var valid: Bool
    }

    private var headKey: HeadKey?
    private var headBytes: [UInt8] = []
    private var message: String?
    private var messageBytes: [UInt8] = []

    /// `"kind":...,"valid":...,"errors":[`.
    mutating func head(of record: EventRecord) -> [UInt8] {
        let key = HeadKey(
            kind: record.kind,
            path: record.path,
            apiVersion: record.apiVersion,
            topic: record.topic,
            status: record.status,
            valid: record.valid
        )
        if key != headKey {
            let members = record.describingMembers.filter { $0.0 != "errors" && $0.0 != "warnings" }
            headBytes = Array(JSONValue.object(JSONObject(members)).jsonBytes().dropFirst().dropLast())
            headBytes += RecordLineBytes.errorsStart
            headKey = key
        }
        return headBytes
    }

    /// The violations as JSON objects separated by commas.
    mutating func append(_ violations: [Violation], to buffer: inout [UInt8]) {
        for (index, violation) in violations.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer += RecordLineBytes.pointerKey
            buffer += JSONValue.string(violation.pointer).jsonBytes()
            buffer += RecordLineBytes.messageKey
            if violation.message != message {
                messageBytes = JSONValue.string(violation.message).jsonBytes()
                message = violation.message
            }
            buffer += messageBytes
            buffer.append(UInt8(ascii: "}"))
        }
    }
}

/// The fixed pieces of a record line, made once.
enum RecordLineBytes {
    static let warningsStart = Array(#"],"warnings":["#.utf8)
    static let eventKey = Array(#","event":"#.utf8)
    static let rawKey = Array(#","raw":"#.utf8)
    static let seqKey = Array(#"{"seq":"#.utf8)
    static let receivedAtKey = Array(#","received_at":"#.utf8)
    static let errorsStart = Array(#","errors":["#.utf8)
    static let pointerKey = Array(#"{"pointer":"#.utf8)
    static let messageKey = Array(#","message":"#.utf8)
}
