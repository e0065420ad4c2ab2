public import Collectd
import VESModel

/// Builds VES 1.1 events from the value cache and from notifications, field for field as the reference
/// plugin's `event_timer` and `notify` do, quirks included; where the plugin raised an exception and sent
/// nothing (missing values, unknown severity), it sends what can be built and says why in `notes`.
public struct EventBuilder: Sendable {
    /// What the builder needs to know of the configuration.
    public struct Settings: Sendable {
        public var hostname: String
        public var functionalRole: String
        public var guestRunning: Bool
        public init(hostname: String, functionalRole: String, guestRunning: Bool) {
            self.hostname = hostname
            self.functionalRole = functionalRole
            self.guestRunning = guestRunning
        }
    }

    /// The result of a tick or a notification.
    public struct Output: Sendable {
        public var events: [BuiltEvent] = []
        /// Why something was skipped or built differently from the plugin, for the log.
        public var notes: [String] = []
        /// VMs skipped because some of their virt values were not up to date (the plugin's warning).
        public var staleVMs: [String] = []
    }

    public var settings: Settings
    public var typesDB: TypesDB
    public var throttling = ThrottlingPolicy()
    private var lastEventId = 0

    public init(settings: Settings, typesDB: TypesDB) {
        self.settings = settings
        self.typesDB = typesDB
    }

    private mutating func nextEventId() -> String {
        lastEventId += 1
        return String(lastEventId)
    }

    // MARK: Measurements

    /// One tick of the plugin's timer: the measurement events of every up-to-date VM, or in GuestRunning mode
    /// the one event of the host. `now` is the tick's time in seconds (the clock's, as `time.time()` was);
    /// `interval` the send interval in force.
    public mutating func tick(cache: inout ValueCache, now: Double, interval: Double) -> Output {
        var output = Output()
        if settings.guestRunning {
            guestEvent(cache: &cache, now: now, interval: interval, output: &output)
        } else {
            virtEvents(cache: &cache, output: &output)
        }
        cache.finishTick()
        return output
    }

    private mutating func guestEvent(cache: inout ValueCache, now: Double, interval: Double, output: inout Output) {
        var fields = MeasurementFields()
        let eventId = nextEventId()
        fields.additionalMeasurements = additionalMeasurements(
            cache: &cache,
            excluding: ["cpu", "cpu-aggregation", "memory", "disk", "interface", "virt"],
            output: &output
        )
        let host = settings.hostname
        var header = commonHeader(domain: "measurementsForVfScaling", eventId: eventId, eventType: "Info")
        header.set(reporting: host, source: host)
        header.startEpochMicrosec = .number(now * 1_000_000)
        fields.measurementInterval = .number(interval)
        let system = cache.select(plugin: "cpu-aggregation", typeInstance: "system")
        let user = cache.select(plugin: "cpu-aggregation", typeInstance: "user")
        if let system = system.first?.values.first, let user = user.first?.values.first {
            fields.aggregateCpuUsage = (PythonNumber(system) + PythonNumber(user)).rounded(2).json
        } else {
            output.notes.append(
                "no cpu-aggregation system and user values: aggregateCpuUsage left 0 (the reference plugin sent no event)"
            )
        }
        let instances = cache.select(plugin: "cpu", typeInstance: "system", markAsRead: false).map(\.pluginInstance)
        for instance in instances {
            let system = cache.select(plugin: "cpu", pluginInstance: instance, typeInstance: "system")
            let user = cache.select(plugin: "cpu", pluginInstance: instance, typeInstance: "user")
            guard let systemValue = system.first?.values.first, let userValue = user.first?.values.first else {
                output.notes.append("cpu \(instance) has no user value: left out of cpuUsageArray")
                continue
            }
            fields.cpuUsage.append((instance, (PythonNumber(systemValue) + PythonNumber(userValue)).rounded(2).json))
        }
        if let used = cache.select(plugin: "memory", type: "memory", typeInstance: "used").first?.values.first {
            fields.memoryUsed = bytesToGB(used)
        }
        var interfaces = OrderedInterfaces()
        for series in cache.select(plugin: "interface", type: "if_packets") {
            interfaces.setPackets(series.pluginInstance, series.values)
        }
        for name in interfaces.names {
            if let octets = cache.select(plugin: "interface", pluginInstance: name, type: "if_octets").first {
                interfaces.setOctets(name, octets.values)
            }
        }
        appendInterfaces(interfaces, to: &fields, output: &output)
        emit(header: header, fields: fields, output: &output)
    }

