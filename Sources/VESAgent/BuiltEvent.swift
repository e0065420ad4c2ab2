import VESModel

/// One VES event ready to send: the `event` object and the facts the sender and the logs need.
public struct BuiltEvent: Sendable {
    /// `commonEventHeader.domain`.
    public var domain: String
    /// `commonEventHeader.eventId`.
    public var eventId: String
    /// `commonEventHeader.reportingEntityName`.
    public var reportingEntityName: String
    /// `commonEventHeader.sourceName`: events of one source are delivered in order, whatever the connections.
    public var sourceName: String
    /// The `event` object (`{"commonEventHeader": ..., "<domain>Fields": ...}`) as `json.dumps` writes it.
    public var eventJSON: String

    public init(
        domain: String,
        eventId: String,
        reportingEntityName: String,
        sourceName: String = "",
        eventJSON: String
    ) {
        self.domain = domain
        self.eventId = eventId
        self.reportingEntityName = reportingEntityName
        self.sourceName = sourceName
        self.eventJSON = eventJSON
    }

    /// The body of a single-event POST: `{"event": {...}}`, byte for byte what the reference plugin sent.
    public var body: String { "{\"event\": " + eventJSON + "}" }

    /// The body of a batch POST: `{"eventList": [...]}`.
    public static func batchBody(_ events: some Collection<BuiltEvent>) -> String {
        "{\"eventList\": [" + events.map(\.eventJSON).joined(separator: ", ") + "]}"
    }
}
