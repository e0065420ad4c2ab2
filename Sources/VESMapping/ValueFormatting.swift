import JSON

/// How numbers become text and text numbers in the mapping language, close to what Python did in ves_app (so a
/// `"{vl.value}"` string reads as it did there), with JSON's limits applied.
enum ValueFormatting {
    /// Integral values below 2^53 are written without a fraction (collectd's JSON gives Python ints for them);
    /// others in the shortest form that reads back the same; NaN and infinities as Python writes them.
    static func text(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// A number as a JSON value: an integer when integral and exact in a Double, else a number; nil for NaN and
    /// infinities, which JSON cannot hold.
    static func json(_ value: Double) -> JSONValue? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return .integer(Int64(value))
        }
        return .number(value)
    }

    /// `!Number` of a text: Python's `int(text)`, else `float(text)`; nil when neither reads it or it is not
    /// finite.
    static func number(fromText text: String) -> JSONValue? {
        let trimmed = text.trimmingWhitespace
        if let integer = Int64(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed) {
            return .integer(integer)
        }
        guard let value = Double(trimmed), value.isFinite else { return nil }
        return .number(value)
    }

    /// `!Bytes2Kibibytes`: bytes / 1024, rounded to three decimals as ves_app rounds.
    static func kibibytes(_ bytes: Double) -> Double {
        (bytes / 1024 * 1000).rounded() / 1000
    }

    /// `!StripExtraDash`: no dash at either end and no two in a row.
    static func stripExtraDashes(_ text: String) -> String {
        text.split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
    }

    /// `{n.severity}` as the Barometer files spell it in their mapping tables (collectd's C names).
    static func severityText(_ name: String) -> String {
        "NOTIF_" + name.uppercased()
    }

    /// The row of a MapValue table for a severity (`FAILURE`), spelled `NOTIF_FAILURE`, `FAILURE` or `failure`.
    static func severityRow(_ severity: String, in keys: [String]) -> Int? {
        let spellings = [
            "NOTIF_" + severity, severity, severity.lowercased(),
            severity.prefix(1) + severity.dropFirst().lowercased(),
        ]
        for spelling in spellings {
            if let index = keys.firstIndex(of: spelling) { return index }
        }
        return nil
    }

    /// The UTC date of a time as `YYYY-MM-DD` (`{system.date}`): the date part of its RFC 3339 form.
    static func date(secondsSinceEpoch seconds: Double) -> String {
        String(RFC3339.format(secondsSinceEpoch: seconds.rounded(.down), precision: .seconds).prefix(10))
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
