/// The values of one run, one row per identity (host, plugin, plugin instance, type, type instance, data source)
/// in the order first given, with buckets by plugin and by plugin instance so a SELECT that names them reads a
/// few rows instead of all: a VM's twenty ValueItems each look at that VM's rows only.
struct ValueTable {
    struct InstanceKey: Hashable {
        var plugin: String
        var pluginInstance: String
    }

    private(set) var rows: [MappingValue] = []
    private var byPlugin: [String: [Int]] = [:]
    private var byInstance: [InstanceKey: [Int]] = [:]
    /// Rows given beyond the limit and left out.
    private(set) var leftOut = 0

    /// A later row with the identity of an earlier one replaces it in place (the cache holds one value per
    /// identity, as ves_app's did).
    init(_ values: [MappingValue], limit: Int) {
        var positions: [[String]: Int] = [:]
        for value in values {
            if let position = positions[value.identity] {
                rows[position] = value
                continue
            }
            guard rows.count < limit else {
                leftOut += 1
                continue
            }
            positions[value.identity] = rows.count
            byPlugin[value.plugin, default: []].append(rows.count)
            byInstance[InstanceKey(plugin: value.plugin, pluginInstance: value.pluginInstance), default: []]
                .append(rows.count)
            rows.append(value)
        }
    }

    /// The rows that can match a selection demanding these exact plugin and plugin instance values (nil: any).
    func candidates(plugin: String?, pluginInstance: String?) -> [Int] {
        switch (plugin, pluginInstance) {
        case (let plugin?, let instance?):
            return byInstance[InstanceKey(plugin: plugin, pluginInstance: instance)] ?? []
        case (let plugin?, nil):
            return byPlugin[plugin] ?? []
        default:
            return Array(rows.indices)
        }
    }
}

extension MappingValue {
    /// A field as text, numbers written as the language writes them.
    func text(_ field: MetricField) -> String {
        switch field {
        case .host: host
        case .plugin: plugin
        case .pluginInstance: pluginInstance
        case .type: type
        case .typeInstance: typeInstance
        case .dsName: dsName
        case .value: ValueFormatting.text(value)
        case .time: ValueFormatting.text(time)
        case .interval: ValueFormatting.text(interval)
        }
    }

    /// A numeric field as a number.
    func number(_ field: MetricField) -> Double? {
        switch field {
        case .value: value
        case .time: time
        case .interval: interval
        default: nil
        }
    }
}
