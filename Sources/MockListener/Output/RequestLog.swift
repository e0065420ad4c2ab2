import JSONSchema
public import Logging
import Synchronization

/// What the listener logs about the requests it refuses or finds invalid: one line per request at most, and
/// under load not even that. Past `linesPerWindow` lines in a `window`, requests are only counted, and the count
/// is logged as one summary line when the window ends (at the next such request, or at shutdown), so a flood of
/// bad requests costs a few lines, not one each. What came from the network is escaped.
public final class RequestLog: Sendable {
    static let linesPerWindow = 20
    static let window: Duration = .seconds(10)
    /// Errors of an event named in its line; messages are cut to `messageLimit` characters.
    static let errorsPerLine = 3
    static let messageLimit = 300

    private struct State {
        var windowStart = ContinuousClock.now
        var logged = 0
        var quietInvalidEvents = 0
        var quietInvalidRequests = 0
        var quietRejected = 0
    }

    private let logger: Logger
    private let state = Mutex(State())

    public init(logger: Logger) {
        self.logger = logger
    }

    /// A request refused before its events could be read.
    func rejected(path: String, status: Int, reason: String) {
        guard admit(rejected: 1) else { return }
        logger.info(
            "rejected request",
            metadata: [
                "path": "\(ControlCharacters.escaped(path))",
                "status": "\(status)",
                "reason": "\(Self.cut(ControlCharacters.escaped(reason)))",
            ]
        )
    }

    /// The invalid events among the records of one request, as one line naming the first.
    func invalidEvents(in records: [EventRecord], path: String) {
        let invalid = records.count { !$0.valid && $0.kind == .event }
        guard invalid > 0, admit(invalidEvents: invalid), let first = records.first(where: { !$0.valid }) else {
            return
        }
        let errors = first.errors.prefix(Self.errorsPerLine).map { "\($0.pointer): \(Self.cut($0.message))" }
        let more =
            first.errors.count > Self.errorsPerLine ? "; and \(first.errors.count - Self.errorsPerLine) more" : ""
        logger.info(
            invalid == 1 ? "invalid event" : "invalid events",
            metadata: [
                "path": "\(ControlCharacters.escaped(path))",
                "invalid": "\(invalid) of \(records.count)",
                "seq": "\(first.seq)",
                "domain": "\(ControlCharacters.escaped(first.domain ?? "-"))",
                "errors": "\(ControlCharacters.escaped(errors.joined(separator: "; ") + more))",
            ]
        )
    }

    /// Logs what was only counted (at shutdown).
    public func flush() {
        let quiet = state.withLock { state in
            defer {
                state.quietInvalidEvents = 0
                state.quietInvalidRequests = 0
                state.quietRejected = 0
            }
            return (state.quietInvalidEvents, state.quietInvalidRequests, state.quietRejected)
        }
        logSummary(quiet)
    }

    /// Whether this request gets its line; else it is counted for the summary. Logs the last window's summary
    /// when a new window starts.
    private func admit(rejected: Int = 0, invalidEvents: Int = 0) -> Bool {
        let (admitted, summary) = state.withLock { state -> (Bool, (Int, Int, Int)?) in
            let now = ContinuousClock.now
            var summary: (Int, Int, Int)?
            if now - state.windowStart >= Self.window {
                if state.quietInvalidRequests + state.quietRejected > 0 {
                    summary = (state.quietInvalidEvents, state.quietInvalidRequests, state.quietRejected)
                }
                state = State(windowStart: now)
            }
            guard state.logged < Self.linesPerWindow else {
                state.quietInvalidEvents += invalidEvents
                state.quietInvalidRequests += invalidEvents > 0 ? 1 : 0
                state.quietRejected += rejected
                return (false, summary)
            }
            state.logged += 1
            return (true, summary)
        }
        if let summary { logSummary(summary) }
        return admitted
    }

    private func logSummary(_ quiet: (events: Int, requests: Int, rejected: Int)) {
        guard quiet.requests + quiet.rejected > 0 else { return }
        logger.info(
            "more bad requests than logged one by one",
            metadata: [
                "invalidEvents": "\(quiet.events) in \(quiet.requests) requests",
                "rejectedRequests": "\(quiet.rejected)",
                "window": "\(Self.window)",
            ]
        )
    }

    private static func cut(_ text: String) -> String {
        text.count > messageLimit ? text.prefix(messageLimit) + "..." : text
    }
}
