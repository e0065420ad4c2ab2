/// RFC 3339 times as collectd's `rfc3339nano` writes them (UTC, nanoseconds), for write_http's notifications.
enum RFC3339 {
    static func format(_ time: CollectdTime) -> String {
        let seconds = Int64(time.raw >> 30)
        let fraction = time.raw & ((1 << 30) - 1)
        let nanoseconds = (fraction * 1_000_000_000 + (1 << 29)) >> 30
        let days = seconds / 86400
        let secondOfDay = seconds % 86400
        let (year, month, day) = civil(fromDays: days)
        func two(_ number: Int64) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let nano = String(nanoseconds)
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60)).\(String(repeating: "0", count: 9 - nano.count))\(nano)Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    static func parse(_ text: String) -> CollectdTime? {
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
        var fraction: UInt64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var numerator: UInt64 = 0
            var denominator: UInt64 = 1
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
            fraction = UInt64((UInt128(numerator) << 30 + UInt128(denominator / 2)) / UInt128(denominator))
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
        guard seconds >= 0, seconds < 1 << 34 else { return nil }
        return CollectdTime(raw: UInt64(seconds) << 30 + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719468
        let era = (shifted >= 0 ? shifted : shifted - 146096) / 146097
        let dayOfEra = shifted - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
