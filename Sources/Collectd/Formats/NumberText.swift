#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Numbers as collectd prints them (`%.3f` times, `%.15g` gauges), and hex.
enum NumberText {
    /// A time as `%.3f` of `CDTIME_T_TO_DOUBLE` prints it, computed exactly (round half to even on the binary
    /// value, as glibc does) without going through printf.
    static func milliseconds(_ time: CollectdTime) -> String {
        // printf sees Double(raw) / 2^30: first the rounding of raw to a Double, then an exact division.
        let rounded = UInt128(Double(time.raw))
        let scaled = rounded * 1000
        var whole = scaled >> 30
        let remainder = scaled & ((1 << 30) - 1)
        let half: UInt128 = 1 << 29
        if remainder > half || (remainder == half && whole & 1 == 1) { whole += 1 }
        let fraction = Int(whole % 1000)
        let digits = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(whole / 1000).\(digits)"
    }

    /// A gauge as collectd's `%.15g` prints it, or with 17 digits when 15 would not read back as the same Double
    /// (so nothing is lost). NaN and infinities are the caller's business.
    static func gauge(_ value: Double) -> String {
        let short = printf("%.15g", value)
        if Double(short) == value { return short }
        return printf("%.17g", value)
    }

    /// Seconds with microseconds (`%.6f`), for receive times.
    static func microseconds(_ seconds: Double) -> String {
        printf("%.6f", seconds)
    }

    private static func printf(_ format: String, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let written = withVaList([value]) { arguments in
                vsnprintf(base, buffer.count, format, arguments)
            }
            let count = min(max(0, Int(written)), buffer.count - 1)
            return String(decoding: UnsafeRawBufferPointer(start: base, count: count), as: UTF8.self)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of the bytes.
    static func hex(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of a hex string (either case), or nil when it is not an even number of hex digits.
    static func bytes(hex text: Substring) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 2 == 0 else { return nil }
        var result = [UInt8]()
        result.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let nibble = nibble(character) else { return nil }
            if let first = high {
                result.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return result
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
