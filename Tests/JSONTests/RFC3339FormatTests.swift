import JSON
import Testing

@Suite("RFC 3339 times as the listener and the agent write them")
struct RFC3339FormatTests {
    @Test(
        "each precision, leap days, before the epoch and the last second of year 9999",
        arguments: [
            (Int64(0), 0, RFC3339.Precision.milliseconds, "1970-01-01T00:00:00.000Z"),
            (1_795_600_000, 123_456_789, .seconds, "2026-11-25T09:46:40Z"),
            (1_795_600_000, 123_456_789, .milliseconds, "2026-11-25T09:46:40.123Z"),
            (1_795_600_000, 123_456_789, .microseconds, "2026-11-25T09:46:40.123456Z"),
            (1_795_600_000, 123_456_789, .nanoseconds, "2026-11-25T09:46:40.123456789Z"),
            (951_782_400, 5, .nanoseconds, "2000-02-29T00:00:00.000000005Z"),
            (-1, 999_999_999, .milliseconds, "1969-12-31T23:59:59.999Z"),
            (253_402_300_799, 999_000_000, .milliseconds, "9999-12-31T23:59:59.999Z"),
        ]
    )
    func format(_ seconds: Int64, _ nanoseconds: Int, _ precision: RFC3339.Precision, _ expected: String) {
        #expect(RFC3339.format(seconds: seconds, nanoseconds: nanoseconds, precision: precision) == expected)
    }

    @Test("a year past 9999 is written in full; what is written reads back as the same second")
    func wideYearsAndRoundTrip() throws {
        #expect(RFC3339.format(seconds: 253_402_300_800, precision: .seconds) == "10000-01-01T00:00:00Z")
        for seconds in stride(from: Int64(-86_400 * 800), to: 86_400 * 40_000, by: 86_400 * 7 + 3_601) {
            let text = RFC3339.format(seconds: seconds, nanoseconds: 250_000_000, precision: .milliseconds)
            let time = try #require(RFC3339.parse(text), "\(text) parses")
            #expect(time.seconds == seconds)
            #expect(time.fraction(unitsPerSecond: 1000) == 250)
        }
    }
}
