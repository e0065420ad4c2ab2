import JSON
import JSONSchema

/// eventIds unique per source and sequences that never go back, which every version asks, with the repeats the
/// 7.2.1 "EventId Use Cases" allow when the route is v7:
/// - Rule 1, "repeat of eventId assumes duplicate event": the same event sent again (a retry after a lost answer)
///   is a copy, not a second event.
/// - Rule 2 a and b: one fault keeps its eventId through raise, re-raise, change and clear, and in b also when it
///   is raised again after the clear; so a fault may repeat the eventId of a fault with the same alarmCondition.
/// - Example 3: a source that could not keep its numbering over a restart starts it again. Taken as a restart:
///   the first eventId of the source's current run sent again, after the source had gone on to other eventIds;
///   the eventIds and sequences of the earlier run are then forgotten.
/// Fault sequences count per fault on v7 (Rule 2: from 1 at the raise, or 0 on a raise and 1 on a clear), so they
/// are kept per eventId, and a raise after a clear may start again.
struct SemanticEventIds: Sendable {
    private struct SourceRun: Sendable {
        var generation: UInt64
        var firstEventId: String
        var movedOn: Bool
    }

    private struct EventIdKey: Hashable, Sendable {
        var source: String
        var generation: UInt64
        var eventId: String
    }

    private struct EventIdUse: Sendable {
        /// Only computed where copies are allowed (v7).
        var fingerprint: UInt64?
        var alarmCondition: String?
        var domain: String?
    }

    private struct SequenceKey: Hashable, Sendable {
        var source: String
        var generation: UInt64
        var domain: String
        /// The fault's eventId when faults count their sequence per fault.
        var occurrence: String?
    }

    private struct SequenceState: Sendable {
        var last: Int64
        var wasClear: Bool
    }

    private var runs = SemanticMemory<String, SourceRun>(capacity: 16_384)
    private var uses = SemanticMemory<EventIdKey, EventIdUse>(capacity: 65_536)
    private var sequences = SemanticMemory<SequenceKey, SequenceState>(capacity: 32_768)
    private var nextGeneration: UInt64 = 0
    private var generationAtBegin: UInt64 = 0

    /// See `SemanticMemory.begin()`.
    mutating func begin() {
        generationAtBegin = nextGeneration
        runs.begin()
        uses.begin()
        sequences.begin()
    }

    mutating func commit() {
        runs.commit()
        uses.commit()
        sequences.commit()
    }

    mutating func rollback() {
        nextGeneration = generationAtBegin
        runs.rollback()
        uses.rollback()
        sequences.rollback()
    }

    /// Adds the eventId and sequence warnings; true when the event is a copy of one already seen (v7), which the
    /// rules that count events must not count twice.
    mutating func check(_ event: SemanticEvent, rules: SemanticRules, into warnings: inout [Violation]) -> Bool {
        var run: SourceRun
        if let known = runs[event.sourceKey] {
            run = known
        } else {
            run = newRun(firstEventId: event.eventId.map(SemanticEvent.remembered) ?? "")
        }
        var resent = false
        var eventIdKey: String?
        if let eventId = event.eventId {
            let idKey = SemanticEvent.remembered(eventId)
            eventIdKey = idKey
            let use = EventIdUse(
                fingerprint: rules.useCaseExceptions ? event.fingerprint : nil,
                alarmCondition: event.alarmCondition.map(SemanticEvent.remembered),
                domain: event.domain
            )
            var keepsEventId = true
            if let earlier = uses[EventIdKey(source: event.sourceKey, generation: run.generation, eventId: idKey)] {
                if !rules.useCaseExceptions {
                    warnings.append(repeatWarning(event, eventId, earlier: nil))
                    keepsEventId = false
                } else if earlier.fingerprint == use.fingerprint {
                    resent = true
                } else if use.alarmCondition != nil, earlier.alarmCondition == use.alarmCondition {
                    // the same fault raised again, changed or cleared
                } else if idKey == run.firstEventId, run.movedOn {
                    run = newRun(firstEventId: idKey)
                } else {
                    warnings.append(repeatWarning(event, eventId, earlier: earlier))
                    // the eventId stays with its first owner, so that fault's own clear still matches
                    keepsEventId = false
                }
            } else if idKey != run.firstEventId {
                run.movedOn = true
            }
            if keepsEventId {
                uses.set(use, for: EventIdKey(source: event.sourceKey, generation: run.generation, eventId: idKey))
            }
        }
        runs.set(run, for: event.sourceKey)
        if let warning = checkSequence(event, rules: rules, generation: run.generation, eventIdKey: eventIdKey) {
            warnings.append(warning)
        }
        return resent
    }

    private mutating func newRun(firstEventId: String) -> SourceRun {
        nextGeneration += 1
        return SourceRun(generation: nextGeneration, firstEventId: firstEventId, movedOn: false)
    }

    private func repeatWarning(_ event: SemanticEvent, _ eventId: String, earlier: EventIdUse?) -> Violation {
        let seen = "eventId '\(eventId)' was already sent by source '\(event.source)'"
        guard let earlier else {
            return event.warning(at: "eventId", seen + "; expected a new eventId for each event of a source")
        }
        if let condition = event.alarmCondition, let before = earlier.alarmCondition {
            return event.warning(
                at: "eventId",
                seen + " for alarmCondition '\(before)', now for '\(condition)'; 7.2.1 lets an eventId follow "
                    + "one fault (raise, re-raise, clear), so another alarmCondition needs an eventId of its own"
            )
        }
        let was =
            earlier.alarmCondition.map { "a fault of alarmCondition '\($0)'" }
            ?? earlier.domain.map { "a \($0) event" } ?? "an event"
        return event.warning(
            at: "eventId",
            seen + " in a different event (\(was)); 7.2.1 allows a repeat only for the same event sent again, the "
                + "same fault raised again or cleared, or numbering started over after a restart; "
                + "expected a new eventId"
        )
    }

    private mutating func checkSequence(
        _ event: SemanticEvent,
        rules: SemanticRules,
        generation: UInt64,
        eventIdKey: String?
    ) -> Violation? {
        guard let sequence = event.sequence, let domain = event.domain else { return nil }
        let perFault = rules.useCaseExceptions && event.alarmCondition != nil ? eventIdKey : nil
        let key = SequenceKey(
            source: event.sourceKey,
            generation: generation,
            domain: domain,
            occurrence: perFault
        )
        let before = sequences[key]
        sequences.set(SequenceState(last: sequence, wasClear: event.isClear), for: key)
        guard let before, sequence < before.last else { return nil }
        // Rule 2 b: a fault raised again after its clear starts its sequence again
        if perFault != nil, before.wasClear, !event.isClear { return nil }
        let of = perFault != nil ? "fault eventId '\(event.eventId ?? "")'" : "domain '\(domain)'"
        return event.warning(
            at: "sequence",
            "sequence \(sequence) goes back (last was \(before.last) for source '\(event.source)', \(of)); "
                + "expected \(before.last) or more"
        )
    }
}
