/// One VES 5.4.1 or 7.2.1 event as the builder decides it, in the terms both versions share; `VES541Encoder` and
/// `VES721Encoder` write it in their version's names and shapes.
struct ONAPEvent: Sendable {
    enum Domain: Sendable {
        case measurement, fault, heartbeat
    }

    enum Content: Sendable {
        case measurement(MeasurementContent)
        case fault(FaultContent)
        case heartbeat(intervalSeconds: Int)
    }

    var header: ONAPHeader
    var content: Content
}

/// The commonEventHeader members that change from event to event; the encoder adds the version's constants and the
/// configured naming codes.
struct ONAPHeader: Sendable {
    var domain: ONAPEvent.Domain
    var eventId: String
    var eventName: String
    var eventType: String
    /// The entity the event is about: the collectd host, or the VM.
    var sourceName: String
    /// The entity that measured it: the collectd host.
    var reportingEntityName: String
    var sequence: Int
    var startEpochMicrosec: Int64
    var lastEpochMicrosec: Int64
}

/// The measurement field block of one source for one period.
struct MeasurementContent: Sendable {
    /// Seconds the period lasts (measurementInterval).
    var interval: Double
    var cpus: [MeasurementItem] = []
    var memories: [MeasurementItem] = []
    var nics: [MeasurementItem] = []
    var disks: [MeasurementItem] = []
    var filesystems: [MeasurementItem] = []
    /// 7.2.1's loadArray (5.4.1 has none: load goes to `additional`).
    var loads: [MeasurementItem] = []
    /// additionalMeasurements: every value no field of the version holds.
    var additional: [NamedValues] = []

    init(interval: Double) {
        self.interval = interval
    }

    var isEmpty: Bool {
        cpus.isEmpty && memories.isEmpty && nics.isEmpty && disks.isEmpty && filesystems.isEmpty && loads.isEmpty
            && additional.isEmpty
    }
}

/// One item of a measurement array (cpuUsage, memoryUsage, nicPerformance, diskUsage, filesystemUsage, load): its
/// identifier (nil for load) and its members in the order they are written.
struct MeasurementItem: Sendable {
    var identifier: String?
    var numbers: [(name: String, value: PythonNumber)] = []
    var texts: [(name: String, value: String)] = []

    init(identifier: String?) {
        self.identifier = identifier
    }

    mutating func set(_ name: String, _ value: PythonNumber) {
        numbers.append((name, value))
    }

    mutating func set(_ name: String, _ value: Double) {
        numbers.append((name, .float(value)))
    }

    func number(_ name: String) -> PythonNumber? {
        numbers.first { $0.name == name }?.value
    }
}

/// A named group of name-value texts: additionalMeasurements items (5.4.1 arrayOfFields, 7.2.1 hashMap) and
/// alarmAdditionalInformation.
struct NamedValues: Sendable {
    var name: String
    var values: [(name: String, value: String)] = []
    private var names: Set<String> = []

    init(name: String) {
        self.name = name
    }

    /// Adds a value; a name already in the group gets a numbered suffix, so a hashMap never repeats a key.
    mutating func append(_ valueName: String, _ value: String) {
        var unique = valueName
        var suffix = 2
        while names.contains(unique) {
            unique = valueName + String(suffix)
            suffix += 1
        }
        names.insert(unique)
        values.append((unique, value))
    }
}

/// The fault field block of one collectd notification.
struct FaultContent: Sendable {
    var eventSeverity: String
    var eventSourceType: String
    var alarmCondition: String
    var specificProblem: String
    var alarmInterfaceA: String
    var additionalInformation: [(name: String, value: String)]
}
