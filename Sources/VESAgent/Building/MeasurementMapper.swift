import Collectd
import JSON
import VESModel

/// A cached series with its names resolved, as the 5.4.1 and 7.2.1 mapping reads it.
struct CollectdSeries: Sendable {
    var plugin: String
    var pluginInstance: String
    var type: String
    var typeInstance: String
    var series: ValueCache.Series

    var current: PackedValues { series.current.values }

    /// Data source `index` as a number, nil when it is missing or not finite (collectd's NaN has no JSON number).
    func finite(_ index: Int) -> Double? {
        let values = series.current.values
        guard index < values.count else { return nil }
        let value = values[index].doubleValue
        return value.isFinite ? value : nil
    }

    /// The value of data source `index` per second over collectd's last interval for counters (COUNTER, DERIVE,
    /// ABSOLUTE), or as it is for a gauge; nil for a counter seen once, or going back.
    func rate(_ index: Int) -> Double? {
        let values = series.current.values
        guard index < values.count else { return nil }
        let value = values[index]
        if case .gauge(let number) = value { return number.isFinite ? number : nil }
        let previous = series.previous.values
        let elapsed = series.current.time - series.previous.time
        guard index < previous.count, elapsed > 0 else { return nil }
        let change = (PythonNumber(value) - PythonNumber(previous[index])).double
        guard change >= 0 else { return nil }
        return PythonJSON.round(change / elapsed, digits: 3)
    }

    /// The change of data source `index` between collectd's last two values (0 for a series seen once).
    func change(_ index: Int) -> Double? {
        let values = series.current.values
        let previous = series.previous.values
        guard index < values.count, index < previous.count else { return nil }
        return (PythonNumber(values[index]) - PythonNumber(previous[index])).double
    }
}

/// Turns the series of one source (a host, or a VM) into its measurement block, following `CollectdFieldMapping`
/// row by row for the version in force; whatever has no row goes to additionalMeasurements.
struct MeasurementMapper {
    let version: VESVersion
    let typesDB: TypesDB
    /// The interface counters of the source as reported last time, for the deltas (read and updated).
    var interfaceHistory: [String: InterfaceCounters]
    /// Why something was left out or named differently, for the log.
    var notes: [String] = []
    private var additional = AdditionalMeasurements()

    init(
        version: VESVersion,
        typesDB: TypesDB,
        interfaceHistory: [String: InterfaceCounters]
    ) {
        self.version = version
        self.typesDB = typesDB
        self.interfaceHistory = interfaceHistory
    }

    // MARK: Sources

    /// The block of a host: the cpu, cpu-aggregation, memory, interface, disk, load and df plugins mapped, the rest
    /// in additionalMeasurements.
    mutating func hostContent(host: String, series: [CollectdSeries], interval: Double) -> MeasurementContent {
        var content = MeasurementContent(interval: interval)
        var cpus = OrderedGroups()
        var nics = OrderedGroups()
        var disks = OrderedGroups()
        var filesystems = OrderedGroups()
        var memory: [CollectdSeries] = []
        for item in series {
            switch item.plugin {
            case "cpu", "cpu-aggregation": cpus.add(item.pluginInstance, item)
            case "interface": nics.add(item.pluginInstance, item)
            case "disk": disks.add(item.pluginInstance, item)
            case "df": filesystems.add(item.pluginInstance, item)
            case "memory": memory.append(item)
            case "load": load(item, into: &content)
            default: additional.add(item, typesDB: typesDB)
            }
        }
        for (instance, group) in cpus.groups {
            if let cpu = cpuItem(identifier: instance.isEmpty ? "all" : instance, group) { content.cpus.append(cpu) }
        }
        if let item = hostMemoryItem(host: host, memory) { content.memories.append(item) }
        for (instance, group) in nics.groups {
            if let nic = nicItem(identifier: instance, group) { content.nics.append(nic) }
        }
        for (instance, group) in disks.groups {
            if let disk = diskItem(identifier: instance, group) { content.disks.append(disk) }
        }
        for (instance, group) in filesystems.groups {
            if let filesystem = filesystemItem(identifier: instance, group) { content.filesystems.append(filesystem) }
        }
        finish(&content)
        return content
    }

