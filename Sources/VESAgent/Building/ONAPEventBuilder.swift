import Collectd
import VESModel

/// Builds VES 5.4.1 and 7.2.1 events from the value cache, from notifications and from the heartbeat timer, as those
/// specs ask (the 1.1 builder mirrors the reference plugin instead):
///
/// - one measurement event per source per period: each collectd host with values of its own plugins, and each VM of
///   the virt plugin (sourceName the VM, reportingEntityName the host), fields per `CollectdFieldMapping`;
/// - startEpochMicrosec the period's start rounded to the interval boundary, lastEpochMicrosec the tick, both real
///   microseconds; eventIds `measurement000001`, `heartbeat000001`, `fault000001` and sequences counted per source;
/// - a fault per FAILURE or WARNING notification, raised again with the same eventId (7.2.1) while it lasts, and one
///   clear (eventSeverity NORMAL) at the OKAY that ends it; an OKAY with no raised alarm sends nothing.
struct ONAPEventBuilder: Sendable {
    struct Settings: Sendable {
        var version: VESVersion
        /// The agent's Hostname: the source of heartbeats, and of a notification that names no host.
        var hostname: String
        var guestRunning: Bool
    }

    /// What is counted per source.
    enum Counter: Hashable, Sendable {
        case measurement, heartbeat, alarm, faultEvent
    }

    /// What the builder remembers of one source (a sourceName).
    private struct SourceState: Sendable {
        var counts: [Counter: Int] = [:]
        /// The end of the last period reported (seconds).
        var periodEnd: Double? = nil
        var lastTick = 0
        var interfaces: [String: InterfaceCounters] = [:]
    }

    /// Sources with no event for this many ticks are forgotten (their counters start again if they come back).
    static let forgetSourcesAfterTicks = 1000

    var settings: Settings
    let typesDB: TypesDB
    let encoder: ONAPEncoder
    var throttling = ThrottlingPolicy()
    private var sources: [String: SourceState] = [:]
    private var alarms = AlarmTable()
    private var ticks = 0
    /// Puts the run's tag before the per-source ids after a restart, so they do not repeat an earlier run's.
    let eventIds: EventIdCounter

    init(settings: Settings, typesDB: TypesDB, header: HeaderConstants, eventIds: EventIdCounter = EventIdCounter()) {
        self.settings = settings
        self.typesDB = typesDB
        encoder = ONAPEncoder(version: settings.version, header: header)
        self.eventIds = eventIds
    }

    // MARK: Measurements

    /// One tick at `now` (seconds): a measurement event for each source with a value received since the last tick.
    mutating func tick(cache: inout ValueCache, now: Double, interval: Double) -> EventBuilder.Output {
        var output = EventBuilder.Output()
        ticks += 1
        var read: [(plugin: String, series: ValueCache.Series)] = []
        read.reserveCapacity(cache.seriesCount)
        cache.readEverySeries { plugin, series in read.append((plugin, series)) }
        var names: [UInt32: String] = [:]
        func name(_ id: UInt32) -> String {
            if let known = names[id] { return known }
            let text = cache.name(id)
            names[id] = text
            return text
        }
        var hosts: [(host: UInt32, series: [CollectdSeries], updated: Bool)] = []
        var hostPositions: [UInt32: Int] = [:]
        var machines: [(host: UInt32, vm: UInt32, series: [CollectdSeries], updated: Bool)] = []
        var machinePositions: [UInt64: Int] = [:]
        for (plugin, series) in read {
            let key = series.key
            let resolved = CollectdSeries(
                plugin: plugin,
                pluginInstance: name(key.pluginInstance),
                type: name(key.type),
                typeInstance: name(key.typeInstance),
                series: series
            )
            if plugin == "virt" {
                let id = UInt64(key.host) << 32 | UInt64(key.pluginInstance)
                if let position = machinePositions[id] {
                    machines[position].series.append(resolved)
                    machines[position].updated = machines[position].updated || series.updated
                } else {
                    machinePositions[id] = machines.count
                    machines.append((key.host, key.pluginInstance, [resolved], series.updated))
                }
            } else if let position = hostPositions[key.host] {
                hosts[position].series.append(resolved)
                hosts[position].updated = hosts[position].updated || series.updated
            } else {
                hostPositions[key.host] = hosts.count
                hosts.append((key.host, [resolved], series.updated))
            }
        }
        for source in hosts where source.updated {
            let host = name(source.host)
            measurement(
                source: host,
                reporter: host,
                virtualMachine: false,
                now: now,
                interval: interval,
                output: &output
            ) {
                $0.hostContent(host: host, series: source.series, interval: interval)
            }
        }
        for source in machines where source.updated {
            let vm = name(source.vm)
            measurement(
                source: vm,
                reporter: name(source.host),
                virtualMachine: true,
                now: now,
                interval: interval,
                output: &output
            ) {
                $0.virtualMachineContent(vm: vm, series: source.series, interval: interval)
            }
        }
        cache.finishTick()
        if ticks % 100 == 0 { forgetQuietSources() }
        return output
    }

