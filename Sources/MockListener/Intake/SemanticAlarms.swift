import JSONSchema

/// 7.2.1's clear: a fault with eventSeverity NORMAL clears the alarm that an earlier fault of the same
/// alarmCondition and sourceName raised. A clear with no such raise open (never raised, or already cleared and not
/// raised again) clears nothing, which usually means a raise was lost or the clear names the wrong alarm.
///
/// An alarm forgotten for capacity reads as never raised; 16,384 alarms is far more than a run keeps open.
struct SemanticAlarms: Sendable {
    private struct AlarmKey: Hashable, Sendable {
        var source: String
        var condition: String
    }

    private enum AlarmState: Sendable {
        case raised
        case cleared
    }

    private var alarms = SemanticMemory<AlarmKey, AlarmState>(capacity: 16_384)

    /// See `SemanticMemory.begin()`.
    mutating func begin() {
        alarms.begin()
    }

    mutating func commit() {
        alarms.commit()
    }

    mutating func rollback() {
        alarms.rollback()
    }

    mutating func check(_ event: SemanticEvent) -> [Violation] {
        guard let condition = event.alarmCondition, event.eventSeverity != nil else { return [] }
        let key = AlarmKey(source: event.sourceKey, condition: SemanticEvent.remembered(condition))
        let before = alarms[key]
        alarms.set(event.isClear ? .cleared : .raised, for: key)
        guard event.isClear, before != .raised else { return [] }
        let found = before == nil ? "no earlier raise" : "its alarm already cleared and not raised since"
        return [
            event.warning(
                block: "faultFields",
                field: "eventSeverity",
                "fault clear (eventSeverity NORMAL) of alarmCondition '\(condition)' from source '\(event.source)' "
                    + "with \(found); expected a fault of that alarmCondition and sourceName with eventSeverity "
                    + "CRITICAL, MAJOR, MINOR or WARNING before it"
            )
        ]
    }
}
