extension JSONValue {
    /// Compact RFC 8259 text of the value; members in document order unless `sortedKeys`.
    public func jsonString(sortedKeys: Bool = false) -> String {
        String(decoding: jsonBytes(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Compact RFC 8259 UTF-8 bytes of the value; members in document order unless `sortedKeys` (then in
    /// Unicode code point order, as Python's `sort_keys` does).
    ///
    /// Integers are written without a fraction, doubles as Swift's shortest round-trip text with `.0` kept
    /// when integral (`1.0`), so a value reads back as the same case. A non-finite double, which JSON cannot
    /// express, is written as `null`.
    public func jsonBytes(sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        writer.write(self)
        return writer.output
    }

    /// `text` as a JSON string literal in double quotes, escaped exactly as ``jsonString(sortedKeys:)`` escapes
    /// strings, for code that writes JSON text itself (for example with number formats of its own).
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter(sortedKeys: false)
        writer.writeString(text)
        return String(decoding: writer.output, as: UTF8.self)
    }
}

/// Appends compact JSON text to a byte buffer.
struct JSONWriter {
    let sortedKeys: Bool
    var output: [UInt8] = []

    init(sortedKeys: Bool) {
        self.sortedKeys = sortedKeys
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            append("null")
        case .bool(let flag):
            append(flag ? "true" : "false")
        case .integer(let integer):
            writeInteger(integer)
        case .largeInteger(let text):
            append(text)
        case .number(let number):
            append(number.isFinite ? number.description : "null")
        case .string(let text):
            writeString(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            if sortedKeys {
                let members = object.storage.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                for index in members.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    writeString(members[index].key)
                    output.append(UInt8(ascii: ":"))
                    write(members[index].value)
                }
            } else {
                for index in object.storage.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    writeString(object.storage[index].key)
                    output.append(UInt8(ascii: ":"))
                    write(object.storage[index].value)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    /// Decimal digits without building a string.
    mutating func writeInteger(_ integer: Int64) {
        if integer < 0 {
            output.append(UInt8(ascii: "-"))
        }
        var magnitude = integer.magnitude
        // Room for the 20 digits of the largest magnitude, filled from the end.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: buffer[index...])
        }
    }

    /// A string in quotes, escaping only what RFC 8259 requires: `"`, `\` and control characters.
    mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escapes: copy their bytes in one go.
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            output.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "\\"))
            case 0x0A:
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "n"))
            case 0x0D:
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "r"))
            case 0x09:
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "t"))
            case 0x08:
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "b"))
            case 0x0C:
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "f"))
            case 0..<0x20:
                let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array(#"\u00"#.utf8))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
