import Platform

/// Decides when each step of a trace goes out: at the recorded pace divided by `speed`, never faster than `rate`
/// value lists per second. It sleeps only when it is ahead by more than a millisecond, so `--speed max` costs nothing.
public struct Pacer: Sendable {
    /// nil: as fast as possible.
    public var speed: Double?
    /// Cap in value lists per second; nil: none.
    public var rate: Double?

    private let clock = ContinuousClock()
    private var start: ContinuousClock.Instant?
    private var firstTraceTime: Double?
    private var sentValueLists = 0

    public init(speed: Double?, rate: Double?) {
        self.speed = speed
        self.rate = rate
    }

    /// Waits until a step recorded at `traceTime` holding `valueLists` value lists may go.
    public mutating func waitForTurn(traceTime: Double?, valueLists: Int) async throws {
        let now = clock.now
        let start = self.start ?? now
        self.start = start
        var due = start
        if let speed, let traceTime, traceTime.isFinite {
            let first = firstTraceTime ?? traceTime
            firstTraceTime = first
            due = start.advanced(by: Self.duration(seconds: (traceTime - first) / speed))
        }
        if let rate, rate > 0 {
            let byRate = start.advanced(by: Self.duration(seconds: Double(sentValueLists) / rate))
            if byRate > due { due = byRate }
        }
        sentValueLists += valueLists
        if due - now > .milliseconds(1) {
            try await Task.sleep(until: due, clock: clock)
        }
    }

    /// The longest wait one step can ask for: about 31 years. A hostile or corrupt trace (times far apart, a
    /// receive time of 1e300) then waits long but never traps converting seconds to nanoseconds.
    static let longestWait = 1e9

    /// `seconds` as a Duration, negative and not-a-number as zero, and at most ``longestWait``.
    static func duration(seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(seconds, longestWait) * 1e9))
    }

    /// Seconds since the first step.
    public var elapsed: Double {
        guard let start else { return 0 }
        return (clock.now - start).inSeconds
    }
}