    /// The block of one VM from the virt plugin's series.
    mutating func virtualMachineContent(vm: String, series: [CollectdSeries], interval: Double) -> MeasurementContent {
        var content = MeasurementContent(interval: interval)
        var nics = OrderedGroups()
        var disks = OrderedGroups()
        var memory: [CollectdSeries] = []
        var total: MeasurementItem? = nil
        for item in series {
            switch item.type {
            case "virt_vcpu":
                if let cpu = nanosecondsItem(identifier: item.typeInstance, item) { content.cpus.append(cpu) }
            case "virt_cpu_total":
                total = nanosecondsItem(identifier: CollectdFieldMapping.virtCPUTotalIdentifier, item)
            case "memory": memory.append(item)
            case let type where CollectdFieldMapping.interfaceCounters.contains(where: { $0.type == type }):
                nics.add(item.typeInstance, item)
            case let type where CollectdFieldMapping.disk[type] != nil:
                disks.add(item.typeInstance, item)
            default: additional.add(item, typesDB: typesDB)
            }
        }
        if let total { content.cpus.insert(total, at: 0) }
        if let item = virtualMachineMemoryItem(vm: vm, memory) { content.memories.append(item) }
        for (instance, group) in nics.groups {
            if let nic = nicItem(identifier: instance, group) { content.nics.append(nic) }
        }
        for (instance, group) in disks.groups {
            if let disk = diskItem(identifier: instance, group) { content.disks.append(disk) }
        }
        finish(&content)
        return content
    }

    private mutating func finish(_ content: inout MeasurementContent) {
        content.additional = additional.groups
        for type in additional.unknownTypes.sorted() {
            notes.append(
                "type \(LogText.escaped(type, limit: 100)) is not in types.db: its values in additionalMeasurements "
                    + "are named by position"
            )
        }
        if additional.leftOut > 0 {
            notes.append(
                "\(additional.leftOut) series left out of additionalMeasurements: an event holds at most "
                    + "\(EventBuilder.maximumAdditionalGroups) groups, so it stays under a listener's body limit"
            )
        }
    }

    // MARK: CPU

    /// One CPU's states: `percent` values as they are, or `cpu` jiffies as a share of all the CPU's jiffies over
    /// collectd's last interval. Without idle there is no percentUsage (required): the values go to
    /// additionalMeasurements.
    private mutating func cpuItem(identifier: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var fields: [String: Double] = [:]
        let percents = group.filter { $0.type == "percent" }
        let jiffies = percents.isEmpty ? group.filter { $0.type == "cpu" } : []
        for item in group where item.type != "percent" && (item.type != "cpu" || !percents.isEmpty) {
            additional.add(item, typesDB: typesDB)
        }
        for item in percents {
            if let field = CollectdFieldMapping.cpuStates[item.typeInstance], let value = item.finite(0) {
                fields[field] = value
            } else {
                additional.add(item, typesDB: typesDB)
            }
        }
        if !jiffies.isEmpty {
            let changes = jiffies.map { max(0, $0.change(0) ?? 0) }
            let all = changes.reduce(0, +)
            // a CPU seen once has no interval yet: its states come with the next event
            guard all > 0 else { return nil }
            for (item, change) in zip(jiffies, changes) {
                if let field = CollectdFieldMapping.cpuStates[item.typeInstance] {
                    fields[field] = PythonJSON.round(100 * change / all, digits: 2)
                } else {
                    additional.add(item, typesDB: typesDB)
                }
            }
        }
        guard let idle = fields["cpuIdle"] else {
            for item in percents + jiffies where CollectdFieldMapping.cpuStates[item.typeInstance] != nil {
                additional.add(item, typesDB: typesDB)
            }
            return nil
        }
        var item = MeasurementItem(identifier: identifier)
        for field in CollectdFieldMapping.cpuFieldOrder {
            if let value = fields[field] { item.set(field, value) }
        }
        item.set("percentUsage", PythonJSON.round(100 - idle, digits: 2))
        return item
    }

    /// virt's CPU nanoseconds over collectd's last interval as percentUsage; nil for a series seen once.
    private func nanosecondsItem(identifier: String, _ series: CollectdSeries) -> MeasurementItem? {
        guard let change = series.change(0), change >= 0 else { return nil }
        let elapsed = series.series.current.time - series.series.previous.time
        guard elapsed > 0 else { return nil }
        var item = MeasurementItem(identifier: identifier)
        item.set("percentUsage", PythonJSON.round(100 * change / (elapsed * 1e9), digits: 2))
        return item
    }

    // MARK: Memory

    private mutating func hostMemoryItem(host: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var kibibytes: [String: Double] = [:]
        var mapped: [CollectdSeries] = []
        for item in group {
            if item.type == "memory",
                let row = CollectdFieldMapping.memory.first(where: { $0.typeInstance == item.typeInstance }),
                let value = item.finite(0)
            {
                kibibytes[row.field] = value / 1024
                mapped.append(item)
            } else {
                additional.add(item, typesDB: typesDB)
            }
        }
        guard let used = kibibytes["memoryUsed"], let free = kibibytes["memoryFree"] else {
            for item in mapped { additional.add(item, typesDB: typesDB) }
            return nil
        }
        var item = MeasurementItem(identifier: host)
        for row in CollectdFieldMapping.memory {
            if let value = kibibytes[row.field] { item.set(row.field, value) }
        }
        if version == .ves721 { item.set("percentMemoryUsage", Self.percentMemoryUsage(used: used, free: free)) }
        return item
    }

