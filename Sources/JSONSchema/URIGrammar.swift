/// RFC 3986 appendix A, on UTF-8 bytes: a URI, or a URI reference. Characters outside ASCII make an IRI, not
/// a URI, so they fail.
enum URIGrammar {
    /// `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
    static func isURI(_ bytes: [UInt8]) -> Bool {
        guard let colon = schemeEnd(bytes) else { return false }
        return isRelativePart(bytes[(colon + 1)...], noScheme: false)
    }

    /// A URI or a relative reference (`../a`, `#frag`, `//host/path`, or nothing at all).
    static func isURIReference(_ bytes: [UInt8]) -> Bool {
        if let colon = schemeEnd(bytes) {
            return isRelativePart(bytes[(colon + 1)...], noScheme: false)
        }
        return isRelativePart(bytes[...], noScheme: true)
    }

    /// The index of the colon that ends a valid scheme, nil when the text does not start with one.
    private static func schemeEnd(_ bytes: [UInt8]) -> Int? {
        guard let first = bytes.first, FormatGrammar.isLetter(first) else { return nil }
        for index in 1..<bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { return index }
            guard FormatGrammar.isLetter(byte) || FormatGrammar.isDigit(byte) || "+-.".utf8.contains(byte) else {
                return nil
            }
        }
        return nil
    }

    /// What follows the scheme (or a whole relative reference): authority and path, query, fragment. With
    /// `noScheme`, a colon in the first path segment would read as a scheme, so it is refused.
    private static func isRelativePart(_ bytes: ArraySlice<UInt8>, noScheme: Bool) -> Bool {
        var rest = bytes
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isQueryOrFragment(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isQueryOrFragment(rest[(question + 1)...]) else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: "//".utf8) {
            let afterSlashes = rest.dropFirst(2)
            let pathStart = afterSlashes.firstIndex(of: UInt8(ascii: "/")) ?? afterSlashes.endIndex
            guard isAuthority(afterSlashes[..<pathStart]) else { return false }
            rest = afterSlashes[pathStart...]
        } else if noScheme {
            let firstSegmentEnd = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            guard !rest[..<firstSegmentEnd].contains(UInt8(ascii: ":")) else { return false }
        }
        return rest.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { segment in
            isEncoded(segment) { isPathCharacter($0) }
        }
    }

    /// `[ userinfo "@" ] host [ ":" port ]`, the host a bracketed IPv6 or IPvFuture literal or a reg-name.
    private static func isAuthority(_ bytes: ArraySlice<UInt8>) -> Bool {
        var hostPort = bytes
        if let at = bytes.lastIndex(of: UInt8(ascii: "@")) {
            let userinfo = bytes[..<at]
            guard isEncoded(userinfo, { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }) else {
                return false
            }
            hostPort = bytes[(at + 1)...]
        }
        var port: ArraySlice<UInt8> = []
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = hostPort[(hostPort.startIndex + 1)..<close]
            guard isIPv6(literal) || isIPvFuture(literal) else { return false }
            let afterHost = hostPort[(close + 1)...]
            if !afterHost.isEmpty {
                guard afterHost.first == UInt8(ascii: ":") else { return false }
                port = afterHost.dropFirst()
            }
        } else {
            var host = hostPort
            if let colon = hostPort.firstIndex(of: UInt8(ascii: ":")) {
                host = hostPort[..<colon]
                port = hostPort[(colon + 1)...]
            }
            guard isEncoded(host, { isUnreserved($0) || isSubDelimiter($0) }) else { return false }
        }
        return port.allSatisfy(FormatGrammar.isDigit)
    }

    private static func isIPv6(_ literal: ArraySlice<UInt8>) -> Bool {
        FormatGrammar.isIPv6(literal, allowingZone: false)
    }

    /// `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
    private static func isIPvFuture(_ literal: ArraySlice<UInt8>) -> Bool {
        guard literal.first.map({ $0 | 0x20 }) == UInt8(ascii: "v"), let dot = literal.firstIndex(of: UInt8(ascii: "."))
        else { return false }
        let version = literal[(literal.startIndex + 1)..<dot]
        let rest = literal[(dot + 1)...]
        return !version.isEmpty && version.allSatisfy(FormatGrammar.isHexDigit) && !rest.isEmpty
            && rest.allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }
    }

    private static func isQueryOrFragment(_ bytes: ArraySlice<UInt8>) -> Bool {
        isEncoded(bytes) { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
    }

    /// True when every byte is allowed by `allowed` or starts a `%XX` escape.
    private static func isEncoded(_ bytes: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, FormatGrammar.isHexDigit(bytes[index + 1]),
                    FormatGrammar.isHexDigit(bytes[index + 2])
                else { return false }
                index += 3
            } else {
                guard allowed(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    /// `pchar` without the escapes: unreserved, sub-delims, `:` and `@`.
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        FormatGrammar.isLetter(byte) || FormatGrammar.isDigit(byte) || "-._~".utf8.contains(byte)
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool {
        "!$&'()*+,;=".utf8.contains(byte)
    }
}
