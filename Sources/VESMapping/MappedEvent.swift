public import JSON
public import VESModel

/// One event a mapping file built: the `event` object to POST, with what the sender and the logs need.
public struct MappedEvent: Sendable, Equatable {
    /// The `event` object: `{"commonEventHeader": ..., "<domain>Fields": ...}`.
    public var event: JSONValue
    /// `commonEventHeader.domain`.
    public var domain: String
    /// The VES version the file targets, so the agent posts it to `/eventListener/v5` or `/v7`.
    public var version: VESVersion
    /// The name of the template in the file that built it (`Host Measurements`).
    public var template: String
    /// `commonEventHeader.eventId`, `sourceName` and `reportingEntityName`, empty when the template has none.
    public var eventId: String
    public var sourceName: String
    public var reportingEntityName: String

    public init(
        event: JSONValue,
        domain: String,
        version: VESVersion,
        template: String,
        eventId: String,
        sourceName: String,
        reportingEntityName: String
    ) {
        self.event = event
        self.domain = domain
        self.version = version
        self.template = template
        self.eventId = eventId
        self.sourceName = sourceName
        self.reportingEntityName = reportingEntityName
    }

    /// The body of a single-event POST: `{"event": {...}}`.
    public var body: JSONValue { .object(JSONObject([("event", event)])) }

    /// The `event` object as JSON text.
    public var eventJSON: String { event.jsonString() }
}

/// What one `measurements` or `faults` call built, and what it had to leave out.
public struct MappingOutput: Sendable {
    public var events: [MappedEvent] = []
    /// Why a field or an item was left out or a choice was made where ves_app would have stopped (a ValueItem
    /// that selected nothing and has no DEFAULT, one that selected several values), for the log. At most
    /// `MappingOutput.maxNotes` are kept; `droppedNotes` counts the rest.
    public var notes: [String] = []
    public var droppedNotes = 0

    /// Notes kept per call: enough to show what is wrong, bounded whatever the values.
    public static let maxNotes = 32

    public init() {}

    mutating func note(_ text: String) {
        if notes.count < Self.maxNotes {
            if !notes.contains(text) { notes.append(text) }
        } else {
            droppedNotes += 1
        }
    }
}
