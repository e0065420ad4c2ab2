#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// collectd's `cdtime_t`: 2^-30 s units, kept exactly.
///
/// collectd carries every time and interval in this unit on the wire (TIME_HR, INTERVAL_HR), so keeping the raw
/// integer lets a decoded datagram be re-encoded bit for bit.
public struct CollectdTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The time in units of 2^-30 seconds (since the Unix epoch for points in time).
    public var raw: UInt64

    /// Units per second: 2^30.
    public static let unitsPerSecond: UInt64 = 1 << 30

    /// The epoch (or a zero interval); collectd treats a zero time as "not set".
    public static let zero = CollectdTime(raw: 0)

    public init(raw: UInt64) {
        self.raw = raw
    }

    /// Converts seconds as collectd's `DOUBLE_TO_CDTIME_T` does (the product with 2^30, truncated).
    /// Negative and NaN inputs give zero; values beyond the range give the largest time.
    public init(seconds: Double) {
        let scaled = seconds * 1_073_741_824.0
        if !(scaled > 0) {
            raw = 0
        } else if scaled >= 18_446_744_073_709_551_616.0 {
            raw = .max
        } else {
            raw = UInt64(scaled)
        }
    }

    /// A whole number of seconds, as the low-resolution TIME and INTERVAL parts carry them.
    public init(wholeSeconds: UInt64) {
        raw = wholeSeconds &<< 30
    }

    /// Seconds as a Double (`CDTIME_T_TO_DOUBLE`); exact to about 0.2 µs for present-day times.
    public var seconds: Double {
        Double(raw) / 1_073_741_824.0
    }

    /// The current wall-clock time, converted as collectd's `TIMESPEC_TO_CDTIME_T` does.
    public static func now() -> CollectdTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let wholeSeconds = UInt64(max(0, spec.tv_sec))
        let nanoseconds = UInt64(max(0, spec.tv_nsec))
        return CollectdTime(raw: (wholeSeconds << 30) + ((nanoseconds << 30) + 500_000_000) / 1_000_000_000)
    }

    public static func < (lhs: CollectdTime, rhs: CollectdTime) -> Bool {
        lhs.raw < rhs.raw
    }

    /// Seconds with three decimals, as collectd's JSON and PUTVAL output print times.
    public var description: String {
        NumberText.milliseconds(self)
    }
}