    private mutating func virtEvents(cache: inout ValueCache, output: inout Output) {
        let machines = cache.select(plugin: "virt", type: "virt_cpu_total", markAsRead: false)
        for machine in machines {
            let name = machine.pluginInstance
            let all = cache.select(plugin: "virt", host: machine.host, pluginInstance: name, markAsRead: false)
            if all.contains(where: { !$0.updated }) {
                output.staleVMs.append(name)
                continue
            }
            var fields = MeasurementFields()
            let eventId = nextEventId()
            var header = commonHeader(domain: "measurementsForVfScaling", eventId: eventId, eventType: "Info")
            let entity = "\(settings.hostname)-virt-\(name)"
            header.reportingEntityId = entity
            header.reportingEntityName = entity
            let select = { (cache: inout ValueCache, type: String, typeInstance: String?) in
                cache.select(
                    plugin: "virt",
                    host: machine.host,
                    pluginInstance: name,
                    type: type,
                    typeInstance: typeInstance
                )
            }
            if let total = select(&cache, "virt_cpu_total", nil).first {
                fields.aggregateCpuUsage = .number(cpuPercentage(total))
                header.sourceId = total.host
                header.sourceName = total.host
                header.startEpochMicrosec = .number(total.time * 1_000_000)
            }
            for vcpu in select(&cache, "virt_vcpu", nil) {
                fields.cpuUsage.append((vcpu.typeInstance, .number(cpuPercentage(vcpu))))
            }
            fields.measurementInterval = .number(cache.plugin("virt")?.interval ?? 0)
            if let total = select(&cache, "memory", "total").first?.values.first {
                fields.memoryConfigured = bytesToGB(total)
            }
            if let rss = select(&cache, "memory", "rss").first?.values.first {
                fields.memoryUsed = bytesToGB(rss)
            }
            var interfaces = OrderedInterfaces()
            for series in select(&cache, "if_packets", nil) {
                interfaces.setPackets(series.typeInstance, series.values)
            }
            for interface in interfaces.names {
                if let octets = select(&cache, "if_octets", interface).first {
                    interfaces.setOctets(interface, octets.values)
                }
            }
            appendInterfaces(interfaces, to: &fields, output: &output)
            fields.additionalMeasurements = additionalMeasurements(cache: &cache, excluding: ["virt"], output: &output)
            emit(header: header, fields: fields, output: &output)
        }
    }

    private func appendInterfaces(_ interfaces: OrderedInterfaces, to fields: inout MeasurementFields, output: inout Output) {
        for name in interfaces.names {
            guard let packets = interfaces.packets[name], packets.count >= 2 else { continue }
            guard let octets = interfaces.octets[name], octets.count >= 2 else {
                output.notes.append(
                    "interface \(name) has packets but no octets: left out of vNicUsageArray (the reference plugin raised KeyError)"
                )
                continue
            }
            fields.vNics.append(
                JSONObject([
                    ("broadcastPacketsIn", .number(0)),
                    ("broadcastPacketsOut", .number(0)),
                    ("multicastPacketsIn", .number(0)),
                    ("multicastPacketsOut", .number(0)),
                    ("unicastPacketsIn", .number(0)),
                    ("unicastPacketsOut", .number(0)),
                    ("vNicIdentifier", .string(name)),
                    ("packetsIn", PythonNumber(packets[0]).json),
                    ("packetsOut", PythonNumber(packets[1]).json),
                    ("bytesIn", PythonNumber(octets[0]).json),
                    ("bytesOut", PythonNumber(octets[1]).json),
                ])
            )
        }
    }

