import Logging
import Synchronization
import VESModel

// The listener's commands that change how events are built: the measurement interval, throttling, heartbeats.

extension AgentCore {
    /// Applies a listener's command that concerns building events; returns true when the interval changed. An
    /// interval outside ``ListenerCommand/measurementIntervals`` is refused (logged, counted), as is a throttling
    /// specification for one domain more than ``ThrottlingPolicy/maximumDomains``.
    @discardableResult
    public func apply(_ command: ListenerCommand) -> Bool {
        switch command {
        case .measurementIntervalChange(let seconds):
            guard ListenerCommand.measurementIntervals.contains(seconds) else {
                refuseIntervalChange(String(seconds))
                return false
            }
            state.withLock { state in
                // under the trace clock the next tick moves: one new interval after the last tick
                if let due = state.nextTick { state.nextTick = due - state.interval + seconds }
                state.interval = seconds
            }
            logger.notice("listener changed the measurement interval to \(formatSeconds(seconds)) s")
            return true
        case .refusedIntervalChange(let value):
            refuseIntervalChange(value)
            return false
        case .ignoredEntries(let count):
            ignoreCommands(count, because: "past the first \(ListenerCommand.maximumCommands) of an answer")
            return false
        case .throttlingSpecification(let specification):
            let accepted = state.withLock { state in
                // both builders hold the same domains, so they accept or refuse alike
                let accepted = state.builder.throttling.set(specification)
                state.specBuilder?.throttling.set(specification)
                return accepted
            }
            guard accepted else {
                ignoreCommands(1, because: "throttling one more domain than \(ThrottlingPolicy.maximumDomains)")
                return false
            }
            logger.notice(
                "listener throttles \(LogText.escaped(specification.eventDomain, limit: 100)) events",
                metadata: [
                    "suppressedFieldNames": "\(LogText.escaped(specification.suppressedFieldNames.description))"
                ]
            )
            return false
        case .heartbeatIntervalChange(let seconds):
            guard configuration.vesVersion != .ves11 else { return false }
            guard !usesMappingFile else {
                logger.info("ignoring a heartbeatIntervalChange: the mapping file describes every event sent")
                return false
            }
            guard let seconds, seconds.rounded() == seconds, (0...86_400).contains(seconds) else {
                logger.warning(
                    "ignoring a heartbeatIntervalChange without a whole number of seconds from 0 to 86400: \(seconds.map { String($0) } ?? "none")"
                )
                return false
            }
            let interval = Int(seconds)
            state.withLock { state in
                if let due = state.nextHeartbeat {
                    state.nextHeartbeat = due - Double(state.heartbeatInterval) + Double(interval)
                }
                state.heartbeatInterval = interval
            }
            logger.notice("listener changed the heartbeat interval to \(interval) s")
            return true
        default:
            return false
        }
    }

    private func refuseIntervalChange(_ value: String) {
        stats.update { $0.intervalChangesRefused += 1 }
        guard let count = warnings.due(.intervalChangeRefused, adding: 1) else { return }
        let more = count > 1 ? " (\(count) refused since the last such warning)" : ""
        logger.warning(
            "ignoring a measurementIntervalChange to \(LogText.escaped(value, limit: 60)): the interval must be a number of seconds from 1 to 86400; it stays \(formatSeconds(interval)) s\(more)"
        )
    }

    private func ignoreCommands(_ count: Int, because reason: String) {
        stats.update { $0.commandsIgnored += count }
        guard let total = warnings.due(.commandsIgnored, adding: count) else { return }
        logger.warning("ignored \(total) listener commands since the last such warning: \(reason)")
    }

    /// The throttling state in force, as posted to `clientThrottlingState`.
    public var throttlingState: ThrottlingPolicy { state.withLock { $0.builder.throttling } }
}
