#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 3339 times in UTC (`2026-11-25T00:23:53.123Z`), written and read without Foundation's date formatters.
///
/// One implementation of the calendar arithmetic for every module: the listener's `received_at` (milliseconds),
/// collectd's write_http notifications (`rfc3339nano`, nanoseconds) and the times tools print.
public enum RFC3339 {
    /// How many fractional digits a written time carries.
    public enum Precision: Int, Sendable, CaseIterable {
        case seconds = 0
        case milliseconds = 3
        case microseconds = 6
        case nanoseconds = 9

        /// Units of this precision in one second (1, 1000, ...).
        var unitsPerSecond: Int64 {
            var units: Int64 = 1
            for _ in 0..<rawValue { units *= 10 }
            return units
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` for `seconds` since the epoch plus `nanoseconds` (0 to 999,999,999),
    /// the fraction cut (not rounded) to `precision`, so a time never reads as later than it was.
    public static func format(seconds: Int64, nanoseconds: Int = 0, precision: Precision) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        if (0...9999).contains(year), (0...999_999_999).contains(nanoseconds) {
            // the listener stamps every record: digits written in place, one allocation
            let length = 20 + (precision == .seconds ? 0 : 1 + precision.rawValue)
            return String(unsafeUninitializedCapacity: length) { buffer in
                var position = 0
                func put(_ value: Int64, _ width: Int, then separator: UInt8?) {
                    var rest = value
                    for offset in stride(from: width - 1, through: 0, by: -1) {
                        buffer[position + offset] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                        rest /= 10
                    }
                    position += width
                    if let separator {
                        buffer[position] = separator
                        position += 1
                    }
                }
                put(year, 4, then: UInt8(ascii: "-"))
                put(month, 2, then: UInt8(ascii: "-"))
                put(day, 2, then: UInt8(ascii: "T"))
                put(secondOfDay / 3600, 2, then: UInt8(ascii: ":"))
                put(secondOfDay / 60 % 60, 2, then: UInt8(ascii: ":"))
                if precision == .seconds {
                    put(secondOfDay % 60, 2, then: UInt8(ascii: "Z"))
                } else {
                    let unitNanoseconds = Precision.nanoseconds.unitsPerSecond / precision.unitsPerSecond
                    put(secondOfDay % 60, 2, then: UInt8(ascii: "."))
                    put(Int64(nanoseconds) / unitNanoseconds, precision.rawValue, then: UInt8(ascii: "Z"))
                }
                return position
            }
        }
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
        text += pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if precision != .seconds {
            let unitNanoseconds = Precision.nanoseconds.unitsPerSecond / precision.unitsPerSecond
            text += "." + pad(Int64(nanoseconds) / unitNanoseconds, precision.rawValue)
        }
        return text + "Z"
    }

    /// Seconds since the epoch as a `Double`, rounded to the nearest unit of `precision` (a `Double` seldom holds
    /// a decimal fraction exactly: 0.057 is 0.05699999...). NaN counts as the epoch; out-of-range values clamp.
    public static func format(secondsSinceEpoch: Double, precision: Precision) -> String {
        let unitsPerSecond = precision.unitsPerSecond
        let scaled = (secondsSinceEpoch * Double(unitsPerSecond)).rounded()
        let limit = 9.2e18
        let units: Int64 =
            scaled.isNaN ? 0 : scaled >= limit ? Int64(limit) : scaled <= -limit ? -Int64(limit) : Int64(scaled)
        let remainder = (units % unitsPerSecond + unitsPerSecond) % unitsPerSecond
        let seconds = (units - remainder) / unitsPerSecond
        let nanoseconds = remainder * (Precision.nanoseconds.unitsPerSecond / unitsPerSecond)
        return format(seconds: seconds, nanoseconds: Int(nanoseconds), precision: precision)
    }

    /// The wall-clock time now, cut to `precision`.
    public static func now(precision: Precision = .milliseconds) -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int64(spec.tv_sec), nanoseconds: Int(spec.tv_nsec), precision: precision)
    }

    /// A time read from RFC 3339 text: whole seconds since the epoch in UTC (the offset applied) and the
    /// fraction as written, so callers convert it to their own unit with one rounding.
    public struct Time: Sendable, Hashable {
        /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
        public var seconds: Int64
        /// The fraction's digits as an integer (at most 18 digits are kept) ...
        public var fractionNumerator: UInt64
        /// ... and 10 to the power of their count (1 when there is no fraction).
        public var fractionDenominator: UInt64

        public init(seconds: Int64, fractionNumerator: UInt64 = 0, fractionDenominator: UInt64 = 1) {
            self.seconds = seconds
            self.fractionNumerator = fractionNumerator
            self.fractionDenominator = max(fractionDenominator, 1)
        }

        /// The fraction in units of `1 / unitsPerSecond` second, rounded half up (it may equal `unitsPerSecond`
        /// when a long fraction rounds up to the next second).
        public func fraction(unitsPerSecond: UInt64) -> UInt64 {
            let scaled = UInt128(fractionNumerator) * UInt128(unitsPerSecond) + UInt128(fractionDenominator / 2)
            return UInt64(scaled / UInt128(fractionDenominator))
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`T` may be `t` or a space, `Z` may be `z`; second 60,
    /// a leap second, reads as the next minute's first). Nil for anything else.
    public static func parse(_ text: String) -> Time? {
        let bytes = Array(text.utf8)
        var position = 0
        func digits(_ count: Int) -> Int64? {
            guard position + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let byte = bytes[position]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                position += 1
            }
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
            expect("Tt "), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
            let second = digits(2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var numerator: UInt64 = 0
        var denominator: UInt64 = 1
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digitCount = 0
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                if denominator < 1_000_000_000_000_000 {
                    numerator = numerator * 10 + UInt64(bytes[position] - UInt8(ascii: "0"))
                    denominator *= 10
                }
                digitCount += 1
                position += 1
            }
            guard digitCount > 0 else { return nil }
        }
        var offset: Int64 = 0
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "Z") || bytes[position] == UInt8(ascii: "z") {
            position += 1
        } else {
            let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let hours = digits(2), expect(":"), let minutes = digits(2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard position == bytes.count else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
        return Time(seconds: seconds, fractionNumerator: numerator, fractionDenominator: denominator)
    }

    // MARK: Calendar (Howard Hinnant's algorithms, proleptic Gregorian)

    /// Days since 1970-01-01 of a date.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count from 1970-01-01.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Decimal digits, zero-padded on the left to `width`.
    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
