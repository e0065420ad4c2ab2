import CurlClient
import JSON

/// What the agent does with a listener's answer to a POST of events, by status and `requestError`:
///
/// | answer | what happens to the events |
/// |---|---|
/// | 2xx | delivered |
/// | 413, or 400 POL9003 (body too large) | a batch is split (later batches kept below the refused size); a single event is written to the rejected file and dropped |
/// | 400 SVC0001, SVC0002, SVC2004 or SVC2006 (the events are invalid) | a batch is split; a single event is written to the rejected file and dropped, logged with the answer's text |
/// | 401, 403 | held: retried with backoff, the authentication failure logged at each retry |
/// | any other answer (408, 429, 5xx, another 4xx such as 404 for a wrong Path) | held: retried with backoff |
///
/// Nothing else drops an event: a listener that answers something unexpected holds the queue (which drops its
/// oldest, counted, when full) instead of losing events one by one.
enum ListenerAnswer: Sendable {
    case delivered(commands: [ListenerCommand])
    /// Not delivered; send again after a backoff.
    case retry(reason: String)
    /// 401 or 403: the credentials were refused; hold and send again after a backoff.
    case unauthorized(status: Int, reason: String)
    /// The body was too large for the listener.
    case tooLarge(status: Int, reason: String, body: [UInt8])
    /// The listener says the events are invalid; `reason` holds its text and pointers, escaped.
    case invalid(status: Int, reason: String, body: [UInt8])

    /// The `requestError` message ids that say the events themselves are invalid (spec and ONAP collector).
    static let invalidEventIds: Set<String> = ["SVC0001", "SVC0002", "SVC2004", "SVC2006"]

    /// Classifies an answer (not its 2xx body, which the caller reads for commands).
    static func classify(status: Int, body: [UInt8], url: String) -> ListenerAnswer {
        let error = ListenerErrorBody(body)
        let reason = "\(LogText.escaped(url, limit: 200)) answered \(status)" + (error.map { ": " + $0.logText } ?? "")
        switch status {
        case 413:
            return .tooLarge(status: status, reason: reason, body: body)
        case 400 where error?.messageId == "POL9003":
            return .tooLarge(status: status, reason: reason, body: body)
        case 400 where error.map { invalidEventIds.contains($0.messageId) } == true:
            return .invalid(status: status, reason: reason, body: body)
        case 401, 403:
            return .unauthorized(status: status, reason: reason)
        default:
            return .retry(reason: reason)
        }
    }
}

/// A listener's `requestError`, in the spec's shape (`serviceException`) or the ONAP collector's
/// (`ServiceException`), read only to decide and to log.
struct ListenerErrorBody: Sendable, Equatable {
    var messageId: String
    var text: String
    var variables: [String]

    init?(_ body: [UInt8]) {
        guard !body.isEmpty, body.count <= 1024 * 1024, let document = try? JSONParser().parse(body),
            case .object(let root)? = document["requestError"]
        else { return nil }
        for (key, value) in root.members {
            let lowered = key.lowercased()
            guard lowered == "serviceexception" || lowered == "policyexception",
                let messageId = value["messageId"]?.stringValue
            else { continue }
            self.messageId = messageId
            text = value["text"]?.stringValue ?? ""
            variables =
                switch value["variables"] {
                case .array(let items)?: items.compactMap(\.stringValue)
                case .string(let single)?: [single]
                default: []
                }
            return
        }
        return nil
    }

    /// `SVC0002 Invalid input value for message part %1 (/event/x, /event/y)`, escaped and cut for a log line.
    var logText: String {
        let shown = variables.prefix(20).map { LogText.escaped($0, limit: 200) }.joined(separator: ", ")
        let more = variables.count > 20 ? ", and \(variables.count - 20) more" : ""
        return LogText.escaped(messageId, limit: 40) + " " + LogText.escaped(text, limit: 300)
            + (variables.isEmpty ? "" : " (" + shown + more + ")")
    }
}
