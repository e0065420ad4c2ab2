import JSON

/// A table row of the page: what it lists of a record, read from what memory keeps of it, so a page of rows
/// parses no event.
enum WebRow {
    static func json(_ entry: RecordStore.Entry) -> JSONValue {
        .object(
            JSONObject([
                ("seq", .integer(Int64(entry.seq))),
                ("time", .string(entry.receivedAt)),
                ("kind", .string(entry.kind.rawValue)),
                ("version", entry.apiVersion.map(JSONValue.string) ?? .null),
                ("domain", entry.domain.map(JSONValue.string) ?? .null),
                ("source", entry.sourceName.map(JSONValue.string) ?? .null),
                ("eventName", eventName(in: entry.line).map(JSONValue.string) ?? .null),
                ("eventId", entry.eventId.map(JSONValue.string) ?? .null),
                ("path", .string(entry.path)),
                ("status", .integer(Int64(entry.status))),
                ("valid", .bool(entry.valid)),
                ("errors", .integer(Int64(entry.errors.count))),
                ("warnings", .integer(Int64(entry.warnings.count))),
            ])
        )
    }

    /// The event's `eventName` (or 1.1's `eventType`, which has none) from its record line: the first member of
    /// that name after the line's `"event":` key.
    static func eventName(in line: [UInt8]) -> String? {
        guard let event = find(RecordLineBytes.eventKey, in: line, from: 0) else { return nil }
        return stringMember(Self.eventNameKey, in: line, from: event)
            ?? stringMember(Self.eventTypeKey, in: line, from: event)
    }

    private static let eventNameKey = Array(#""eventName""#.utf8)
    private static let eventTypeKey = Array(#""eventType""#.utf8)

    /// The string value of the first `key` followed by a colon at or after `start`.
    private static func stringMember(_ key: [UInt8], in line: [UInt8], from start: Int) -> String? {
        var from = start
        while let found = find(key, in: line, from: from) {
            var index = found + key.count
            while index < line.count, line[index] == 0x20 { index += 1 }
            if index < line.count, line[index] == UInt8(ascii: ":") {
                index += 1
                while index < line.count, line[index] == 0x20 { index += 1 }
                guard index < line.count, line[index] == UInt8(ascii: "\"") else { return nil }
                var end = index + 1
                while end < line.count, line[end] != UInt8(ascii: "\"") {
                    end += line[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard end < line.count else { return nil }
                return (try? JSONParser().parse(Array(line[index...end])))?.stringValue
            }
            from = found + key.count
        }
        return nil
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