    private mutating func measurement(
        source: String,
        reporter: String,
        virtualMachine: Bool,
        now: Double,
        interval: Double,
        output: inout EventBuilder.Output,
        content build: (inout MeasurementMapper) -> MeasurementContent
    ) {
        // taken out of the table while it changes, so its counters are not copied
        var state = sources.removeValue(forKey: source) ?? SourceState()
        defer { sources[source] = state }
        state.lastTick = ticks
        var start = ((now - interval) / interval).rounded() * interval
        if let end = state.periodEnd, start < end - 1e-6 {
            // a tick that came early (a late one before it): one event per period, the values go with the next
            guard now - end >= interval / 4 else {
                output.notes.append(
                    "\(source): a second tick within one measurement period; its values go with the next event"
                )
                return
            }
            start = end
        }
        var mapper = MeasurementMapper(version: settings.version, typesDB: typesDB, interfaceHistory: [:])
        swap(&mapper.interfaceHistory, &state.interfaces)
        let content = build(&mapper)
        swap(&mapper.interfaceHistory, &state.interfaces)
        output.notes += mapper.notes
        guard !content.isEmpty else { return }
        state.periodEnd = start + interval
        let sequence = Self.count(&state, .measurement)
        let header = ONAPHeader(
            domain: .measurement,
            eventId: eventIds.tagged("measurement" + Self.padded(sequence)),
            eventName: eventName(.measurement, virtualMachine ? "VmMeasurements" : "HostMeasurements"),
            eventType: virtualMachine ? "guestOS" : hostEventType,
            sourceName: source,
            reportingEntityName: reporter,
            sequence: sequence,
            startEpochMicrosec: Self.microseconds(start),
            lastEpochMicrosec: Self.microseconds(now)
        )
        output.events.append(
            encoder.encode(ONAPEvent(header: header, content: .measurement(content)), throttling: throttling)
        )
    }

    // MARK: Faults

    /// A collectd notification: FAILURE and WARNING raise (or raise again) the alarm of its host, plugin and type; the
    /// OKAY that follows clears it once.
    mutating func fault(for notification: Notification) -> EventBuilder.Output {
        var output = EventBuilder.Output()
        let key = AlarmTable.Key(notification)
        let source = notification.host.isEmpty ? settings.hostname : notification.host
        let condition = Self.alarmCondition(notification)
        let time = Self.microseconds(notification.time.seconds)
        var state = sources[source] ?? SourceState()
        state.lastTick = ticks
        let alarm: AlarmTable.OpenAlarm
        let severity: String
        switch notification.severity {
        case .okay:
            guard let cleared = alarms.clear(key) else {
                sources[source] = state
                output.notes.append(
                    "OKAY notification of \(condition) from \(source) with no alarm raised: no clear sent"
                )
                return output
            }
            alarm = cleared
            severity = "NORMAL"
        case .failure, .warning:
            severity = notification.severity == .failure ? "CRITICAL" : "WARNING"
            if let again = alarms.raiseAgain(key) {
                alarm = again
            } else {
                let family = eventIds.tagged("fault" + Self.padded(Self.count(&state, .alarm)))
                if let forgotten = alarms.raise(key, family: family, startEpochMicrosec: time) {
                    output.notes.append(
                        "\(alarms.capacity) alarms open: forgot the oldest (\(forgotten.plugin) of \(forgotten.host)); its OKAY will clear nothing"
                    )
                }
                guard let opened = alarms[key] else { return output }
                alarm = opened
            }
        }
        // 7.2.1: one eventId for the raise, every raise again and the clear, the sequence counting them from 1;
        // 5.4.1: an eventId of its own for each (the raise's with the count), the sequence counting the source's faults
        let eventId: String
        let sequence: Int
        if settings.version == .ves721 {
            eventId = alarm.family
            sequence = alarm.events
        } else {
            eventId = alarm.events == 1 ? alarm.family : alarm.family + "-" + String(alarm.events)
            sequence = Self.count(&state, .faultEvent)
        }
        sources[source] = state
        var information: [(name: String, value: String)] = [
            ("collectdSeverity", notification.severity.name.uppercased())
        ]
        for (name, value) in [
            ("plugin", notification.plugin), ("pluginInstance", notification.pluginInstance),
            ("type", notification.type), ("typeInstance", notification.typeInstance),
        ] where !value.isEmpty {
            information.append((name, value))
        }
        let fields = FaultContent(
            eventSeverity: severity,
            eventSourceType: settings.guestRunning ? "virtualMachine" : "host",
            alarmCondition: condition,
            specificProblem: notification.message.isEmpty ? condition : notification.message,
            alarmInterfaceA: notification.pluginInstance.isEmpty
                ? notification.plugin : notification.plugin + "-" + notification.pluginInstance,
            additionalInformation: information
        )
        let header = ONAPHeader(
            domain: .fault,
            eventId: eventId,
            eventName: eventName(.fault, AdditionalMeasurements.camelCase([condition]).capitalizedFirst),
            eventType: hostEventType,
            sourceName: source,
            reportingEntityName: source,
            sequence: sequence,
            startEpochMicrosec: alarm.startEpochMicrosec,
            lastEpochMicrosec: max(time, alarm.startEpochMicrosec)
        )
        output.events.append(encoder.encode(ONAPEvent(header: header, content: .fault(fields)), throttling: throttling))
        return output
    }

