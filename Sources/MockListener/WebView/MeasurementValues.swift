import JSON

/// The numbers the page charts from one measurement event, under names that are the same in every VES version,
/// so one line can follow a host whatever version its agent speaks.
///
/// VES 1.1 and 5.4.1 put them in `measurementsForVfScalingFields`, 7.2.1 in `measurementFields`; the arrays and
/// members differ by version (1.1: `memoryUsed`, `vNicUsageArray` bytes; 5.4.1: `memoryUsageArray`,
/// `vNicPerformanceArray`; 7.2.1: `memoryUsageArray`, `nicPerformanceArray`, `loadArray`), as the schemas say.
enum MeasurementValues {
    /// The measurement domains: `measurementsForVfScaling` (1.1, 5.4.1) and `measurement` (7.2.1).
    static let domains: Set<String> = ["measurementsForVfScaling", "measurement"]
    /// The names of the values every version may have, in the order the page lists them.
    static let standardNames = [
        "cpuUsage", "memoryUsed", "nicReceivedOctets", "nicTransmittedOctets", "loadShortTerm", "loadMidTerm",
        "loadLongTerm",
    ]
    /// Prefix of the names of `additionalMeasurements` values: `additional:GROUP/NAME`.
    static let additionalPrefix = "additional:"
    /// Additional values read from one event at most.
    static let maxAdditional = 200

    /// The values of `event` by name: `cpuUsage` (the mean `percentUsage` of its CPUs), `memoryUsed` (summed over
    /// its VMs), `nicReceivedOctets` and `nicTransmittedOctets` (summed over its NICs, deltas where given),
    /// `loadShortTerm`, `loadMidTerm`, `loadLongTerm`, and each numeric `additionalMeasurements` value.
    static func of(_ event: JSONValue) -> [(name: String, value: Double)] {
        guard let fields = event["measurementFields"] ?? event["measurementsForVfScalingFields"] else { return [] }
        var values: [(name: String, value: Double)] = []
        let cpus = (fields["cpuUsageArray"]?.arrayValue ?? []).compactMap { $0["percentUsage"]?.doubleValue }
        if !cpus.isEmpty { values.append(("cpuUsage", cpus.reduce(0, +) / Double(cpus.count))) }
        if let used = fields["memoryUsed"]?.doubleValue {
            values.append(("memoryUsed", used))
        } else if let memory = sum(fields["memoryUsageArray"], ["memoryUsed"]) {
            values.append(("memoryUsed", memory))
        }
        let nics = fields["nicPerformanceArray"] ?? fields["vNicPerformanceArray"]
        if let received = sum(nics, ["receivedOctetsDelta", "receivedOctetsAccumulated"])
            ?? sum(fields["vNicUsageArray"], ["bytesIn"])
        {
            values.append(("nicReceivedOctets", received))
        }
        if let sent = sum(nics, ["transmittedOctetsDelta", "transmittedOctetsAccumulated"])
            ?? sum(fields["vNicUsageArray"], ["bytesOut"])
        {
            values.append(("nicTransmittedOctets", sent))
        }
        if let load = fields["loadArray"]?.arrayValue?.first {
            for (member, name) in [
                ("shortTerm", "loadShortTerm"), ("midTerm", "loadMidTerm"), ("longTerm", "loadLongTerm"),
            ] {
                if let value = load[member]?.doubleValue { values.append((name, value)) }
            }
        }
        values += additional(fields["additionalMeasurements"])
        return values
    }

    /// The sum of the first of `members` each item of `array` has; nil when no item has one.
    private static func sum(_ array: JSONValue?, _ members: [String]) -> Double? {
        var total: Double?
        for item in array?.arrayValue ?? [] {
            if let value = members.lazy.compactMap({ item[$0]?.doubleValue }).first {
                total = (total ?? 0) + value
            }
        }
        return total
    }

    /// `additionalMeasurements` as 1.1 (`measurements` of name and value), 5.4.1 (`arrayOfFields`) and 7.2.1
    /// (`hashMap`) write it; values are strings there, and those that are not numbers are left out.
    private static func additional(_ groups: JSONValue?) -> [(name: String, value: Double)] {
        var values: [(name: String, value: Double)] = []
        for group in groups?.arrayValue ?? [] {
            let groupName = group["name"]?.stringValue ?? ""
            var pairs: [(String, JSONValue)] = []
            if let fields = group["measurements"]?.arrayValue ?? group["arrayOfFields"]?.arrayValue {
                pairs = fields.compactMap { field in field["name"]?.stringValue.map { ($0, field["value"] ?? .null) } }
            } else if let map = group["hashMap"]?.objectValue {
                pairs = map.members.map { ($0.key, $0.value) }
            }
            for (name, value) in pairs {
                guard values.count < maxAdditional else { return values }
                let number = value.doubleValue ?? value.stringValue.flatMap { Double($0) }
                if let number, number.isFinite {
                    values.append((additionalPrefix + groupName + "/" + name, number))
                }
            }
        }
        return values
    }

    /// The event's own time in milliseconds since the epoch (`lastEpochMicrosec`, else `startEpochMicrosec`).
    static func time(of event: JSONValue) -> Double? {
        let header = event["commonEventHeader"]
        guard let micro = (header?["lastEpochMicrosec"] ?? header?["startEpochMicrosec"])?.doubleValue,
            micro.isFinite, micro > 0
        else { return nil }
        return micro / 1000
    }
}
