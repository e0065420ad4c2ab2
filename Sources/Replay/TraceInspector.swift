public import Collectd
import JSON

/// What a trace holds, for `ves-replay inspect`: hosts, plugins, types, time span and value lists per interval.
public struct TraceInspection: Sendable, CustomStringConvertible {
    public var path: String
    public var format: TraceFormat
    public var entries = 0
    public var datagrams = 0
    public var undecodable = 0
    public var valueLists = 0
    public var notifications = 0
    public var hosts: [String: Int] = [:]
    public var plugins: [String: Int] = [:]
    public var types: [String: Int] = [:]
    public var severities: [String: Int] = [:]
    public var firstTime: Double?
    public var lastTime: Double?
    /// Value lists by their collection interval in seconds.
    public var intervals: [Double: Int] = [:]
    /// Distinct series (host/plugin-instance/type-instance).
    public var series = 0

    public init(trace: LoadedTrace, authFile: AuthFile? = nil) {
        path = trace.path
        format = trace.format
        var decoder = NetworkDecoder(securityLevel: .none, authFile: authFile)
        var seriesSeen = Set<String>()
        for entry in trace.entries {
            entries += 1
            let records: [CollectdRecord]
            switch entry.payload {
            case .records(let decoded): records = decoded
            case .datagram(let bytes):
                datagrams += 1
                let (decoded, failure) = decoder.decode(bytes)
                if failure != nil { undecodable += 1 }
                records = decoded
            }
            for record in records {
                let time = record.time.seconds
                firstTime = min(firstTime ?? time, time)
                lastTime = max(lastTime ?? time, time)
                hosts[record.host, default: 0] += 1
                switch record {
                case .values(let list):
                    valueLists += 1
                    plugins[list.plugin, default: 0] += 1
                    types[list.type, default: 0] += 1
                    intervals[list.interval.seconds, default: 0] += 1
                    seriesSeen.insert(list.identifier)
                case .notification(let notification):
                    notifications += 1
                    severities[notification.severity.name, default: 0] += 1
                }
            }
        }
        series = seriesSeen.count
    }

    /// Value lists per collection interval: how many arrive each time every series reports once.
    public var valueListsPerInterval: Double? {
        guard let firstTime, let lastTime, let interval = intervals.max(by: { $0.value < $1.value })?.key,
            interval > 0
        else { return nil }
        let steps = max(1, ((lastTime - firstTime) / interval).rounded() + 1)
        return Double(valueLists) / steps
    }

    public var description: String {
        func counts(_ map: [String: Int]) -> String {
            map.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key.isEmpty ? "(empty)" : $0.key) \($0.value)" }.joined(separator: ", ")
        }
        var lines = ["\(path): \(format.rawValue), \(entries) entries"]
        if datagrams > 0 { lines.append("datagrams: \(datagrams) (\(undecodable) not decodable)") }
        lines.append("value lists: \(valueLists) in \(series) series; notifications: \(notifications)")
        lines.append("hosts: \(counts(hosts))")
        lines.append("plugins: \(counts(plugins))")
        lines.append("types: \(counts(types))")
        if !severities.isEmpty { lines.append("notification severities: \(counts(severities))") }
        if let firstTime, let lastTime {
            lines.append(
                "time: \(RFC3339.format(secondsSinceEpoch: firstTime, precision: .milliseconds)) to "
                    + "\(RFC3339.format(secondsSinceEpoch: lastTime, precision: .milliseconds)) "
                    + "(\(Double(Int((lastTime - firstTime) * 1000)) / 1000) s)"
            )
        }
        let intervalText = intervals.sorted { $0.key < $1.key }.map { "\($0.key) s: \($0.value)" }
        if !intervalText.isEmpty { lines.append("intervals: " + intervalText.joined(separator: ", ")) }
        if let perInterval = valueListsPerInterval {
            lines.append("value lists per interval: \(Double(Int(perInterval * 10)) / 10)")
        }
        return lines.joined(separator: "\n")
    }
}
