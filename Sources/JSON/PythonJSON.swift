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
        var writer = PythonJSONWriter()
        writer.value(value)
        return writer.text
    }

    /// `json.dumps(value)` as UTF-8 bytes, for request bodies.
    public static func dumpsBytes(_ value: JSONValue) -> [UInt8] {
        var writer = PythonJSONWriter()
        writer.value(value)
        return writer.output
    }

    static let powersOfTen: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The exact `x·y − product` (one rounding), so a product's true side of a half is known.
    static func fmaResidual(_ x: Double, _ y: Double, _ product: Double) -> Double {
        (-product).addingProduct(x, y)
    }

    /// `repr(x)` (and `str(x)`) of a Python float: `5.0`, `0.1`, `1e+16`, `nan`.
    public static func floatRepr(_ value: Double) -> String {
        PythonRepr.float(value)
    }

    /// Python's `round(x, digits)` for a float: correctly rounded from the exact binary value, ties to even,
    /// which is what C's `printf("%.*f")` does on glibc.
    public static func round(_ value: Double, digits: Int) -> Double {
        guard value.isFinite else { return value }
        if (0...15).contains(digits) {
            // x·10ⁿ and its exact residual (10ⁿ is exact); rounding the product is right unless it sits exactly
            // on a half, where the residual's sign decides: the same answer as the correctly rounded decimal.
            let scale = powersOfTen[digits]
            let product = value * scale
            if abs(product) < 4_503_599_627_370_496 {
                let residual = fmaResidual(value, scale, product)
                var rounded = product.rounded(.toNearestOrEven)
                if abs(product - product.rounded(.towardZero)) == 0.5 && residual != 0 {
                    rounded = residual > 0 ? product.rounded(.up) : product.rounded(.down)
                }
                return rounded / scale
            }
        }
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
}

/// Writes JSON text as Python's `json.dumps` does, member by member, so a program can emit a large document
/// without building a tree first. Separators and commas are placed by the writer.
public struct PythonJSONWriter {
    public private(set) var output: [UInt8] = []
    /// Whether the next item in the current container needs a separator before it.
    private var needsSeparator = false

    public init(capacity: Int = 1024) {
        output.reserveCapacity(capacity)
    }

    public var text: String { String(decoding: output, as: UTF8.self) }

    private mutating func separate() {
        if needsSeparator {
            output.append(UInt8(ascii: ","))
            output.append(UInt8(ascii: " "))
        }
        needsSeparator = true
    }

    public mutating func beginObject() {
        separate()
        output.append(UInt8(ascii: "{"))
        needsSeparator = false
    }

    public mutating func endObject() {
        output.append(UInt8(ascii: "}"))
        needsSeparator = true
    }

    public mutating func beginArray() {
        separate()
        output.append(UInt8(ascii: "["))
        needsSeparator = false
    }

    public mutating func endArray() {
        output.append(UInt8(ascii: "]"))
        needsSeparator = true
    }

    /// A member's key; the member's value is written next.
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        output.append(UInt8(ascii: ":"))
        output.append(UInt8(ascii: " "))
        needsSeparator = false
    }

    public mutating func string(_ text: String) {
        separate()
        appendString(text)
    }

    public mutating func integer(_ number: Int64) {
        separate()
        appendInteger(number)
    }

    /// A Python float: `repr(x)`, `NaN` and `Infinity` as `json.dumps` writes them.
    public mutating func float(_ number: Double) {
        separate()
        if number.isNaN {
            output.append(contentsOf: "NaN".utf8)
        } else if number.isInfinite {
            output.append(contentsOf: (number < 0 ? "-Infinity" : "Infinity").utf8)
        } else if number == number.rounded(), abs(number) < 1e16 {
            // integral and positional in repr: the digits and ".0", without the general algorithm
            appendInteger(Int64(number))
            if number == 0 && number.sign == .minus { output.insert(UInt8(ascii: "-"), at: output.count - 1) }
            output.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
        } else {
            output.append(contentsOf: PythonRepr.float(number).utf8)
        }
    }

    /// Text that is already JSON (a nested document written before).
    public mutating func raw(_ json: String) {
        separate()
        output.append(contentsOf: json.utf8)
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            separate()
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            separate()
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number):
            integer(number)
        case .largeInteger(let text):
            separate()
            output.append(contentsOf: text.utf8)
        case .number(let number):
            float(number)
        case .string(let text):
            string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.storage {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    private mutating func appendInteger(_ number: Int64) {
        if number >= 0 && number < 10 {
            output.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        // digits written from the end of a small buffer: no String made per number
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { output.append(UInt8(ascii: "-")) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private mutating func appendString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { bytes -> Bool in
            guard Self.isPlain(bytes) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if !plain {
            for unit in text.utf16 {
                switch unit {
                case 0x22: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case 0x5C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x20..<0x7F: output.append(UInt8(unit))
                default: appendEscape(unit)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether the bytes need no escape: printable ASCII without a quote or a backslash. Eight bytes at a time; a
    /// word that may hold one is looked at byte by byte.
    @inline(__always)
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let suspect =
                word & highs != 0 || (word &- ones &* 0x20) & ~word & highs != 0
                || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
                || hasZeroByte(word ^ (ones &* 0x7F))
            if suspect { break }
            index += 8
        }
        while index < bytes.count {
            let byte = base[index]
            if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            index += 1
        }
        return true
    }

    private mutating func appendEscape(_ unit: UInt16) {
        let digits = Array("0123456789abcdef".utf8)
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(digits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
