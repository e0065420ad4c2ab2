/// Text from the network (a listener's answer, a command type, a host name) made safe to put in a log line.
///
/// A hostile peer must not be able to forge log lines (newline, carriage return), drive the terminal (ESC and
/// other C0/C1 controls, bidirectional overrides) or flood the log with one huge value; so every such character is
/// written as `\u{XX}` and the text is cut after `limit` characters with a marker saying so.
enum LogText {
    /// `text` with control characters escaped and at most `limit` of its characters (Unicode scalars) kept; a
    /// non-positive `limit` keeps none.
    static func escaped(_ text: some StringProtocol, limit: Int = 512) -> String {
        let kept = max(limit, 0)
        var result = ""
        result.reserveCapacity(min(text.utf8.count, kept) + 16)
        var count = 0
        for scalar in text.unicodeScalars {
            if count == kept {
                result += "…(cut at \(kept) characters)"
                return result
            }
            count += 1
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if needsEscape(scalar) {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional controls.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
