import Collectd

extension CollectdRecord {
    /// A `load` value list of `host`, as collectd's load plugin sends it: the three load averages.
    static func load(
        host: String = "compute-0",
        plugin: String = "load",
        at time: Double,
        interval: Double = 10,
        _ values: [Double]
    ) -> CollectdRecord {
        .values(
            ValueList(
                host: host,
                plugin: plugin,
                pluginInstance: "",
                type: "load",
                typeInstance: "",
                time: CollectdTime(seconds: time),
                interval: CollectdTime(seconds: interval),
                values: values.map { .gauge($0) }
            )
        )
    }
}
