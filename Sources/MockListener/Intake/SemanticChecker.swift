import JSON
import JSONSchema
import VESModel

/// Checks a schema cannot express, reported as warnings: repeated eventIds, sequences that go back,
/// epoch fields that are not microseconds of a plausible date.
struct SemanticChecker: Sendable {
    private var eventIdsBySource: [String: Set<String>] = [:]
    private var lastSequence: [SourceDomain: Int64] = [:]

    private struct SourceDomain: Hashable {
        var source: String
        var domain: String
    }

    /// 2000-01-01 and 2100-01-01 in microseconds since the epoch.
    static let plausibleMicroseconds: ClosedRange<Double> = 946_684_800_000_000...4_102_444_800_000_000

    mutating func check(_ event: JSONValue, pointer: String) -> [Violation] {
        guard let header = event["commonEventHeader"] else { return [] }
        let headerPointer = JSONPointer.appending("commonEventHeader", to: pointer)
        var warnings: [Violation] = []
        let source = header["sourceName"]?.stringValue ?? header["reportingEntityName"]?.stringValue ?? ""

        if let eventId = header["eventId"]?.stringValue {
            let inserted = eventIdsBySource[source, default: []].insert(eventId).inserted
            if !inserted {
                warnings.append(
                    .init(
                        pointer: JSONPointer.appending("eventId", to: headerPointer),
                        message: "eventId '\(eventId)' was already sent by source '\(source)'",
                        keyword: "semantic"
                    )
                )
            }
        }
        if let sequence = header["sequence"]?.intValue, let domain = header["domain"]?.stringValue {
            let key = SourceDomain(source: source, domain: domain)
            if let last = lastSequence[key], sequence < last {
                warnings.append(
                    .init(
                        pointer: JSONPointer.appending("sequence", to: headerPointer),
                        message:
                            "sequence \(sequence) goes back (last was \(last) for source '\(source)', domain '\(domain)')",
                        keyword: "semantic"
                    )
                )
            }
            lastSequence[key] = sequence
        }
        let start = header["startEpochMicrosec"]?.doubleValue
        if let start, let problem = Self.epochProblem(start) {
            warnings.append(
                .init(
                    pointer: JSONPointer.appending("startEpochMicrosec", to: headerPointer),
                    message: "startEpochMicrosec \(Self.render(start)) \(problem)",
                    keyword: "semantic"
                )
            )
        }
        if let start, let last = header["lastEpochMicrosec"]?.doubleValue, last != 0, last < start {
            warnings.append(
                .init(
                    pointer: JSONPointer.appending("lastEpochMicrosec", to: headerPointer),
                    message:
                        "lastEpochMicrosec \(Self.render(last)) is before startEpochMicrosec \(Self.render(start))",
                    keyword: "semantic"
                )
            )
        }
        return warnings
    }

    static func epochProblem(_ value: Double) -> String? {
        if plausibleMicroseconds.contains(value) { return nil }
        if (plausibleMicroseconds.lowerBound / 1e6...plausibleMicroseconds.upperBound / 1e6).contains(value) {
            return "looks like seconds, not microseconds since the epoch"
        }
        if (plausibleMicroseconds.lowerBound / 1e3...plausibleMicroseconds.upperBound / 1e3).contains(value) {
            return "looks like milliseconds, not microseconds since the epoch"
        }
        if (plausibleMicroseconds.lowerBound * 1e3...plausibleMicroseconds.upperBound * 1e3).contains(value) {
            return "looks like nanoseconds, not microseconds since the epoch"
        }
        return "is not microseconds of a date between 2000 and 2100"
    }

    private static func render(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e18 ? String(Int64(value)) : String(value)
    }
}
