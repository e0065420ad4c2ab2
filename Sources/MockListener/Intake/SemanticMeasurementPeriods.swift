import JSON
import JSONSchema

/// 7.2.1's measurement rule: exactly one measurement event per period per sourceName.
///
/// A period starts at startEpochMicrosec (which 7.2.1 rounds to the interval boundary) and lasts
/// measurementInterval seconds; without a usable measurementInterval it ends at lastEpochMicrosec. Two periods of
/// one source are taken as the same period when they overlap by more than half of the shorter: a boundary a little
/// early or late (clock jitter, a window closed just after the next opened) is not a second event, while a
/// period reported again, nested in another or cut differently is. The second event gets the warning.
struct SemanticMeasurementPeriods: Sendable {
    private struct Period: Sendable {
        var start: Double
        var end: Double
        var eventId: String?
    }

    /// Periods remembered per source: enough for events that arrive a little out of order.
    static let periodsPerSource = 8
    /// A week in microseconds: longer periods (or intervals) are taken as mistakes and not compared.
    static let longestPeriod: Double = 7 * 86_400 * 1e6

    private var periods = SemanticMemory<String, [Period]>(capacity: 8_192)

    /// See `SemanticMemory.begin()`.
    mutating func begin() {
        periods.begin()
    }

    mutating func commit() {
        periods.commit()
    }

    mutating func rollback() {
        periods.rollback()
    }

    mutating func check(_ event: SemanticEvent) -> [Violation] {
        guard event.domain == "measurement", let period = Self.period(of: event) else { return [] }
        var known = periods[event.sourceKey] ?? []
        let clash = known.last { Self.sharePeriod($0, period) }
        known.append(period)
        if known.count > Self.periodsPerSource { known.removeFirst(known.count - Self.periodsPerSource) }
        periods.set(known, for: event.sourceKey)
        guard let clash else { return [] }
        let other = clash.eventId.map { "eventId '\($0)'" } ?? "an earlier event"
        return [
            event.warning(
                at: "startEpochMicrosec",
                "second measurement event from source '\(event.source)' for the period \(Self.describe(period)): "
                    + "it overlaps the period \(Self.describe(clash)) of \(other) by more than half; 7.2.1 expects "
                    + "exactly one measurement event per period per sourceName"
            )
        ]
    }

    private static func period(of event: SemanticEvent) -> Period? {
        guard let start = event.start, SemanticChecker.plausibleMicroseconds.contains(start) else { return nil }
        let eventId = event.eventId.map(SemanticEvent.remembered)
        if let seconds = event.event["measurementFields"]?["measurementInterval"]?.doubleValue, seconds > 0,
            seconds * 1e6 <= longestPeriod
        {
            return Period(start: start, end: start + seconds * 1e6, eventId: eventId)
        }
        if let last = event.last, last > start, last - start <= longestPeriod {
            return Period(start: start, end: last, eventId: eventId)
        }
        return nil
    }

    private static func sharePeriod(_ one: Period, _ other: Period) -> Bool {
        let overlap = min(one.end, other.end) - max(one.start, other.start)
        let shorter = min(one.end - one.start, other.end - other.start)
        return overlap > shorter / 2
    }

    private static func describe(_ period: Period) -> String {
        RFC3339.format(secondsSinceEpoch: period.start / 1e6, precision: .milliseconds) + " to "
            + RFC3339.format(secondsSinceEpoch: period.end / 1e6, precision: .milliseconds)
    }
}
