public import Collectd
import JSON
import Platform
public import VESModel

/// A Barometer ves_app YAML mapping file (`--mapping-file`), compiled: how collectd values and notifications
/// become VES events, as the file's `!Measurements` and `!Events` templates say.
///
/// Loading checks the whole file and throws a `MappingError` naming the file, line and tag for anything wrong;
/// after that, building events cannot fail, only leave out what the data does not give (see `MappingOutput`).
/// The file is immutable and `Sendable`: one loaded file can serve every tick.
public struct MappingFile: Sendable {
    /// The file as given to `load`.
    public let path: String
    /// The VES version the templates target: 7.2.1 when they carry `vesEventListenerVersion` (or the 7.x
    /// domain `measurement`), 5.4.1 otherwise (the Barometer files' shape).
    public let version: VESVersion
    public let limits: MappingLimits
    let measurementTemplates: [MeasurementTemplate]
    let eventTemplates: [EventTemplate]

    /// The names of the `!Measurements` templates, in file order.
    public var measurementNames: [String] { measurementTemplates.map(\.name) }
    /// The names of the `!Events` templates, in file order.
    public var eventNames: [String] { eventTemplates.map(\.name) }

    /// Reads and compiles a mapping file.
    public static func load(path: String, limits: MappingLimits = .standard) throws(MappingError) -> MappingFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw MappingError(
                code: .unreadableFile,
                message: "cannot read the mapping file: \(error.message)",
                path: path
            )
        }
        guard bytes.count <= limits.maxFileBytes else {
            throw MappingError(
                code: .tooLarge,
                message: "the file is \(bytes.count) bytes; mapping files of at most \(limits.maxFileBytes) bytes "
                    + "are read",
                path: path
            )
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MappingError(code: .badYAML, message: "the file is not UTF-8 text", path: path)
        }
        return try MappingFile(yaml: text, path: path, limits: limits)
    }

    /// Compiles mapping text; `path` names it in errors.
    public init(yaml: String, path: String, limits: MappingLimits = .standard) throws(MappingError) {
        var reader = MappingYAMLReader(path: path, limits: limits)
        let root = try reader.read(yaml)
        let compiler = TemplateCompiler(path: path, limits: limits)
        let (measurements, events) = try compiler.compile(root)
        self.path = path
        self.limits = limits
        self.measurementTemplates = measurements
        self.eventTemplates = events
        self.version = try HeaderRules(path: path).targetVersion(of: root)
    }

    // MARK: Building events

    /// The measurement events of one tick: each `!Measurements` template once per value (or INDEX-KEY
    /// combination) its SELECT matches, as ves_app's timer did.
    ///
    /// - Parameters:
    ///   - values: the cached values, one per identity (a repeated identity: the later one counts), in the
    ///     order they were first received; arrays list their items in this order.
    ///   - now: the tick's time in seconds since the epoch (`{system.time}`, `{system.date}`).
    ///   - eventIds: the last eventId issued; each event takes the next (`{system.id}`).
    public func measurements(
        values: [MappingValue],
        now: Double,
        settings: MappingSettings,
        eventIds: inout UInt64
    ) -> MappingOutput {
        let table = ValueTable(values, limit: limits.maxValues)
        var evaluator = MappingEvaluator(table: table, settings: settings, now: now, limits: limits)
        if table.leftOut > 0 {
            evaluator.output.note("\(table.leftOut) values beyond the limit of \(limits.maxValues) were left out")
        }
        for template in measurementTemplates {
            evaluator.template = template.name
            for subject in evaluator.itemSubjects(template.items, .none) {
                guard evaluator.output.events.count < limits.maxEvents else {
                    evaluator.note("more than \(limits.maxEvents) events in one tick; the rest are left out")
                    return evaluator.output
                }
                eventIds &+= 1
                evaluator.startEvent(id: String(eventIds), template: template.name)
                if case .row(let row) = subject { evaluator.use(row) }
                guard let body = evaluator.evaluate(template.items.item, subject) else { continue }
                let period: (start: Double, last: Double)
                if evaluator.latest.isFinite {
                    period = (evaluator.earliest, evaluator.latest)
                } else {
                    period = (now - settings.sendInterval, now)
                }
                if let event = finish(body, template: template.name, period: period) {
                    evaluator.output.events.append(event)
                }
            }
        }
        return evaluator.output
    }

    /// The fault events of one collectd notification: one per `!Events` template whose CONDITION matches
    /// (ves_app defined these and never sent them).
    ///
    /// - Parameters:
    ///   - now: the time of building, for `{system.time}` and for a notification without a time.
    ///   - eventIds: the last eventId issued; each event takes the next (`{system.id}`).
    public func faults(
        notification: Notification,
        now: Double,
        settings: MappingSettings,
        eventIds: inout UInt64
    ) -> MappingOutput {
        var evaluator = MappingEvaluator(table: ValueTable([], limit: 0), settings: settings, now: now, limits: limits)
        let time = notification.time.raw == 0 ? now : notification.time.seconds
        for template in eventTemplates where matches(template.condition, notification, &evaluator) {
            eventIds &+= 1
            evaluator.startEvent(id: String(eventIds), template: template.name)
            guard let body = evaluator.evaluate(template.item, .notification(notification)),
                let event = finish(body, template: template.name, period: (time, time))
            else { continue }
            evaluator.output.events.append(event)
        }
        return evaluator.output
    }

    private func matches(
        _ condition: [(field: NotificationField, match: FieldMatch)],
        _ notification: Notification,
        _ evaluator: inout MappingEvaluator
    ) -> Bool {
        for criterion in condition {
            let text = MappingEvaluator.text(criterion.field, of: notification)
            switch criterion.match {
            case .equal(let template):
                guard evaluator.render(template, .none) == text else { return false }
            case .pattern(let pattern):
                guard evaluator.matches(pattern, text) else { return false }
            }
        }
        return true
    }

    /// The `event` object of a built body, its header's times set to the real period in microseconds.
    private func finish(_ body: JSONValue, template: String, period: (start: Double, last: Double)) -> MappedEvent? {
        guard case .object(var event) = body["event"], case .object(var header) = event["commonEventHeader"] else {
            return nil
        }
        header["startEpochMicrosec"] = .integer(Self.microseconds(period.start))
        header["lastEpochMicrosec"] = .integer(Self.microseconds(max(period.start, period.last)))
        event["commonEventHeader"] = .object(header)
        return MappedEvent(
            event: .object(event),
            domain: header["domain"]?.stringValue ?? "",
            version: version,
            template: template,
            eventId: header["eventId"]?.stringValue ?? "",
            sourceName: header["sourceName"]?.stringValue ?? "",
            reportingEntityName: header["reportingEntityName"]?.stringValue ?? ""
        )
    }

    /// Seconds since the epoch as whole microseconds; times before the epoch or past year 2200 give 0 (the
    /// specs' "no clock" value) rather than a number a listener would misread.
    static func microseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0, seconds < 7_258_118_400 else { return 0 }
        return Int64((seconds * 1_000_000).rounded())
    }
}
