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
        var tally = Tally(authFile: authFile)
        for entry in trace.entries { add(entry, to: &tally) }
        series = tally.series.count
    }

    /// Reads the trace entry by entry, so a trace of any size is inspected in the memory its series take.
    public init(reading reader: TraceReader, authFile: AuthFile? = nil) throws(CollectdError) {
        path = reader.path
        format = reader.format
        var tally = Tally(authFile: authFile)
        while let entry = try reader.next() { add(entry, to: &tally) }
        series = tally.series.count
    }

    /// What counting needs beside the counts: the decoder of captured datagrams and the series seen.
    private struct Tally {
        var decoder: NetworkDecoder
        var series = Set<String>()

        init(authFile: AuthFile?) {
            decoder = NetworkDecoder(securityLevel: .none, authFile: authFile)
        }
    }

    private mutating func add(_ entry: TraceEntry, to tally: inout Tally) {
        entries += 1
        let records: [CollectdRecord]
        switch entry.payload {
        case .records(let decoded): records = decoded
        case .datagram(let bytes):
            datagrams += 1
            let (decoded, failure) = tally.decoder.decode(bytes)
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
                tally.series.insert(list.identifier)
            case .notification(let notification):
                notifications += 1
                severities[notification.severity.name, default: 0] += 1
            }
        }
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