    /// The plugin's `fill_additional_measurements`: one group per updated series of the other plugins, values
    /// as `str()`, each series marked as read.
    private func additionalMeasurements(
        cache: inout ValueCache,
        excluding excluded: Set<String>,
        output: inout Output
    ) -> [JSONValue] {
        var groups: [JSONValue] = []
        for (plugin, series) in cache.takeUpdated(excluding: excluded) {
            var name = plugin
            if !series.pluginInstance.isEmpty { name += "-" + series.pluginInstance }
            if !series.typeInstance.isEmpty { name += "-" + series.typeInstance }
            let sources = typesDB.dataSources(of: series.type)
            if sources == nil {
                output.notes.append("type \(series.type) is not in types.db: measurements of \(name) named by position")
            }
            let count = sources.map { min($0.count, series.values.count) } ?? series.values.count
            var measurements: [JSONValue] = []
            measurements.reserveCapacity(count)
            for index in 0..<count {
                let sourceName = sources?[index].name ?? String(index)
                measurements.append(
                    .object(
                        JSONObject([
                            ("name", .string(series.type + "-" + sourceName)),
                            ("value", .string(series.values[index].pythonText)),
                        ])
                    )
                )
            }
            groups.append(.object(JSONObject([("name", .string(name)), ("measurements", .array(measurements))])))
        }
        return groups
    }

    /// The plugin's `cpu_ns_to_percentage`: CPU nanoseconds between the last two values as a percentage.
    private func cpuPercentage(_ series: ValueCache.Series) -> Double {
        guard let total = series.values.first, let previous = series.previousValues.first else { return 0 }
        let elapsed = series.time - series.previousTime
        if elapsed == 0 { return 0 }
        let used = (PythonNumber(total) - PythonNumber(previous)).double
        return PythonJSON.round((100.0 * used) / (elapsed * 1_000_000_000.0), digits: 2)
    }

    /// The plugin's `bytes_to_gb`.
    private func bytesToGB(_ value: Value) -> JSONValue {
        .number(PythonJSON.round(PythonNumber(value).double / 1_073_741_824.0, digits: 3))
    }

    // MARK: Faults

    /// The plugin's `notify`: a fault event for a collectd notification.
    public mutating func fault(for notification: Notification) -> Output {
        var output = Output()
        let eventId = nextEventId()
        var header = commonHeader(domain: "fault", eventId: eventId, eventType: "Notification")
        header.set(reporting: settings.hostname, source: settings.hostname)
        let start = JSONValue.number(notification.time.seconds * 1_000_000)
        header.startEpochMicrosec = start
        header.lastEpochMicrosec = start
        let severity: String
        switch notification.severity {
        case .failure: severity = "CRITICAL"
        case .warning: severity = "WARNING"
        case .okay: severity = "NORMAL"
        }
        let problem = (notification.pluginInstance.isEmpty ? "" : notification.pluginInstance) + "-"
            + notification.typeInstance
        let interface = notification.plugin + "-" + notification.pluginInstance
        let fields = JSONObject([
            ("faultFieldsVersion", .number(1.1)),
            ("eventSeverity", .string(severity)),
            ("eventSourceType", .string(settings.guestRunning ? "virtualMachine(8)" : "host(3)")),
            ("alarmCondition", .string(notification.message)),
            ("specificProblem", .string(problem)),
            ("vfStatus", .string("Active")),
            ("alarmInterfaceA", .string(interface)),
            ("alarmAdditionalInformation", .array([])),
        ])
        emit(header: header, domainFields: ("faultFields", fields), output: &output)
        return output
    }

    // MARK: Assembly

    private func commonHeader(domain: String, eventId: String, eventType: String) -> CommonHeader {
        CommonHeader(domain: domain, eventId: eventId, eventType: eventType, functionalRole: settings.functionalRole)
    }

    private func emit(header: CommonHeader, fields: MeasurementFields, output: inout Output) {
        emit(header: header, domainFields: ("measurementsForVfScalingFields", fields.object), output: &output)
    }

