import JSON
import JSONSchema
import VESModel

/// Checks a schema cannot express, reported as warnings (keyword `semantic`): rules about a stream of events
/// (eventIds, sequences, alarms, measurement periods), epochs in the wrong unit, and the form of header strings
/// a schema types only as `string`. The route's version picks the rules (`SemanticRules`): 7.2.1 says much that
/// 5.4.1 and 1.1 do not.
///
/// Everything remembered is held in `SemanticMemory`, so a listener that runs for days stays bounded.
struct SemanticChecker: Sendable {
    private var eventIds = SemanticEventIds()
    private var alarms = SemanticAlarms()
    private var measurements = SemanticMeasurementPeriods()

    /// Starts a transaction: what `check` learns is kept by `commit()` (once the records are written) or
    /// forgotten by `rollback()` (when they could not be), so a retry after a failed write gets no false
    /// "eventId already sent".
    mutating func begin() {
        eventIds.begin()
        alarms.begin()
        measurements.begin()
    }

    mutating func commit() {
        eventIds.commit()
        alarms.commit()
        measurements.commit()
    }

    mutating func rollback() {
        eventIds.rollback()
        alarms.rollback()
        measurements.rollback()
    }

    /// 2000-01-01 and 2100-01-01 in microseconds since the epoch.
    static let plausibleMicroseconds: ClosedRange<Double> = 946_684_800_000_000...4_102_444_800_000_000

    /// Warnings for `event` (the event object, at `pointer` in what was posted) received on the route of
    /// `apiVersion` (`v1`, `v5`, `v7`; nil or another segment gets the 1.1 rules).
    mutating func check(_ event: JSONValue, pointer: String, apiVersion: String? = nil) -> [Violation] {
        guard let facts = SemanticEvent(event, pointer: pointer) else { return [] }
        let rules = SemanticRules(apiVersion: apiVersion)
        var warnings: [Violation] = []
        let resent = eventIds.check(facts, rules: rules, into: &warnings)
        warnings += Self.epochWarnings(facts, rules: rules)
        // a copy sent again is not a second clear or a second measurement of its period
        if !resent {
            if rules.faultClears { warnings += alarms.check(facts) }
            if rules.onePerPeriod { warnings += measurements.check(facts) }
        }
        if let served = rules.listenerVersion, let warning = SemanticHeaderForms.listenerVersion(facts, served) {
            warnings.append(warning)
        }
        if rules.timeZoneOffsetForm, let warning = SemanticHeaderForms.timeZoneOffset(facts) {
            warnings.append(warning)
        }
        return warnings
    }

    private static func epochWarnings(_ event: SemanticEvent, rules: SemanticRules) -> [Violation] {
        var warnings: [Violation] = []
        let noClock = rules.zeroStartMeansNoClock && event.start == 0
        if let start = event.start, !noClock, let problem = epochProblem(start) {
            warnings.append(
                event.warning(at: "startEpochMicrosec", "startEpochMicrosec \(render(start)) \(problem)")
            )
        }
        if rules.lastEpochUnits, let last = event.last, last != 0, let problem = epochProblem(last) {
            warnings.append(event.warning(at: "lastEpochMicrosec", "lastEpochMicrosec \(render(last)) \(problem)"))
        }
        if let start = event.start, !noClock, let last = event.last, last != 0, last < start {
            warnings.append(
                event.warning(
                    at: "lastEpochMicrosec",
                    "lastEpochMicrosec \(render(last)) is before startEpochMicrosec \(render(start))"
                )
            )
        }
        return warnings
    }

    static func epochProblem(_ value: Double) -> String? {
        if plausibleMicroseconds.contains(value) { return nil }
        if (plausibleMicroseconds.lowerBound / 1e6...plausibleMicroseconds.upperBound / 1e6).contains(value) {
            return "looks like seconds, not microseconds since the epoch"
        }
        if (plausibleMicroseconds.lowerBound / 1e3...plausibleMicroseconds.upperBound / 1e3).contains(value) {
            return "looks like milliseconds, not microseconds since the epoch"
        }
        if (plausibleMicroseconds.lowerBound * 1e3...plausibleMicroseconds.upperBound * 1e3).contains(value) {
            return "looks like nanoseconds, not microseconds since the epoch"
        }
        return "is not microseconds of a date between 2000 and 2100"
    }

