/// Byte ranges of values inside a JSON text that has already been parsed successfully, so the record can keep an
/// event exactly as it was sent (numbers as written, member order) without writing it again.
enum RawJSONSpans {
    /// The range of the value of `key` in the top-level object. `onlyMember` says the bytes parsed as an object
    /// whose one member is `key` (a single event's `{"event": ...}`): its value then runs from after the colon to the
    /// closing brace, and only the key is scanned, not the whole event.
    static func member(_ key: String, in bytes: [UInt8], onlyMember: Bool = false) -> Range<Int>? {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        if onlyMember {
            scanner.skipWhitespace()
            guard scanner.stringRange() != nil else { return nil }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            var end = bytes.count
            while end > scanner.position, Scanner.isWhitespace(bytes[end - 1]) { end -= 1 }
            guard end > scanner.position, bytes[end - 1] == UInt8(ascii: "}") else { return nil }
            end -= 1
            while end > scanner.position, Scanner.isWhitespace(bytes[end - 1]) { end -= 1 }
            return end > scanner.position ? scanner.position..<end : nil
        }
        let wanted = Array(key.utf8)
        while true {
            scanner.skipWhitespace()
            guard let name = scanner.stringRange() else { return nil }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            let start = scanner.position
            guard scanner.skipValue() else { return nil }
            // keys with escapes never match: VES member names are plain
            if bytes[name].elementsEqual(wanted) { return start..<scanner.position }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// The ranges of the items of the array at `range`.
    static func items(of range: Range<Int>, in bytes: [UInt8]) -> [Range<Int>]? {
        var scanner = Scanner(bytes: bytes, position: range.lowerBound)
        guard scanner.take(UInt8(ascii: "[")) else { return nil }
        var items: [Range<Int>] = []
        scanner.skipWhitespace()
        if scanner.take(UInt8(ascii: "]")) { return items }
        while true {
            scanner.skipWhitespace()
            let start = scanner.position
            guard scanner.skipValue() else { return nil }
            items.append(start..<scanner.position)
            scanner.skipWhitespace()
            if scanner.take(UInt8(ascii: "]")) { return items }
            guard scanner.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8], position: Int = 0) {
            self.bytes = bytes
            self.position = position
        }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }

        mutating func skipWhitespace() {
            while position < bytes.count, Self.isWhitespace(bytes[position]) {
                position += 1
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// Skips a string; returns the range of its contents (between the quotes).
        mutating func stringRange() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    position += 1
                    return start..<(position - 1)
                case UInt8(ascii: "\\"): position += 2
                default: position += 1
                }
            }
            return nil
        }

        /// Skips one value of any type, counting brackets outside strings.
        mutating func skipValue() -> Bool {
            guard position < bytes.count else { return false }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                return stringRange() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while position < bytes.count {
                    switch bytes[position] {
                    case UInt8(ascii: "\""):
                        guard stringRange() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            position += 1
                            return true
                        }
                    default: break
                    }
                    position += 1
                }
                return false
            default:
                // number, true, false, null
                while position < bytes.count {
                    switch bytes[position] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return true
                    default: position += 1
                    }
                }
                return true
            }
        }
    }
}
