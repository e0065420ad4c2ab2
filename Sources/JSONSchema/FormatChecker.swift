/// The `format` names this validator checks when asked to (`FormatPolicy.checked`); other names, and the
/// OpenAPI number and binary formats (`int32`, `int64`, `float`, `double`, `byte`, `binary`, `password`), stay
/// notes.
public enum StringFormat: String, Sendable, CaseIterable {
    /// A dotted quad, each part 0-255 without leading zeros (a leading zero reads as octal to some parsers).
    case ipv4
    /// RFC 4291 section 2.2 text, optionally with an RFC 4007 zone index (`fe80::1%eth2`), as ONAP accepts.
    case ipv6
    /// RFC 3339 section 5.6 `date-time`, with the day checked against its month.
    case dateTime = "date-time"
    /// RFC 3339 `full-date`; a format of OpenAPI's, not of draft-04.
    case date
    /// An RFC 3986 URI: it must have a scheme.
    case uri
    /// An RFC 3986 URI or relative reference.
    case uriReference = "uri-reference"
    /// `local@domain`: a dot-atom or quoted local part, and a host name or bracketed address.
    case email
    /// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
    case hostname

    /// The format `name` stands for in `dialect`; nil for a name that is only a note there.
    init?(name: String, dialect: SchemaDialect) {
        guard let format = StringFormat(rawValue: name) else { return nil }
        if format == .date && dialect != .openAPI30 { return nil }
        self = format
    }

    /// Whether `text` is written in this format.
    public func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .ipv4: return FormatGrammar.isIPv4(bytes[...])
        case .ipv6: return FormatGrammar.isIPv6(bytes[...], allowingZone: true)
        case .dateTime: return FormatGrammar.isDateTime(bytes)
        case .date: return bytes.count == 10 && FormatGrammar.isFullDate(bytes[...])
        case .uri: return URIGrammar.isURI(bytes)
        case .uriReference: return URIGrammar.isURIReference(bytes)
        case .email: return FormatGrammar.isEmail(bytes)
        case .hostname: return FormatGrammar.isHostname(bytes[...])
        }
    }
}

