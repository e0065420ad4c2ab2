extension JSONScanner {
    // MARK: Strings

    /// Reads a string value. Values short enough to be stored inline are built directly; longer ones may be
    /// known names.
    mutating func parseString() throws(JSONParseError) -> String {
        var unused: UInt64 = 0
        return try parseString(hash: &unused, isKey: false)
    }

    /// Reads a string starting at its opening quote. For a key, `hash` receives a cheap hash of its UTF-8 bytes.
    mutating func parseString(hash: inout UInt64, isKey: Bool) throws(JSONParseError) -> String {
        position += 1
        let start = position
        while true {
            // Eight bytes at a time while none needs a closer look.
            // Eight bytes at a time while none needs a closer look; then straight to the first one that does.
            while position + 8 <= end {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let attention = attentionMask(word)
                if attention != 0 {
                    position += attention.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < end else {
                throw JSONParseError(
                    code: .syntax,
                    message: "unterminated string starting at \(location(start - 1))",
                    offset: start - 1
                )
            }
            let byte = base[position]
            if byte == Byte.quote {
                let buffer = UnsafeBufferPointer(start: base + start, count: position - start)
                position += 1
                return makeString(buffer, hash: &hash, isKey: isKey)
            } else if byte == Byte.backslash {
                return try parseEscapedString(from: start, hash: &hash, isKey: isKey)
            } else if byte < 0x20 {
                throw controlCharacterError(byte)
            } else if byte >= 0x80 {
                position += try validateUTF8Sequence(at: position)
            } else {
                position += 1
            }
        }
    }

    /// The string for `buffer`: a shared known name when it is one, else a new string.
    @inline(__always)
    func makeString(_ buffer: UnsafeBufferPointer<UInt8>, hash: inout UInt64, isKey: Bool) -> String {
        if isKey || buffer.count > 15 {
            hash = hashBytes(buffer)
            if let known = knownNames.lookup(buffer, hash: hash) {
                return known
            }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The high bit of each of the eight bytes (little-endian) that is a quote, a backslash, a control character or
    /// non-ASCII; 0 when none is. Bits above the first such byte may be false alarms (a borrow), the lowest set bit
    /// never is, so it says where the first byte to look at sits.
    @inline(__always)
    func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(Byte.quote))
        let backslashes = word ^ (ones &* UInt64(Byte.backslash))
        let hasQuote = (quotes &- ones) & ~quotes & highs
        let hasBackslash = (backslashes &- ones) & ~backslashes & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return hasQuote | hasBackslash | hasControl | (word & highs)
    }

    /// Slow path for a string with escapes: decodes into `scratch` from the string's first byte.
    mutating func parseEscapedString(from start: Int, hash: inout UInt64, isKey: Bool) throws(JSONParseError)
        -> String
    {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while position < end {
            let byte = base[position]
            if byte == Byte.quote {
                position += 1
                var decodedHash: UInt64 = 0
                let text = scratch.withUnsafeBufferPointer { buffer in
                    makeString(buffer, hash: &decodedHash, isKey: isKey)
                }
                hash = decodedHash
                return text
            } else if byte == Byte.backslash {
                try decodeEscape()
            } else if byte < 0x20 {
                throw controlCharacterError(byte)
            } else if byte >= 0x80 {
                let length = try validateUTF8Sequence(at: position)
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + position, count: length))
                position += length
            } else {
                scratch.append(byte)
                position += 1
            }
        }
        throw JSONParseError(
            code: .syntax,
            message: "unterminated string starting at \(location(start - 1))",
            offset: start - 1
        )
    }

    /// Decodes one escape at the backslash under `position` into `scratch`.
    mutating func decodeEscape() throws(JSONParseError) {
        let escapeStart = position
        guard position + 1 < end else {
            throw syntaxError("unterminated escape sequence at the end of input")
        }
        let letter = base[position + 1]
        position += 2
        switch letter {
        case Byte.quote: scratch.append(Byte.quote)
        case Byte.backslash: scratch.append(Byte.backslash)
        case Byte.slash: scratch.append(Byte.slash)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHexQuad(escapeStart: escapeStart)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                let lowStart = position
                guard position + 1 < end, base[position] == Byte.backslash, base[position + 1] == UInt8(ascii: "u")
                else {
                    throw JSONParseError(
                        code: .syntax,
                        message: "lone high surrogate \\u\(hex4(scalar)) at \(location(escapeStart)); "
                            + "it must be followed by a \\uDC00-\\uDFFF escape",
                        offset: escapeStart
                    )
                }
                position += 2
                let low = try readHexQuad(escapeStart: lowStart)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw JSONParseError(
                        code: .syntax,
                        message: "high surrogate \\u\(hex4(scalar)) at \(location(escapeStart)) is followed by "
                            + "\\u\(hex4(low)), not a low surrogate \\uDC00-\\uDFFF",
                        offset: lowStart
                    )
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw JSONParseError(
                    code: .syntax,
                    message: "lone low surrogate \\u\(hex4(scalar)) at \(location(escapeStart)); "
                        + "it must follow a \\uD800-\\uDBFF escape",
                    offset: escapeStart
                )
            }
            appendUTF8(scalar)
        default:
            position = escapeStart
            throw syntaxError(
                "invalid escape '\\\(describeCharacter(letter))' in a string; "
                    + "JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"
            )
        }
    }

    mutating func readHexQuad(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 {
            guard position + index < end, let digit = hexDigitValue(base[position + index]) else {
                throw JSONParseError(
                    code: .syntax,
                    message: "invalid \\u escape at \(location(escapeStart)); expected four hexadecimal digits",
                    offset: escapeStart
                )
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `offset` (a byte >= 0x80); throws for anything
    /// ill-formed: stray continuation bytes, overlong forms, surrogates, values above U+10FFFF, truncation.
    func validateUTF8Sequence(at offset: Int) throws(JSONParseError) -> Int {
        let lead = base[offset]
        // The sequence length, and the range the second byte must be in to rule out overlong forms,
        // surrogates and values above U+10FFFF.
        let (length, secondRange): (Int, ClosedRange<UInt8>)
        switch lead {
        case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default:
            throw utf8Error(at: offset, "byte 0x\(hex2(lead)) cannot start a UTF-8 sequence")
        }
        guard offset + length <= end else {
            throw utf8Error(at: offset, "the UTF-8 sequence starting with 0x\(hex2(lead)) is cut short")
        }
        guard secondRange.contains(base[offset + 1]) else {
            throw utf8Error(at: offset + 1, "byte 0x\(hex2(base[offset + 1])) does not continue 0x\(hex2(lead))")
        }
        for index in 2..<length where base[offset + index] & 0xC0 != 0x80 {
            throw utf8Error(
                at: offset + index,
                "byte 0x\(hex2(base[offset + index])) does not continue the sequence started by 0x\(hex2(lead))"
            )
        }
        return length
    }

}