    private func emit(header: CommonHeader, domainFields: (String, JSONObject), output: inout Output) {
        var fields = domainFields.1
        var headerObject = header.object
        throttling.apply(domain: header.domain, header: &headerObject, fields: &fields, fieldsName: domainFields.0)
        let event = JSONValue.object(JSONObject([("commonEventHeader", .object(headerObject)), (domainFields.0, .object(fields))]))
        output.events.append(
            BuiltEvent(
                domain: header.domain,
                eventId: header.eventId,
                reportingEntityName: header.reportingEntityName,
                eventJSON: PythonJSON.dumps(event)
            )
        )
    }
}

/// The plugin's `Event` header with its defaults.
struct CommonHeader {
    var domain: String
    var eventId: String
    var eventType: String
    var functionalRole: String
    var sourceId = ""
    var sourceName = ""
    var reportingEntityId = ""
    var reportingEntityName = ""
    var startEpochMicrosec: JSONValue = .integer(0)
    var lastEpochMicrosec: JSONValue = .integer(0)

    mutating func set(reporting: String, source: String) {
        reportingEntityId = reporting
        reportingEntityName = reporting
        sourceId = source
        sourceName = source
    }

    var object: JSONObject {
        JSONObject([
            ("version", .number(1.1)),
            ("eventType", .string(eventType)),
            ("domain", .string(domain)),
            ("eventId", .string(eventId)),
            ("sourceId", .string(sourceId)),
            ("sourceName", .string(sourceName)),
            ("functionalRole", .string(functionalRole)),
            ("reportingEntityId", .string(reportingEntityId)),
            ("reportingEntityName", .string(reportingEntityName)),
            ("priority", .string("Normal")),
            ("startEpochMicrosec", startEpochMicrosec),
            ("lastEpochMicrosec", lastEpochMicrosec),
            ("sequence", .integer(0)),
        ])
    }
}

/// The plugin's `MeasurementsForVfScaling` fields with their defaults.
struct MeasurementFields {
    var additionalMeasurements: [JSONValue] = []
    var aggregateCpuUsage: JSONValue = .integer(0)
    var cpuUsage: [(String, JSONValue)] = []
    var measurementInterval: JSONValue = .integer(0)
    var memoryConfigured: JSONValue = .integer(0)
    var memoryUsed: JSONValue = .integer(0)
    var vNics: [JSONObject] = []

    var object: JSONObject {
        JSONObject([
            ("additionalMeasurements", .array(additionalMeasurements)),
            ("aggregateCpuUsage", aggregateCpuUsage),
            ("codecUsageArray", .array([])),
            ("concurrentSessions", .integer(0)),
            ("configuredEntities", .integer(0)),
            (
                "cpuUsageArray",
                .array(
                    cpuUsage.map { .object(JSONObject([("cpuIdentifier", .string($0.0)), ("percentUsage", $0.1)])) }
                )
            ),
            ("errors", .array([])),
            ("featureUsageArray", .array([])),
            ("filesystemUsageArray", .array([])),
            ("latencyDistribution", .array([])),
            ("meanRequestLatency", .integer(0)),
            ("measurementFieldsVersion", .number(1.1)),
            ("measurementInterval", measurementInterval),
            ("memoryConfigured", memoryConfigured),
            ("memoryUsed", memoryUsed),
            ("numberOfMediaPortsInUse", .integer(0)),
            ("requestRate", .integer(0)),
            ("vnfcScalingMetric", .integer(0)),
            ("vNicUsageArray", .array(vNics.map { .object($0) })),
        ])
    }
}

/// Interfaces in first-seen order with their packet and octet values (the plugin's `ifinfo` dict).
struct OrderedInterfaces {
    private(set) var names: [String] = []
    var packets: [String: [Value]] = [:]
    var octets: [String: [Value]] = [:]

    mutating func setPackets(_ name: String, _ values: [Value]) {
        if packets[name] == nil { names.append(name) }
        packets[name] = values
    }

    mutating func setOctets(_ name: String, _ values: [Value]) {
        octets[name] = values
    }
}
