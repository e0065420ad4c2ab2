public import JSON
public import JSONSchema
import VESModel

/// One line of the record: an event (each batch item on its own), a rejected request, an injected fault or a
/// throttling state the agent posted.
public struct EventRecord: Sendable {
    public enum Kind: String, Sendable {
        /// An event that reached validation (valid or not).
        case event
        /// A request refused before its events could be read: bad JSON, too large, wrong auth, path or method.
        case rejected
        /// A request answered by an injected fault; the agent is expected to send it again.
        case fault
        /// A body posted to `clientThrottlingState`.
        case throttlingState
    }

    public var seq: Int
    /// RFC 3339, UTC, milliseconds.
    public var receivedAt: String
    public var kind: Kind
    public var path: String
    public var apiVersion: String?
    public var topic: String?
    public var status: Int
    public var valid: Bool
    public var errors: [Violation]
    public var warnings: [Violation]
    /// The event object as received (the member `event` of a single POST, or a batch item).
    public var event: JSONValue?
    /// The body, cut at 4 KiB, when it was not JSON.
    public var raw: String?

    /// A record as the listener makes it on receipt; the store gives it its `seq` and `receivedAt`. Events and
    /// throttling states are valid when they have no errors; rejected requests and faults never are.
    init(
        kind: Kind,
        path: String,
        route: EventRoute?,
        status: Int,
        errors: [Violation],
        warnings: [Violation],
        event: JSONValue?,
        raw: String?
    ) {
        self.seq = 0
        self.receivedAt = ""
        self.kind = kind
        self.path = path
        self.apiVersion = route?.apiVersion
        self.topic = route?.topic
        self.status = status
        self.valid = (kind == .event || kind == .throttlingState) && errors.isEmpty
        self.errors = errors
        self.warnings = warnings
        self.event = event
        self.raw = raw
    }

    /// The event's bytes exactly as sent, used for the record line when they hold no line break.
    var rawEvent: ArraySlice<UInt8>?

    public var domain: String? { event?["commonEventHeader"]?["domain"]?.stringValue }
    public var eventId: String? { event?["commonEventHeader"]?["eventId"]?.stringValue }
    public var sourceName: String? { event?["commonEventHeader"]?["sourceName"]?.stringValue }
    public var namespace: String? { event?["commonEventHeader"]?["stndDefinedNamespace"]?.stringValue }

    /// The members between `received_at` and the event, in the order the record line has them.
    var describingMembers: [(String, JSONValue)] {
        [
            ("kind", .string(kind.rawValue)),
            ("path", .string(path)),
            ("api_version", apiVersion.map(JSONValue.string) ?? .null),
            ("topic", topic.map(JSONValue.string) ?? .null),
            ("status", .integer(Int64(status))),
            ("valid", .bool(valid)),
            ("errors", .array(errors.map(\.json))),
            ("warnings", .array(warnings.map(\.json))),
        ]
    }

    /// The record line, as written to `--record` and served by `/testControl/v1/events`.
    public var json: JSONValue {
        var object = JSONObject(
            [("seq", .integer(Int64(seq))), ("received_at", .string(receivedAt))] + describingMembers
        )
        if let event {
            object["event"] = event
        }
        if let raw {
            object["raw"] = .string(raw)
        }
        return .object(object)
    }
}

extension Violation {
    var json: JSONValue {
        .object(JSONObject([("pointer", .string(pointer)), ("message", .string(message))]))
    }

    static func note(_ message: String, at pointer: String = "") -> Violation {
        Violation(pointer: pointer, message: message, keyword: "note")
    }
}