    private mutating func virtualMachineMemoryItem(vm: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var kibibytes: [String: Double] = [:]
        var mapped: [CollectdSeries] = []
        for item in group {
            if let row = CollectdFieldMapping.virtMemory.first(where: { $0.typeInstance == item.typeInstance }),
                let value = item.finite(0)
            {
                kibibytes[row.field] = value / 1024
                mapped.append(item)
            } else {
                additional.add(item, typesDB: typesDB)
            }
        }
        if kibibytes["memoryFree"] == nil, let total = kibibytes["memoryConfigured"], let used = kibibytes["memoryUsed"]
        {
            kibibytes["memoryFree"] = max(0, total - used)
        }
        guard let used = kibibytes["memoryUsed"], let free = kibibytes["memoryFree"] else {
            for item in mapped { additional.add(item, typesDB: typesDB) }
            return nil
        }
        var item = MeasurementItem(identifier: vm)
        for field in ["memoryConfigured", "memoryFree", "memoryUsed"] {
            if let value = kibibytes[field] { item.set(field, value) }
        }
        if version == .ves721 { item.set("percentMemoryUsage", Self.percentMemoryUsage(used: used, free: free)) }
        return item
    }

    /// 7.2.1: used / (used + free) × 100, or 0 when the denominator is 0.
    static func percentMemoryUsage(used: Double, free: Double) -> Double {
        used + free > 0 ? PythonJSON.round(100 * used / (used + free), digits: 2) : 0
    }

    // MARK: Interfaces

    /// One interface: each counter accumulated and, from the second event on, its delta since the previous event;
    /// valuesAreSuspect "true" when a counter went back (a reset or a wrap) since then.
    private mutating func nicItem(identifier: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var item = MeasurementItem(identifier: identifier)
        var suspect = false
        let counters = CollectdFieldMapping.interfaceCounters
        for series in group where !counters.contains(where: { $0.type == series.type }) {
            additional.add(series, typesDB: typesDB)
        }
        let last = interfaceHistory[identifier]
        var now = InterfaceCounters()
        var deltas: [(received: Double, transmitted: Double)?] = Array(repeating: nil, count: counters.count)
        for (index, row) in counters.enumerated() {
            guard let series = group.first(where: { $0.type == row.type }) else { continue }
            guard series.finite(0) != nil, series.finite(1) != nil else {
                additional.add(series, typesDB: typesDB)
                continue
            }
            let received = PythonNumber(series.current[0])
            let transmitted = PythonNumber(series.current[1])
            item.set(row.receivedAccumulated, received)
            item.set(row.transmittedAccumulated, transmitted)
            if let previous = last?.values[index] {
                let receivedDelta = received - previous.received
                let transmittedDelta = transmitted - previous.transmitted
                if receivedDelta.isNegative || transmittedDelta.isNegative {
                    suspect = true
                } else {
                    item.set(row.receivedDelta, receivedDelta)
                    item.set(row.transmittedDelta, transmittedDelta)
                    deltas[index] = (receivedDelta.double, transmittedDelta.double)
                }
            }
            now.values[index] = (received, transmitted)
        }
        interfaceHistory[identifier] = now
        guard !item.numbers.isEmpty else { return nil }
        if version == .ves721, let total = deltas[CollectdFieldMapping.interfaceTotalPackets] {
            for percent in CollectdFieldMapping.interfacePercents {
                guard let part = deltas[percent.counter] else { continue }
                item.set(percent.received, Self.percent(part.received, of: total.received))
                item.set(percent.transmitted, Self.percent(part.transmitted, of: total.transmitted))
            }
        }
        item.texts.append(("valuesAreSuspect", suspect ? "true" : "false"))
        return item
    }

    /// part / whole × 100, or 0 when the whole is 0 (the 7.2.1 percentages' rule).
    static func percent(_ part: Double, of whole: Double) -> Double {
        whole > 0 ? PythonJSON.round(100 * part / whole, digits: 2) : 0
    }

    // MARK: Disks

    private mutating func diskItem(identifier: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var item = MeasurementItem(identifier: identifier)
        for series in group {
            guard let row = CollectdFieldMapping.disk[series.type] else {
                additional.add(series, typesDB: typesDB)
                continue
            }
            for (index, column) in row.enumerated() where index < series.current.count {
                if column.versions.contains(version) {
                    if let rate = series.rate(index) { item.set(column.field, rate) }
                } else {
                    additional.add(series, typesDB: typesDB, only: index)
                }
            }
        }
        return item.numbers.isEmpty ? nil : item
    }

    // MARK: Load, file systems

