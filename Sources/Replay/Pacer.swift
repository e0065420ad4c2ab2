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
        if let speed, let traceTime {
            let first = firstTraceTime ?? traceTime
            firstTraceTime = first
            let offset = max(0, (traceTime - first) / speed)
            due = start.advanced(by: .nanoseconds(Int64(offset * 1e9)))
        }
        if let rate, rate > 0 {
            let byRate = start.advanced(by: .nanoseconds(Int64(Double(sentValueLists) / rate * 1e9)))
            if byRate > due { due = byRate }
        }
        sentValueLists += valueLists
        if due - now > .milliseconds(1) {
            try await Task.sleep(until: due, clock: clock)
        }
    }

    /// Seconds since the first step.
    public var elapsed: Double {
        guard let start else { return 0 }
        return (clock.now - start).inSeconds
    }
}

extension Duration {
    /// The duration as seconds, for summaries and rates.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
