/// Renders JSON values the way Python's `repr` renders the parsed JSON, so violation messages read like the
/// ones from Python's `jsonschema` that people (and the expected verdicts) know.
public enum PythonRepr {
    /// Output longer than this is cut and ends in `...`, so a huge instance cannot bloat a message: arrays and
    /// objects between their elements, a long string or big integer inside itself.
    static let limit = 4096
    /// What a value gets of the limit at least, however much of it came before.
    static let minimumShare = 64

    public static func render(_ value: JSONValue) -> String {
        var output = ""
        append(value, to: &output)
        return output
    }

    private static func append(_ value: JSONValue, to output: inout String) {
        if output.utf8.count > limit {
            return
        }
        switch value {
        case .null:
            output += "None"
        case .bool(let flag):
            output += flag ? "True" : "False"
        case .integer(let integer):
            output += String(integer)
        case .largeInteger(let text):
            let room = max(minimumShare, limit - output.utf8.count)
            output += text.utf8.count > room ? String(decoding: text.utf8.prefix(room), as: UTF8.self) + "..." : text
        case .number(let number):
            output += float(number)
        case .string(let text):
            output += string(text, limit: max(minimumShare, limit - output.utf8.count))
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += ", " }
                append(element, to: &output)
                if output.utf8.count > limit {
                    output += "..."
                    return
                }
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.storage.enumerated() {
                if index > 0 { output += ", " }
                output += string(member.key, limit: max(minimumShare, limit - output.utf8.count))
                output += ": "
                append(member.value, to: &output)
                if output.utf8.count > limit {
                    output += "..."
                    return
                }
            }
            output += "}"
        }
    }

    /// Python's `repr(float)`: the shortest round-trip digits, positional for decimal exponents -4 through 15
    /// (with `.0` when integral), scientific otherwise (`1e+16`, `1e-05`).
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let description = value.description
        // Swift writes the same shortest digits; when it writes them positionally, so does Python (Swift turns
        // to an exponent at 2^53 and below 1e-4, Python at 1e16 and below 1e-4).
        if !description.utf8.contains(UInt8(ascii: "e")) { return description }
        var text = description[...]
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart: Substring
        let fractionPart: Substring
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fractionPart = text[text.index(after: dot)...]
        } else {
            integerPart = text
            fractionPart = ""
        }
        var digits = Array(integerPart.utf8) + Array(fractionPart.utf8)
        var pointPosition = integerPart.utf8.count
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0.0" }
        let exponent = pointPosition - 1 + exponentPart
        let digitText = String(decoding: digits, as: UTF8.self)
        if exponent < -4 || exponent >= 16 {
            var mantissa = String(digitText.prefix(1))
            if digits.count > 1 {
                mantissa += "." + digitText.dropFirst()
            }
            let magnitude = abs(exponent)
            let exponentDigits = magnitude < 10 ? "0" + String(magnitude) : String(magnitude)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentDigits
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digitText
        }
        let integerDigits = exponent + 1
        if digits.count <= integerDigits {
            return sign + digitText + String(repeating: "0", count: integerDigits - digits.count) + ".0"
        }
        return sign + digitText.prefix(integerDigits) + "." + digitText.dropFirst(integerDigits)
    }

    /// Python's `repr(str)`: single quotes unless the text has a `'` and no `"`; backslash escapes for the
    /// quote, `\`, `\t`, `\n`, `\r` and non-printable characters (`\xhh`, `\uhhhh`, `\Uhhhhhhhh`).
    public static func string(_ text: String) -> String {
        let hasSingle = text.utf8.contains(UInt8(ascii: "'"))
        let hasDouble = text.utf8.contains(UInt8(ascii: "\""))
        let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
        var output = String.UnicodeScalarView()
        output.append(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case quote, "\\":
                output.append("\\")
                output.append(scalar)
            case "\t":
                output.append(contentsOf: "\\t".unicodeScalars)
            case "\n":
                output.append(contentsOf: "\\n".unicodeScalars)
            case "\r":
                output.append(contentsOf: "\\r".unicodeScalars)
            default:
                if scalar.value >= 0x20 && scalar.value < 0x7F {
                    output.append(scalar)
                } else if scalar.value >= 0x80 && isPrintable(scalar) {
                    output.append(scalar)
                } else if scalar.value <= 0xFF {
                    output.append(contentsOf: ("\\x" + hex(scalar.value, width: 2)).unicodeScalars)
                } else if scalar.value <= 0xFFFF {
                    output.append(contentsOf: ("\\u" + hex(scalar.value, width: 4)).unicodeScalars)
                } else {
                    output.append(contentsOf: ("\\U" + hex(scalar.value, width: 8)).unicodeScalars)
                }
            }
        }
        output.append(quote)
        return String(output)
    }

    /// `string(text)` of at most about `limit` bytes of `text`, followed by `...` when the text was cut.
    static func string(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return string(text) }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > limit { break }
            kept.append(scalar)
        }
        return string(String(kept)) + "..."
    }

    /// Python's `str.isprintable` for one non-ASCII character: not a control, format, surrogate, private-use,
    /// unassigned or separator character.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            false
        default:
            true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