/// Hand-written parsers for the formats, on UTF-8 bytes. `inet_pton` would do for plain addresses, but it
/// knows no zone index, differs between C libraries on corner cases, and would tie this module to the OS.
enum FormatGrammar {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    // MARK: Addresses

    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return false }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return false }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard value <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ bytes: ArraySlice<UInt8>, allowingZone: Bool) -> Bool {
        var address = bytes
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) {
            // RFC 4007 section 11: the zone follows `%`; the characters kept here are those RFC 6874 allows.
            let zone = bytes[(percent + 1)...]
            guard allowingZone, !zone.isEmpty,
                zone.allSatisfy({ isLetter($0) || isDigit($0) || "-._~".utf8.contains($0) })
            else { return false }
            address = bytes[..<percent]
        }
        guard let doubleColon = firstDoubleColon(address) else {
            return groupCount(address, ipv4Last: true) == 8
        }
        let head = address[..<doubleColon]
        let tail = address[(doubleColon + 2)...]
        // `:::` and a second `::` are both a colon next to the elision.
        guard head.last != UInt8(ascii: ":"), tail.first != UInt8(ascii: ":"), firstDoubleColon(tail) == nil else {
            return false
        }
        guard let headCount = head.isEmpty ? 0 : groupCount(head, ipv4Last: false),
            let tailCount = tail.isEmpty ? 0 : groupCount(tail, ipv4Last: true)
        else { return false }
        // `::` stands for at least one group of zeros.
        return headCount + tailCount <= 7
    }

    private static func firstDoubleColon(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: ":") { return index }
            index += 1
        }
        return nil
    }

    /// How many 16-bit groups colon-separated text holds (an IPv4 tail counts two); nil when it is not that.
    private static func groupCount(_ bytes: ArraySlice<UInt8>, ipv4Last: Bool) -> Int? {
        let groups = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var count = 0
        for (index, group) in groups.enumerated() {
            if ipv4Last && index == groups.count - 1 && group.contains(UInt8(ascii: ".")) {
                guard isIPv4(group) else { return nil }
                count += 2
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return nil }
                count += 1
            }
        }
        return count
    }

    // MARK: Dates

    /// `YYYY-MM-DD` with the day within its month (29 February only in leap years).
    static func isFullDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count == 10, let year = number(bytes, at: 0, digits: 4), bytes[bytes.startIndex + 4] == 0x2D,
            let month = number(bytes, at: 5, digits: 2), bytes[bytes.startIndex + 7] == 0x2D,
            let day = number(bytes, at: 8, digits: 2), (1...12).contains(month)
        else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }

    /// RFC 3339 `date-time`: `T` and `Z` in either case, seconds up to 60 (a leap second), any fraction.
    static func isDateTime(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 20, isFullDate(bytes[0..<10]), bytes[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(bytes[...], at: 11, digits: 2), bytes[13] == UInt8(ascii: ":"),
            let minute = number(bytes[...], at: 14, digits: 2), bytes[16] == UInt8(ascii: ":"),
            let second = number(bytes[...], at: 17, digits: 2), hour < 24, minute < 60, second <= 60
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) {
                index += 1
            }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] | 0x20 == UInt8(ascii: "z") {
            return index + 1 == bytes.count
        }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
            let offsetHours = number(bytes[...], at: index + 1, digits: 2), bytes[index + 3] == UInt8(ascii: ":"),
            let offsetMinutes = number(bytes[...], at: index + 4, digits: 2)
        else { return false }
        return offsetHours < 24 && offsetMinutes < 60
    }

    /// The decimal number in `digits` bytes at `offset` from the slice's start; nil when one is not a digit.
    private static func number(_ bytes: ArraySlice<UInt8>, at offset: Int, digits: Int) -> Int? {
        let start = bytes.startIndex + offset
        guard start + digits <= bytes.endIndex else { return nil }
        var value = 0
        for byte in bytes[start..<(start + digits)] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    // MARK: Names

    /// At most 253 characters (a final dot aside), labels of 1-63 letters, digits and hyphens, no hyphen at
    /// either end of a label.
    static func isHostname(_ bytes: ArraySlice<UInt8>) -> Bool {
        var name = bytes
        if name.last == UInt8(ascii: ".") {
            name = name.dropLast()
        }
        guard !name.isEmpty, name.count <= 253 else { return false }
        for label in name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != 0x2D, label.last != 0x2D,
                label.allSatisfy({ isLetter($0) || isDigit($0) || $0 == 0x2D })
            else { return false }
        }
        return true
    }

    /// RFC 5321 mailbox: a dot-atom or quoted local part of at most 64 bytes, `@`, and a host name or an
    /// address in brackets (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
    static func isEmail(_ bytes: [UInt8]) -> Bool {
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64, isLocalPart(local) else { return false }
        if domain.first == UInt8(ascii: "["), domain.last == UInt8(ascii: "]") {
            let literal = domain.dropFirst().dropLast()
            let prefix = Array("IPv6:".utf8)
            if literal.starts(with: prefix) {
                return isIPv6(literal.dropFirst(prefix.count), allowingZone: false)
            }
            return isIPv4(literal)
        }
        return isHostname(domain)
    }

    private static func isLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        if local.first == UInt8(ascii: "\""), local.count >= 2, local.last == UInt8(ascii: "\"") {
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                guard byte >= 0x20, byte < 0x7F else { return false }
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    return false
                }
            }
            return !escaped
        }
        let atomSpecials = Array("!#$%&'*+-/=?^_`{|}~".utf8)
        for atom in local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !atom.isEmpty, atom.allSatisfy({ isLetter($0) || isDigit($0) || atomSpecials.contains($0) }) else {
                return false
            }
        }
        return true
    }
}
