public import Collectd

/// Rewrites what is sent: times shifted so the trace starts at a given moment (gaps kept) and host names renamed.
/// With nothing to rewrite, datagrams go out exactly as captured.
public struct TraceTransform: Sendable {
    /// Added to every time (value lists, notifications, receive times); nil leaves times alone.
    public var timeOffset: Double?
    public var renamedHosts: [String: String]

    public init(timeOffset: Double? = nil, renamedHosts: [String: String] = [:]) {
        self.timeOffset = timeOffset
        self.renamedHosts = renamedHosts
    }

    public var isIdentity: Bool { (timeOffset ?? 0) == 0 && renamedHosts.isEmpty }

    /// The offset that moves a trace starting at `traceStart` to `now`.
    public static func offset(startingAt traceStart: Double, now: Double) -> Double { now - traceStart }

    public func apply(_ record: CollectdRecord) -> CollectdRecord {
        switch record {
        case .values(var list):
            list.time = shifted(list.time)
            if let host = renamedHosts[list.host] { list.host = host }
            return .values(list)
        case .notification(var notification):
            notification.time = shifted(notification.time)
            if let host = renamedHosts[notification.host] { notification.host = host }
            return .notification(notification)
        }
    }

    private func shifted(_ time: CollectdTime) -> CollectdTime {
        guard let timeOffset, timeOffset != 0, time.raw != 0 else { return time }
        // whole 2^-30 s units, so an unshifted fraction stays exact
        // clamped: an offset beyond what a collectd time holds (a wide trace looped many times) saturates
        let scaled = (timeOffset * Double(CollectdTime.unitsPerSecond)).rounded()
        let units = scaled.isNaN ? 0 : Int64(exactly: scaled) ?? (scaled > 0 ? .max : .min)
        let (raw, overflow) = Int64(clamping: time.raw).addingReportingOverflow(units)
        guard !overflow else { return CollectdTime(raw: units > 0 ? UInt64(Int64.max) : 0) }
        return CollectdTime(raw: UInt64(max(0, raw)))
    }
}
