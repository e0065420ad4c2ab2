#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON text and float arithmetic as Python 3 produces them, so an agent can send byte for byte what a Python
/// program (the reference collectd VES plugin) sent: `json.dumps` with its default separators and ASCII
/// escaping, `repr(float)`, `str(value)` and `round(x, n)`.
public enum PythonJSON {
    /// `json.dumps(value)`: members in order, `", "` and `": "` separators, non-ASCII as `\uXXXX`.
    public static func dumps(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        append(value, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `json.dumps(value)` as UTF-8 bytes, for request bodies.
    public static func dumpsBytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        append(value, to: &output)
        return output
    }

    /// `repr(x)` (and `str(x)`) of a Python float: `5.0`, `0.1`, `1e+16`, `nan`.
    public static func floatRepr(_ value: Double) -> String {
        PythonRepr.float(value)
    }

    /// Python's `round(x, digits)` for a float: correctly rounded from the exact binary value, ties to even,
    /// which is what C's `printf("%.*f")` does on glibc.
    public static func round(_ value: Double, digits: Int) -> Double {
        guard value.isFinite else { return value }
        var buffer = [CChar](repeating: 0, count: 400)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([Int32(digits), value]) { arguments in
                vsnprintf(pointer.baseAddress, pointer.count, "%.*f", arguments)
            }
        }
        guard written > 0, Int(written) < buffer.count else { return value }
        let text = String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Double(text) ?? value
    }

    private static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer):
            output.append(contentsOf: String(integer).utf8)
        case .largeInteger(let text):
            output.append(contentsOf: text.utf8)
        case .number(let number):
            if number.isNaN {
                output.append(contentsOf: "NaN".utf8)
            } else if number.isInfinite {
                output.append(contentsOf: (number < 0 ? "-Infinity" : "Infinity").utf8)
            } else {
                output.append(contentsOf: PythonRepr.float(number).utf8)
            }
        case .string(let text):
            appendString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.storage.enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                appendString(member.key, to: &output)
                output.append(contentsOf: ": ".utf8)
                append(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for unit in text.utf16 {
            switch unit {
            case 0x22: output.append(contentsOf: "\\\"".utf8)
            case 0x5C: output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x08: output.append(contentsOf: "\\b".utf8)
            case 0x0C: output.append(contentsOf: "\\f".utf8)
            case 0x20..<0x7F: output.append(UInt8(unit))
            default: appendEscape(unit, to: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ unit: UInt16, to output: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        output.append(contentsOf: "\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(digits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
