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
///
/// Each item reserves its room once and stores its bytes through a pointer: a tick writes about a hundred items per
/// event, and appending them to an array byte by byte was a third of the tick.
public struct PythonJSONWriter {
    private var bytes: OutputBytes
    /// Whether the next item in the current container needs a separator before it.
    private var needsSeparator = false

    public init(capacity: Int = 1024) {
        bytes = OutputBytes(capacity: capacity)
    }

    /// The text written so far, as UTF-8.
    public var output: [UInt8] { bytes.array }

    public var text: String { bytes.text }

    /// Room for the separator (when one is due) and `extra` bytes, in a store of this writer's own; the pointer
    /// to write at. Callers add what they wrote to `bytes.count`.
    @inline(__always)
    private mutating func item(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&bytes) {
            bytes = bytes.copy()
        }
        var pointer = bytes.reserve(extra + 2)
        if needsSeparator {
            pointer[0] = UInt8(ascii: ",")
            pointer[1] = UInt8(ascii: " ")
            pointer += 2
            bytes.count += 2
        }
        needsSeparator = true
        return pointer
    }

    /// Room for `extra` bytes with no separator (closing brackets, the rest of an item).
    @inline(__always)
    private mutating func room(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&bytes) {
            bytes = bytes.copy()
        }
        return bytes.reserve(extra)
    }

    public mutating func beginObject() {
        item(1).pointee = UInt8(ascii: "{")
        bytes.count += 1
        needsSeparator = false
    }

    public mutating func endObject() {
        room(1).pointee = UInt8(ascii: "}")
        bytes.count += 1
        needsSeparator = true
    }

    public mutating func beginArray() {
        item(1).pointee = UInt8(ascii: "[")
        bytes.count += 1
        needsSeparator = false
    }

    public mutating func endArray() {
        room(1).pointee = UInt8(ascii: "]")
        bytes.count += 1
        needsSeparator = true
    }

    /// A member's key; the member's value is written next.
    public mutating func key(_ name: String) {
        quoted(name, suffix: true)
        needsSeparator = false
    }

    public mutating func string(_ text: String) {
        quoted(text, suffix: false)
    }

    /// `text` in quotes as one item, followed by `": "` for a key. Text that needs no escape is stored in one go.
    @inline(__always)
    private mutating func quoted(_ text: String, suffix: Bool) {
        let extra = suffix ? 4 : 2
        let written = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard Self.isPlain(utf8) else { return false }
            let pointer = item(utf8.count + extra)
            pointer[0] = UInt8(ascii: "\"")
            if let source = utf8.baseAddress {
                (pointer + 1).update(from: source, count: utf8.count)
            }
            pointer[utf8.count + 1] = UInt8(ascii: "\"")
            if suffix {
                pointer[utf8.count + 2] = UInt8(ascii: ":")
                pointer[utf8.count + 3] = UInt8(ascii: " ")
            }
            bytes.count += utf8.count + extra
            return true
        }
        if written != true {
            _ = item(0)
            appendEscaped(text)
            if suffix { appendASCII(": ") }
        }
    }

    public mutating func integer(_ number: Int64) {
        _ = item(20)
        appendInteger(number)
    }

    /// A Python float: `repr(x)`, `NaN` and `Infinity` as `json.dumps` writes them.
    public mutating func float(_ number: Double) {
        _ = item(0)
        if number.isNaN {
            appendASCII("NaN")
        } else if number.isInfinite {
            appendASCII(number < 0 ? "-Infinity" : "Infinity")
        } else if number == number.rounded(), abs(number) < 1e16 {
            // integral and positional in repr: the digits and ".0", without the general algorithm
            if number == 0 && number.sign == .minus {
                appendASCII("-0.0")
            } else {
                appendInteger(Int64(number))
                appendASCII(".0")
            }
        } else {
            appendASCII(PythonRepr.float(number))
        }
    }

    /// Text that is already JSON (a nested document written before).
    public mutating func raw(_ json: String) {
        _ = item(0)
        appendASCII(json)
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            _ = item(0)
            appendASCII("null")
        case .bool(let flag):
            _ = item(0)
            appendASCII(flag ? "true" : "false")
        case .integer(let number):
            integer(number)
        case .largeInteger(let text):
            _ = item(0)
            appendASCII(text)
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

    /// Appends `text`'s UTF-8 as it is (numbers, literals, JSON written before).
    private mutating func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            _ = room(utf8.count)
            bytes.append(utf8)
        }
    }

    /// Digits written from the end of a small buffer: no String made per number.
    private mutating func appendInteger(_ number: Int64) {
        let pointer = room(20)
        if number >= 0 && number < 10 {
            pointer.pointee = UInt8(ascii: "0") + UInt8(number)
            bytes.count += 1
            return
        }
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            bytes.append(UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// A string that needs escapes, in quotes: non-ASCII as `\uXXXX` (surrogate pairs beyond the BMP).
    private mutating func appendEscaped(_ text: String) {
        _ = room(text.utf8.count * 6 + 2)
        bytes.append(UInt8(ascii: "\""))
        for unit in text.utf16 {
            switch unit {
            case 0x22: appendPair(UInt8(ascii: "\""))
            case 0x5C: appendPair(UInt8(ascii: "\\"))
            case 0x0A: appendPair(UInt8(ascii: "n"))
            case 0x0D: appendPair(UInt8(ascii: "r"))
            case 0x09: appendPair(UInt8(ascii: "t"))
            case 0x08: appendPair(UInt8(ascii: "b"))
            case 0x0C: appendPair(UInt8(ascii: "f"))
            case 0x20..<0x7F: bytes.append(UInt8(unit))
            default: appendEscape(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private mutating func appendPair(_ letter: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
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
        let digits: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(digits.utf8Start[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
