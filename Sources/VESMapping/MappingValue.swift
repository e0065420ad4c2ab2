public import Collectd

/// One data source of one collectd value list: a row of ves_app's value cache (the user guide's "Collectd metrics
/// in VES" table), which `{vl.*}` references and SELECT criteria read.
public struct MappingValue: Sendable, Hashable {
    public var host: String
    public var plugin: String
    public var pluginInstance: String
    public var type: String
    public var typeInstance: String
    /// The data source's name from types.db (`value`, `rx`, `shortterm`, ...).
    public var dsName: String
    public var value: Double
    /// When collectd read the value, in seconds since the epoch.
    public var time: Double
    /// collectd's interval for the value list, in seconds.
    public var interval: Double

    public init(
        host: String,
        plugin: String,
        pluginInstance: String = "",
        type: String,
        typeInstance: String = "",
        dsName: String = "value",
        value: Double,
        time: Double,
        interval: Double
    ) {
        self.host = host
        self.plugin = plugin
        self.pluginInstance = pluginInstance
        self.type = type
        self.typeInstance = typeInstance
        self.dsName = dsName
        self.value = value
        self.time = time
        self.interval = interval
    }

    /// The rows of one value list, one per data source, named as `typesDB` names the type's sources. A type
    /// types.db does not know gets `value` for a single source, `value0`, `value1`, ... for several.
    public static func rows(of list: ValueList, typesDB: TypesDB) -> [MappingValue] {
        let sources = typesDB.dataSources(of: list.type)
        return list.values.enumerated().map { index, value in
            let name: String
            if let sources, sources.count == list.values.count {
                name = sources[index].name
            } else {
                name = list.values.count == 1 ? "value" : "value\(index)"
            }
            return MappingValue(
                host: list.host,
                plugin: list.plugin,
                pluginInstance: list.pluginInstance,
                type: list.type,
                typeInstance: list.typeInstance,
                dsName: name,
                value: value.doubleValue,
                time: list.time.seconds,
                interval: list.interval.seconds
            )
        }
    }

    /// The six names that identify a row in ves_app's cache.
    var identity: [String] { [host, plugin, pluginInstance, type, typeInstance, dsName] }
}

/// What the agent knows that the mapping file refers to: `{system.hostname}`, `{config.interval}`.
public struct MappingSettings: Sendable, Hashable {
    /// The real hostname of the machine (ves_app hard-coded "localhost").
    public var hostname: String
    /// The agent's SendEventInterval in seconds (`{config.interval}`).
    public var sendInterval: Double

    public init(hostname: String, sendInterval: Double) {
        self.hostname = hostname
        self.sendInterval = sendInterval
    }
}