    private mutating func load(_ series: CollectdSeries, into content: inout MeasurementContent) {
        guard series.type == "load", series.current.count == CollectdFieldMapping.load.count,
            CollectdFieldMapping.loadVersions.contains(version),
            CollectdFieldMapping.load.indices.allSatisfy({ series.finite($0) != nil })
        else {
            additional.add(series, typesDB: typesDB)
            return
        }
        var item = MeasurementItem(identifier: nil)
        for (index, field) in CollectdFieldMapping.load.enumerated() {
            item.set(field, series.finite(index) ?? 0)
        }
        content.loads.append(item)
    }

    private mutating func filesystemItem(identifier: String, _ group: [CollectdSeries]) -> MeasurementItem? {
        var bytes: [String: Double] = [:]
        var mapped: [CollectdSeries] = []
        for series in group {
            if series.type == "df_complex", CollectdFieldMapping.filesystemParts.contains(series.typeInstance),
                let value = series.finite(0)
            {
                bytes[series.typeInstance] = value
                mapped.append(series)
            } else {
                additional.add(series, typesDB: typesDB)
            }
        }
        guard let used = bytes["used"], let free = bytes["free"] else {
            for series in mapped { additional.add(series, typesDB: typesDB) }
            return nil
        }
        let gigabyte = 1_073_741_824.0
        var item = MeasurementItem(identifier: identifier)
        item.set("blockConfigured", PythonJSON.round((used + free + (bytes["reserved"] ?? 0)) / gigabyte, digits: 3))
        item.set("blockUsed", PythonJSON.round(used / gigabyte, digits: 3))
        for field in CollectdFieldMapping.filesystemZeroFields { item.set(field, .integer(0)) }
        return item
    }
}

/// One interface's counters as last reported (received, transmitted), in the order of
/// `CollectdFieldMapping.interfaceCounters`, for the deltas of the next event.
struct InterfaceCounters: Sendable {
    var values: [(received: PythonNumber, transmitted: PythonNumber)?] = Array(
        repeating: nil,
        count: CollectdFieldMapping.interfaceCounters.count
    )
}

/// Series grouped by a name (the plugin instance, the interface, the disk) in first-seen order.
struct OrderedGroups {
    private(set) var groups: [(name: String, series: [CollectdSeries])] = []
    private var positions: [String: Int] = [:]

    mutating func add(_ name: String, _ series: CollectdSeries) {
        if let position = positions[name] {
            groups[position].series.append(series)
        } else {
            positions[name] = groups.count
            groups.append((name, [series]))
        }
    }
}

/// additionalMeasurements as it is gathered: one group per plugin and plugin instance (`plugin-instance`), one value
/// per data source named in camel case from type, type instance and data source (`dfComplexUsed`,
/// `ifOctetsRx`), the value as collectd sent it, as text.
struct AdditionalMeasurements {
    private(set) var groups: [NamedValues] = []
    /// Types types.db does not know: their data sources are named by position.
    private(set) var unknownTypes: Set<String> = []
    /// Series not added because the event already holds ``EventBuilder/maximumAdditionalGroups`` groups.
    private(set) var leftOut = 0
    private var positions: [String: Int] = [:]

    mutating func add(_ series: CollectdSeries, typesDB: TypesDB, only: Int? = nil) {
        let name = series.pluginInstance.isEmpty ? series.plugin : series.plugin + "-" + series.pluginInstance
        let position: Int
        if let known = positions[name] {
            position = known
        } else {
            guard groups.count < EventBuilder.maximumAdditionalGroups else {
                leftOut += 1
                return
            }
            position = groups.count
            positions[name] = position
            groups.append(NamedValues(name: name))
        }
        let values = series.current
        let sources = typesDB.dataSources(of: series.type)
        if sources == nil, unknownTypes.count < EventBuilder.maximumNotedTypes { unknownTypes.insert(series.type) }
        let single = sources.map { $0.count == 1 && $0[0].name == "value" } ?? (values.count == 1)
        for index in 0..<values.count where only == nil || only == index {
            var parts = [series.type, series.typeInstance]
            if !single { parts.append(sources.flatMap { index < $0.count ? $0[index].name : nil } ?? String(index)) }
            groups[position].append(Self.camelCase(parts), values[index].pythonText)
        }
    }

    /// `["df_complex", "used"]` → `dfComplexUsed`: words split at anything but letters and digits, the first in
    /// lower case, each next one capitalised (the specs' advice for hashMap keys).
    static func camelCase(_ parts: [String]) -> String {
        var result = ""
        for part in parts {
            for word in part.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
                if result.isEmpty {
                    result = word.prefix(1).lowercased() + word.dropFirst()
                } else {
                    result += word.prefix(1).uppercased() + word.dropFirst()
                }
            }
        }
        return result.isEmpty ? "value" : result
    }
}
