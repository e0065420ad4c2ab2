/// Reads an `Authorization: Basic ...` header value.
enum BasicAuthorization {
    /// The credentials, or nil when the header is not Basic or not valid base64 of `user:password`.
    static func parse(_ header: String) -> Credentials? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = decodeBase64(parts[1]) else {
            return nil
        }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    static func decodeBase64(_ text: Substring) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return padding <= 2 ? output : nil
    }

    /// The challenge answers carry when credentials are missing or wrong, so a client that waits for one knows to
    /// send them.
    static let challenge = "Basic realm=\"VES event listener\""

    /// Whether `given` are `expected`. Both the user names and the passwords are compared in full and the two
    /// results combined without short-circuit, so the time taken does not tell whether the user name was right.
    static func matches(_ given: Credentials, _ expected: Credentials) -> Bool {
        (difference(given.username, expected.username) | difference(given.password, expected.password)) == 0
    }

    /// Compares without stopping at the first difference, so timing does not tell how much of a guess was right.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        difference(lhs, rhs) == 0
    }

    /// Zero when the two texts are equal, else not; every byte of the longer one is looked at.
    private static func difference(_ lhs: String, _ rhs: String) -> UInt8 {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference
    }
}
