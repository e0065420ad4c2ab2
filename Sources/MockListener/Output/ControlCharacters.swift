/// Text from the network made safe for a log line or a terminal: control characters (C0, DEL, C1), line and
/// paragraph separators and the bidirectional overrides become `\xhh` or `\uhhhh`, so a sender cannot forge log
/// lines, move the cursor or reorder what a person reads.
enum ControlCharacters {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                output.append(scalar)
                continue
            }
            let digits = String(scalar.value, radix: 16)
            let width = scalar.value <= 0xFF ? 2 : 4
            let escape = (width == 2 ? "\\x" : "\\u") + String(repeating: "0", count: width - digits.count) + digits
            output.append(contentsOf: escape.unicodeScalars)
        }
        return String(output)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
