import Collectd
import VESMapping

/// The agent's side of a ves_app mapping file (`MappingFile`): the latest value list of each series, in the order
/// the series were first received, and the eventId counter; each tick gives the file's measurement events from
/// the values of the last two send intervals, each notification its fault events.
struct MappingRun: Sendable {
    /// A series is named as an alarm is: host, plugin, plugin instance, type, type instance.
    typealias SeriesKey = AlarmTable.Key

    /// Notes logged per tick or notification; the rest are counted in one more line.
    static let notesPerCall = 5

    let file: MappingFile
    let typesDB: TypesDB
    let hostname: String
    /// The last eventId issued (`{system.id}`), handed back to `counter` after each call so it goes on from there
    /// after a restart.
    private(set) var eventIds: UInt64
    private let counter: EventIdCounter
    /// The latest value list of each series, in first-received order (nil: aged out, removed at the next tick).
    private var lists: [ValueList?] = []
    private var positions: [SeriesKey: Int] = [:]

    init(file: MappingFile, typesDB: TypesDB, hostname: String, eventIds: EventIdCounter = EventIdCounter()) {
        self.file = file
        self.typesDB = typesDB
        self.hostname = hostname
        counter = eventIds
        self.eventIds = eventIds.lastIssued
    }

    /// Series held.
    var seriesCount: Int { positions.count }

    /// Whether the series of `list` is held (a value for it adds no series).
    func holds(_ list: ValueList) -> Bool { positions[SeriesKey(list)] != nil }

    mutating func update(_ list: ValueList) {
        let key = SeriesKey(list)
        if let position = positions[key] {
            // a value list older than the one held (collectd resending) does not replace it
            if let held = lists[position], held.time.seconds > list.time.seconds { return }
            lists[position] = list
        } else {
            positions[key] = lists.count
            lists.append(list)
        }
    }

    /// The measurement events of a tick at `now`: values older than two send intervals are dropped first, as
    /// ves_app aged them out of its cache.
    mutating func tick(now: Double, interval: Double) -> EventBuilder.Output {
        let oldest = now - 2 * interval
        if lists.contains(where: { ($0?.time.seconds ?? -.infinity) < oldest }) {
            lists = lists.filter { ($0?.time.seconds ?? -.infinity) >= oldest }
            positions = [:]
            for (position, list) in lists.enumerated() {
                if let list { positions[SeriesKey(list)] = position }
            }
        }
        var values: [MappingValue] = []
        for case let list? in lists { values += MappingValue.rows(of: list, typesDB: typesDB) }
        let output = file.measurements(values: values, now: now, settings: settings(interval), eventIds: &eventIds)
        counter.issued(through: eventIds)
        return Self.convert(output)
    }

    /// The fault events of one notification, built at once.
    mutating func faults(for notification: Notification, now: Double, interval: Double) -> EventBuilder.Output {
        let output = file.faults(
            notification: notification,
            now: now,
            settings: settings(interval),
            eventIds: &eventIds
        )
        counter.issued(through: eventIds)
        return Self.convert(output)
    }

    private func settings(_ interval: Double) -> MappingSettings {
        MappingSettings(hostname: hostname, sendInterval: interval)
    }

    /// The events as the sender takes them, and at most `notesPerCall` notes plus a count of the rest.
    static func convert(_ output: MappingOutput) -> EventBuilder.Output {
        var result = EventBuilder.Output()
        result.events = output.events.map { mapped in
            BuiltEvent(
                domain: mapped.domain,
                eventId: mapped.eventId,
                reportingEntityName: mapped.reportingEntityName,
                sourceName: mapped.sourceName,
                eventJSON: mapped.eventJSON
            )
        }
        result.notes = output.notes.prefix(notesPerCall).map { "mapping file: " + $0 }
        let rest = max(0, output.notes.count - notesPerCall) + output.droppedNotes
        if rest > 0 { result.notes.append("mapping file: \(rest) more notes like these") }
        return result
    }
}