    static func render(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e18 ? String(Int64(value)) : String(value)
    }
}

/// Which semantic rules a route's version asks for. 1.1 keeps the checks the listener always made; 5.4.1 adds the
/// unit check of lastEpochMicrosec (its header requires both epochs); the rest rest on 7.2.1 text that 5.4.1 does
/// not have, so they run on v7 only.
struct SemanticRules: Sendable, Equatable {
    /// 7.2.1 "EventId Use Cases": the repeats of an eventId it allows, and fault sequences counted per fault.
    var useCaseExceptions = false
    /// 7.2.1 startEpochMicrosec: a device with no clock sends 0 and the collector fills in the time.
    var zeroStartMeansNoClock = false
    var lastEpochUnits = false
    /// 7.2.1 measurement domain: exactly one measurement event per period per sourceName.
    var onePerPeriod = false
    /// 7.2.1 faultFields: eventSeverity NORMAL is a clear.
    var faultClears = false
    /// The route's version, whose major number `vesEventListenerVersion` (a 7.x header field) must name.
    var listenerVersion: VESVersion?
    /// 7.x timeZoneOffset as `UTC+/-hh:mm`.
    var timeZoneOffsetForm = false

    init(apiVersion: String?) {
        guard let version = apiVersion.flatMap(VESVersion.init(segment:)) else { return }
        let major = version.parts.major
        lastEpochUnits = major >= 5
        guard major >= 7 else { return }
        useCaseExceptions = true
        zeroStartMeansNoClock = true
        onePerPeriod = true
        faultClears = true
        listenerVersion = version
        timeZoneOffsetForm = true
    }
}

/// The members the semantic rules read, taken from an event once, with the forms they are remembered in.
struct SemanticEvent {
    var event: JSONValue
    var header: JSONValue
    var headerPointer: String
    var pointer: String
    /// sourceName, or reportingEntityName when there is none, as sent (for messages).
    var source: String
    /// `source` as the rules remember it.
    var sourceKey: String
    var domain: String?
    var eventId: String?
    var sequence: Int64?
    var start: Double?
    var last: Double?
    /// A fault's faultFields.alarmCondition and eventSeverity; nil outside the fault domain.
    var alarmCondition: String?
    var eventSeverity: String?

    init?(_ event: JSONValue, pointer: String) {
        guard let header = event["commonEventHeader"], header.objectValue != nil else { return nil }
        self.event = event
        self.header = header
        self.pointer = pointer
        headerPointer = JSONPointer.appending("commonEventHeader", to: pointer)
        source = header["sourceName"]?.stringValue ?? header["reportingEntityName"]?.stringValue ?? ""
        sourceKey = Self.remembered(source)
        domain = header["domain"]?.stringValue
        eventId = header["eventId"]?.stringValue
        sequence = header["sequence"]?.intValue
        start = header["startEpochMicrosec"]?.doubleValue
        last = header["lastEpochMicrosec"]?.doubleValue
        if domain == "fault" {
            alarmCondition = event["faultFields"]?["alarmCondition"]?.stringValue
            eventSeverity = event["faultFields"]?["eventSeverity"]?.stringValue
        }
    }

    /// eventSeverity NORMAL is how a fault says its alarm is cleared (7.2.1 faultFields).
    var isClear: Bool { eventSeverity == "NORMAL" }

    /// A hash of the whole event in which members' order does not count, to tell a copy sent again from a
    /// different event.
    var fingerprint: UInt64 { event.fingerprint }

    func warning(at headerField: String, _ message: String) -> Violation {
        Violation(pointer: JSONPointer.appending(headerField, to: headerPointer), message: message, keyword: "semantic")
    }

    func warning(block: String, field: String, _ message: String) -> Violation {
        let blockPointer = JSONPointer.appending(block, to: pointer)
        return Violation(
            pointer: JSONPointer.appending(field, to: blockPointer),
            message: message,
            keyword: "semantic"
        )
    }

    /// What a sender's text (a source name, an eventId, an alarm condition) is remembered as: itself when short,
    /// else a prefix and a hash of the whole, so one remembered entry cannot hold a megabyte-long name.
    static func remembered(_ text: String) -> String {
        guard text.utf8.count > 200 else { return text }
        var hasher = Hasher()
        hasher.combine(text)
        return String(decoding: text.utf8.prefix(120), as: UTF8.self) + "...#\(hasher.finalize())"
    }
}