    /// The alarm's short name, without white space as the specs ask: plugin, plugin instance, type and type instance
    /// in camel case, a type that repeats the plugin's name said once (`memoryUsed`, `interfaceEth0IfErrors`).
    static func alarmCondition(_ notification: Notification) -> String {
        var parts = [notification.plugin, notification.pluginInstance]
        if notification.type != notification.plugin { parts.append(notification.type) }
        parts.append(notification.typeInstance)
        return AdditionalMeasurements.camelCase(parts.filter { !$0.isEmpty })
    }

    // MARK: Heartbeats

    /// A heartbeat of the agent (sourceName its Hostname) at `now`, saying the next comes in `intervalSeconds`.
    mutating func heartbeat(now: Double, intervalSeconds: Int) -> EventBuilder.Output {
        var output = EventBuilder.Output()
        let source = settings.hostname
        var state = sources[source] ?? SourceState()
        state.lastTick = ticks
        let sequence = Self.count(&state, .heartbeat)
        sources[source] = state
        let interval = Double(max(1, intervalSeconds))
        let header = ONAPHeader(
            domain: .heartbeat,
            eventId: eventIds.tagged("heartbeat" + Self.padded(sequence)),
            eventName: eventName(.heartbeat, nil),
            eventType: hostEventType,
            sourceName: source,
            reportingEntityName: source,
            sequence: sequence,
            startEpochMicrosec: Self.microseconds((now / interval).rounded(.down) * interval),
            lastEpochMicrosec: Self.microseconds(now)
        )
        output.events.append(
            encoder.encode(
                ONAPEvent(header: header, content: .heartbeat(intervalSeconds: intervalSeconds)),
                throttling: throttling
            )
        )
        return output
    }

    // MARK: Naming and counting

    private var hostEventType: String { settings.guestRunning ? "guestOS" : "hostOS" }

    /// `{DomainAbbreviation}_{PublisherName}_{Description}` as both specs advise: `Mfvs` (5.4.1) or `Measurement`
    /// (7.2.1), `Fault`, `Heartbeat`; the publisher is collectd.
    private func eventName(_ domain: ONAPEvent.Domain, _ description: String?) -> String {
        let abbreviation: String
        switch domain {
        case .measurement: abbreviation = settings.version == .ves541 ? "Mfvs" : "Measurement"
        case .fault: abbreviation = "Fault"
        case .heartbeat: abbreviation = "Heartbeat"
        }
        return abbreviation + "_Collectd" + (description.map { "_" + $0 } ?? "")
    }

    private static func count(_ state: inout SourceState, _ counter: Counter) -> Int {
        let next = (state.counts[counter] ?? 0) + 1
        state.counts[counter] = next
        return next
    }

    private mutating func forgetQuietSources() {
        let oldest = ticks - Self.forgetSourcesAfterTicks
        sources = sources.filter { $0.value.lastTick >= oldest }
    }

    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func microseconds(_ seconds: Double) -> Int64 {
        let value = (seconds * 1_000_000).rounded()
        return value.isFinite && abs(value) < 9e18 ? Int64(value) : 0
    }
}

extension String {
    /// The text with its first letter in upper case (`memoryUsed` → `MemoryUsed`).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
