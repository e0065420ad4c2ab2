public import Collectd
import JSON
import VESModel

/// Builds VES 1.1 events from the value cache and from notifications, field for field as the reference
/// plugin's `event_timer` and `notify` do, quirks included; where the plugin raised an exception and sent
/// nothing (missing values), it sends what can be built and says why in `notes`.
///
/// Events are written straight to JSON text in `json.dumps`'s format and member order, without a tree.
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
        public var staleVMCount = 0
        /// The first few of them by name, for the log.
        public var staleVMExamples: [String] = []
    }

    public var settings: Settings
    public var typesDB: TypesDB
    public var throttling = ThrottlingPolicy()
    /// Numbers the events `1`, `2`, ... as the plugin did; a counter kept in the spool goes on after a restart.
    let eventIds: EventIdCounter
    /// Types already noted as not in types.db: the note goes out once per type, not per series per tick (at
    /// most `maximumNotedTypes`, so names a sender keeps inventing cannot grow it).
    private var notedUnknownTypes: Set<String> = []
    static let maximumNotedTypes = 1000

    public init(settings: Settings, typesDB: TypesDB, eventIds: EventIdCounter = EventIdCounter()) {
        self.settings = settings
        self.typesDB = typesDB
        self.eventIds = eventIds
    }

    private mutating func nextEventId() -> String {
        String(eventIds.take())
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
        var header = CommonHeader(domain: .measurement, eventId: eventId, functionalRole: settings.functionalRole)
        header.set(reporting: host, source: host)
        header.startEpochMicrosec = .float(now * 1_000_000)
        fields.measurementInterval = .float(interval)
        let system = cache.select(plugin: "cpu-aggregation", typeInstance: "system")
        let user = cache.select(plugin: "cpu-aggregation", typeInstance: "user")
        if let system = system.first?.current.values.firstValue, let user = user.first?.current.values.firstValue {
            fields.aggregateCpuUsage = (PythonNumber(system) + PythonNumber(user)).rounded(2)
        } else {
            output.notes.append(
                "no cpu-aggregation system and user values: aggregateCpuUsage left 0 (the reference plugin sent no event)"
            )
        }
        let instances = cache.select(plugin: "cpu", typeInstance: "system", markAsRead: false).map(\.key.pluginInstance)
        for instance in instances {
            let system = cache.select(plugin: "cpu", pluginInstance: instance, typeInstance: "system")
            let user = cache.select(plugin: "cpu", pluginInstance: instance, typeInstance: "user")
            let name = cache.name(instance)
            guard let systemValue = system.first?.current.values.firstValue,
                let userValue = user.first?.current.values.firstValue
            else {
                output.notes.append("cpu \(name) has no user value: left out of cpuUsageArray")
                continue
            }
            fields.cpuUsage.append((name, (PythonNumber(systemValue) + PythonNumber(userValue)).rounded(2)))
        }
        if let used = cache.select(plugin: "memory", type: "memory", typeInstance: "used").first?.current.values
            .firstValue
        {
            fields.memoryUsed = bytesToGB(used)
        }
        var interfaces = OrderedInterfaces()
        for series in cache.select(plugin: "interface", type: "if_packets") {
            interfaces.setPackets(series.key.pluginInstance, series.current.values)
        }
        for name in interfaces.names {
            if let octets = cache.select(plugin: "interface", pluginInstance: name, type: "if_octets").first {
                interfaces.setOctets(name, octets.current.values)
            }
        }
        appendInterfaces(interfaces, cache: cache, to: &fields, output: &output)
        emit(header: header, fields: fields, output: &output)
    }

    private mutating func virtEvents(cache: inout ValueCache, output: inout Output) {
        guard let cpuTotalType = cache.id(of: "virt_cpu_total") else { return }
        let machines = cache.keys(plugin: "virt", typeID: cpuTotalType)
        let interval = cache.interval(ofPlugin: "virt")
        // the names every VM is looked up by, interned once per tick (nil: no series has it)
        let vcpuType = cache.id(of: "virt_vcpu")
        let memoryType = cache.id(of: "memory")
        let totalInstance = cache.id(of: "total")
        let rssInstance = cache.id(of: "rss")
        let packetsType = cache.id(of: "if_packets")
        let octetsType = cache.id(of: "if_octets")
        guard let virt = cache.slot(ofPlugin: "virt") else { return }
        for machine in machines {
            let host = machine.host
            let vm = machine.pluginInstance
            if !cache.allUpdated(in: virt, host: host, pluginInstance: vm) {
                output.staleVMCount += 1
                if output.staleVMExamples.count < 5 { output.staleVMExamples.append(cache.name(vm)) }
                continue
            }
            var fields = MeasurementFields()
            let eventId = nextEventId()
            var header = CommonHeader(domain: .measurement, eventId: eventId, functionalRole: settings.functionalRole)
            let entity = "\(settings.hostname)-virt-\(cache.name(vm))"
            header.reportingEntityId = entity
            header.reportingEntityName = entity
            func select(_ type: UInt32?, _ typeInstance: UInt32? = nil) -> [ValueCache.Series] {
                guard let type else { return [] }
                return cache.select(
                    in: virt,
                    host: host,
                    pluginInstance: vm,
                    typeID: type,
                    typeInstanceID: typeInstance
                )
            }
            if let total = select(cpuTotalType).first {
                fields.aggregateCpuUsage = .float(cpuPercentage(total))
                let source = cache.name(total.key.host)
                header.sourceId = source
                header.sourceName = source
                header.startEpochMicrosec = .float(total.current.time * 1_000_000)
            }
            for vcpu in select(vcpuType) {
                fields.cpuUsage.append((cache.name(vcpu.key.typeInstance), .float(cpuPercentage(vcpu))))
            }
            fields.measurementInterval = .float(interval)
            if let totalInstance, let total = select(memoryType, totalInstance).first?.current.values.firstValue {
                fields.memoryConfigured = bytesToGB(total)
            }
            if let rssInstance, let rss = select(memoryType, rssInstance).first?.current.values.firstValue {
                fields.memoryUsed = bytesToGB(rss)
            }
            var interfaces = OrderedInterfaces()
            for series in select(packetsType) {
                interfaces.setPackets(series.key.typeInstance, series.current.values)
            }
            for interface in interfaces.names {
                if let octets = select(octetsType, interface).first {
                    interfaces.setOctets(interface, octets.current.values)
                }
            }
            appendInterfaces(interfaces, cache: cache, to: &fields, output: &output)
            fields.additionalMeasurements = additionalMeasurements(cache: &cache, excluding: ["virt"], output: &output)
            emit(header: header, fields: fields, output: &output)
        }
    }

    private func appendInterfaces(
        _ interfaces: OrderedInterfaces,
        cache: ValueCache,
        to fields: inout MeasurementFields,
        output: inout Output
    ) {
        for id in interfaces.names {
            guard let packets = interfaces.packets[id], packets.count >= 2 else { continue }
            let name = cache.name(id)
            guard let octets = interfaces.octets[id], octets.count >= 2 else {
                output.notes.append(
                    "interface \(name) has packets but no octets: left out of vNicUsageArray (the reference plugin raised KeyError)"
                )
                continue
            }
            fields.vNics.append(
                VNicUsage(
                    name: name,
                    packetsIn: PythonNumber(packets[0]),
                    packetsOut: PythonNumber(packets[1]),
                    bytesIn: PythonNumber(octets[0]),
                    bytesOut: PythonNumber(octets[1])
                )
            )
        }
    }

    /// The most additionalMeasurements groups in one event. A host with many CPUs, disks and interfaces has a few
    /// thousand series; a sender inventing names could otherwise make one event of many megabytes, which a
    /// listener refuses whole (POL9003), the real measurements in it with it.
    static let maximumAdditionalGroups = 5000

    /// The plugin's `fill_additional_measurements`: one group per updated series of the other plugins, values
    /// as `str()`, each series marked as read; at most ``maximumAdditionalGroups`` of them.
    private mutating func additionalMeasurements(
        cache: inout ValueCache,
        excluding excluded: Set<String>,
        output: inout Output
    ) -> [MeasurementGroup] {
        var groups: [MeasurementGroup] = []
        var leftOut = 0
        defer {
            if leftOut > 0 {
                output.notes.append(
                    "\(leftOut) updated series left out of additionalMeasurements: an event holds at most "
                        + "\(Self.maximumAdditionalGroups) groups, so it stays under a listener's body limit"
                )
            }
        }
        for (plugin, series) in cache.takeUpdated(excluding: excluded) {
            guard groups.count < Self.maximumAdditionalGroups else {
                leftOut += 1
                continue
            }
            var name = plugin
            let pluginInstance = cache.name(series.key.pluginInstance)
            let typeInstance = cache.name(series.key.typeInstance)
            let type = cache.name(series.key.type)
            if !pluginInstance.isEmpty { name += "-" + pluginInstance }
            if !typeInstance.isEmpty { name += "-" + typeInstance }
            let sources = typesDB.dataSources(of: type)
            if sources == nil, notedUnknownTypes.count < Self.maximumNotedTypes,
                notedUnknownTypes.insert(type).inserted
            {
                output.notes.append(
                    "type \(LogText.escaped(type, limit: 100)) is not in types.db: its measurements (such as "
                        + "\(LogText.escaped(name, limit: 200))) are named by position (noted once per type)"
                )
            }
            let values = series.current.values
            let count = sources.map { min($0.count, Int(values.count)) } ?? Int(values.count)
            var measurements: [(String, String)] = []
            measurements.reserveCapacity(count)
            for index in 0..<count {
                let sourceName = sources?[index].name ?? String(index)
                measurements.append((type + "-" + sourceName, values[index].pythonText))
            }
            groups.append(MeasurementGroup(name: name, measurements: measurements))
        }
        return groups
    }

    /// The plugin's `cpu_ns_to_percentage`: CPU nanoseconds between the last two values as a percentage.
    private func cpuPercentage(_ series: ValueCache.Series) -> Double {
        guard let total = series.current.values.firstValue, let previous = series.previous.values.firstValue else {
            return 0
        }
        let elapsed = series.current.time - series.previous.time
        if elapsed == 0 { return 0 }
        let used = (PythonNumber(total) - PythonNumber(previous)).double
        return PythonJSON.round((100.0 * used) / (elapsed * 1_000_000_000.0), digits: 2)
    }

    /// The plugin's `bytes_to_gb`.
    private func bytesToGB(_ value: Value) -> PythonNumber {
        .float(PythonJSON.round(PythonNumber(value).double / 1_073_741_824.0, digits: 3))
    }

    // MARK: Faults

    /// The plugin's `notify`: a fault event for a collectd notification.
    public mutating func fault(for notification: Notification) -> Output {
        var output = Output()
        let eventId = nextEventId()
        var header = CommonHeader(domain: .fault, eventId: eventId, functionalRole: settings.functionalRole)
        header.set(reporting: settings.hostname, source: settings.hostname)
        let start = PythonNumber.float(notification.time.seconds * 1_000_000)
        header.startEpochMicrosec = start
        header.lastEpochMicrosec = start
        let severity: String
        switch notification.severity {
        case .failure: severity = "CRITICAL"
        case .warning: severity = "WARNING"
        case .okay: severity = "NORMAL"
        }
        let fields = FaultFields(
            eventSeverity: severity,
            eventSourceType: settings.guestRunning ? "virtualMachine(8)" : "host(3)",
            alarmCondition: notification.message,
            // '{}-'.format('') gives a lone dash, and '-{}'.format('') a trailing one: kept as the plugin sent them
            specificProblem: notification.pluginInstance + "-" + notification.typeInstance,
            alarmInterfaceA: notification.plugin + "-" + notification.pluginInstance
        )
        var writer = EventWriter(throttling: throttling.byDomain[header.domain.name])
        writer.event(header: header) { writer in fields.write(to: &writer) }
        output.events.append(writer.finish(header: header))
        return output
    }

    // MARK: Assembly

    private func emit(header: CommonHeader, fields: MeasurementFields, output: inout Output) {
        var writer = EventWriter(throttling: throttling.byDomain[header.domain.name])
        writer.event(header: header) { writer in fields.write(to: &writer) }
        output.events.append(writer.finish(header: header))
    }
}

/// Interfaces in first-seen order with their packet and octet values (the plugin's `ifinfo` dict).
struct OrderedInterfaces {
    private(set) var names: [UInt32] = []
    var packets: [UInt32: PackedValues] = [:]
    var octets: [UInt32: PackedValues] = [:]

    mutating func setPackets(_ name: UInt32, _ values: PackedValues) {
        if packets[name] == nil { names.append(name) }
        packets[name] = values
    }

    mutating func setOctets(_ name: UInt32, _ values: PackedValues) {
        octets[name] = values
    }
}
