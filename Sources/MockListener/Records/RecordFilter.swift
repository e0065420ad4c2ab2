import JSON

/// Which records a query, a wait or a stats call looks at.
public struct RecordFilter: Sendable, Equatable {
    public var kind: EventRecord.Kind?
    public var domain: String?
    public var valid: Bool?
    /// Only records with a greater sequence number.
    public var since: Int?
    /// The route's API version (`v1`, `v5`, `v7`).
    public var apiVersion: String?
    /// The event's `sourceName`.
    public var source: String?
    /// The event's `stndDefinedNamespace`.
    public var namespace: String?

    public init(
        kind: EventRecord.Kind? = nil,
        domain: String? = nil,
        valid: Bool? = nil,
        since: Int? = nil,
        apiVersion: String? = nil,
        source: String? = nil,
        namespace: String? = nil
    ) {
        self.kind = kind
        self.domain = domain
        self.valid = valid
        self.since = since
        self.apiVersion = apiVersion
        self.source = source
        self.namespace = namespace
    }

    func matches(_ entry: RecordStore.Entry) -> Bool {
        matches(
            kind: entry.kind,
            domain: entry.domain,
            valid: entry.valid,
            seq: entry.seq,
            apiVersion: entry.apiVersion,
            source: entry.sourceName,
            namespace: entry.namespace
        )
    }

    func matches(_ record: EventRecord) -> Bool {
        matches(
            kind: record.kind,
            domain: record.domain,
            valid: record.valid,
            seq: record.seq,
            apiVersion: record.apiVersion,
            source: record.sourceName,
            namespace: record.namespace
        )
    }

    private func matches(
        kind: EventRecord.Kind,
        domain: String?,
        valid: Bool,
        seq: Int,
        apiVersion: String?,
        source: String?,
        namespace: String?
    ) -> Bool {
        if let wanted = self.kind, kind != wanted { return false }
        if let wanted = self.domain, domain != wanted { return false }
        if let wanted = self.valid, valid != wanted { return false }
        if let since, seq <= since { return false }
        if let wanted = self.apiVersion, apiVersion != wanted { return false }
        if let wanted = self.source, source != wanted { return false }
        if let wanted = self.namespace, namespace != wanted { return false }
        return true
    }
}

/// What the listener received over its lifetime, for the shutdown line and `--strict`.
public struct ListenerSummary: Sendable, Equatable, CustomStringConvertible {
    /// Events validated plus requests rejected before validation (an agent sending garbage fails conformance).
    public var events: Int
    public var valid: Int
    public var invalid: Int
    /// Of `invalid`, event requests refused before validation (bad JSON, credentials, body too large...).
    public var rejected: Int

    public init(events: Int, valid: Int, invalid: Int, rejected: Int) {
        self.events = events
        self.valid = valid
        self.invalid = invalid
        self.rejected = rejected
    }

    public var description: String { "\(events) events, \(valid) valid, \(invalid) invalid" }
}

extension ListenerSummary {
    var json: JSONValue {
        .object(
            JSONObject([
                ("events", .integer(Int64(events))),
                ("valid", .integer(Int64(valid))),
                ("invalid", .integer(Int64(invalid))),
                ("rejected", .integer(Int64(rejected))),
            ])
        )
    }

    /// Adds a record to the lifetime counts: events by validity, rejected requests as invalid events.
    mutating func add(kind: EventRecord.Kind, valid: Bool) {
        switch kind {
        case .event:
            events += 1
            if valid { self.valid += 1 } else { invalid += 1 }
        case .rejected:
            events += 1
            invalid += 1
            rejected += 1
        case .fault, .throttlingState:
            break
        }
    }

    static func + (lhs: ListenerSummary, rhs: ListenerSummary) -> ListenerSummary {
        ListenerSummary(
            events: lhs.events + rhs.events,
            valid: lhs.valid + rhs.valid,
            invalid: lhs.invalid + rhs.invalid,
            rejected: lhs.rejected + rhs.rejected
        )
    }
}
