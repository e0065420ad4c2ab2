extension JSONScanner {
    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if base[position] == Byte.minus {
            negative = true
            position += 1
        }
        guard position < end, isDigit(base[position]) else {
            throw syntaxError("expected a digit after '-'")
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var mantissaOverflow = false
        if base[position] == Byte.zero {
            position += 1
            if position < end, isDigit(base[position]) {
                position = start
                throw syntaxError("numbers must not have leading zeros")
            }
        } else {
            while position < end, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &significantDigits, overflow: &mantissaOverflow)
                position += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if position < end, base[position] == Byte.dot {
            isInteger = false
            position += 1
            guard position < end, isDigit(base[position]) else {
                throw syntaxError("expected a digit after the decimal point")
            }
            while position < end, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &significantDigits, overflow: &mantissaOverflow)
                fractionDigits += 1
                position += 1
            }
        }
        var exponent = 0
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var negativeExponent = false
            if position < end, base[position] == Byte.minus || base[position] == Byte.plus {
                negativeExponent = base[position] == Byte.minus
                position += 1
            }
            guard position < end, isDigit(base[position]) else {
                throw syntaxError("expected a digit in the exponent")
            }
            while position < end, isDigit(base[position]) {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(base[position] - Byte.zero)
                }
                position += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        let text = UnsafeBufferPointer(start: base + start, count: position - start)
        if isInteger {
            if !mantissaOverflow {
                if !negative, mantissa <= UInt64(Int64.max) {
                    return .integer(Int64(mantissa))
                }
                if negative, mantissa <= UInt64(Int64.max) + 1 {
                    return .integer(mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa))
                }
            }
            return .largeInteger(String(decoding: text, as: UTF8.self))
        }
        // Exact when the digits fit in a double's 53-bit significand and the power of ten is exact.
        let powerOfTen = exponent - fractionDigits
        if !mantissaOverflow, mantissa <= 1 << 53, powerOfTen >= -22, powerOfTen <= 22 {
            var value = Double(mantissa)
            if powerOfTen < 0 {
                value /= exactPowersOfTen[-powerOfTen]
            } else {
                value *= exactPowersOfTen[powerOfTen]
            }
            return .number(negative ? -value : value)
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
            position = start
            throw syntaxError("the number \(String(decoding: text, as: UTF8.self)) is too large for a double")
        }
        return .number(value)
    }

    @inline(__always)
    func accumulate(_ digit: UInt8, into mantissa: inout UInt64, digits: inout Int, overflow: inout Bool) {
        if mantissa == 0 && digit == Byte.zero { return }
        digits += 1
        if digits > 19 {
            overflow = true
            return
        }
        mantissa = mantissa &* 10 &+ UInt64(digit - Byte.zero)
    }

}
