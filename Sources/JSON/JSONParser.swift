/// A strict RFC 8259 parser working on bytes, for bodies that may be hostile.
///
/// It rejects what a lenient parser would guess at (trailing commas, `NaN`, leading zeros, raw control
/// characters, lone surrogates, duplicate keys, bad UTF-8, text after the value) and bounds nesting depth and
/// input size, so no body can exhaust the stack or memory.
public struct JSONParser: Sendable {
    /// Deepest nesting of arrays and objects accepted (at most 1024, so parsing never exhausts the stack).
    public let maxDepth: Int
    /// Largest input accepted, in bytes.
    public let maxBytes: Int
    /// Member names and values handed out as shared strings (a format's vocabulary, such as VES's field names).
    public let internTable: InternTable

    public init(maxDepth: Int = 64, maxBytes: Int = 16 * 1024 * 1024, internTable: InternTable = .empty) {
        self.maxDepth = min(max(maxDepth, 1), 1024)
        self.maxBytes = max(maxBytes, 0)
        self.internTable = internTable
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        if bytes.count > maxBytes {
            throw JSONParseError(
                code: .tooLarge,
                message: "the document is \(bytes.count) bytes, more than the limit of \(maxBytes) bytes",
                offset: maxBytes
            )
        }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw JSONParseError(code: .empty, message: "the document is empty; expected a JSON value", offset: 0)
        }
        var scanner = JSONScanner(base: base, count: bytes.count, maxDepth: maxDepth, knownNames: internTable)
        return try scanner.parseDocument()
    }
}
