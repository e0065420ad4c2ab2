import JSON

/// Counts of the records since the start or the last `DELETE /testControl/v1/events`, kept as records arrive so
/// `/testControl/v1/stats` costs the same however many records the listener received, and stays right for records
/// the memory ring has already forgotten.
struct RecordCounts: Sendable {
    /// Most distinct domains, versions or namespaces counted one by one; the rest go under `(other)`, so a sender
    /// making up names cannot grow the counts without bound.
    static let maxKeys = 1000
    static let otherKey = "(other)"

    struct Tally: Sendable {
        var total = 0
        var valid = 0
        var invalid = 0
    }

    var byKind: [EventRecord.Kind: Int] = [:]
    var byStatus: [Int: Int] = [:]
    var byDomain: [String: Tally] = [:]
    var byVersion: [String: Tally] = [:]
    var byNamespace: [String: Tally] = [:]
    var events = 0
    var valid = 0

    mutating func add(
        kind: EventRecord.Kind,
        status: Int,
        valid: Bool,
        domain: String?,
        apiVersion: String?,
        namespace: String?
    ) {
        byKind[kind, default: 0] += 1
        byStatus[status, default: 0] += 1
        guard kind == .event else { return }
        events += 1
        if valid { self.valid += 1 }
        Self.add(valid, under: domain ?? "(none)", to: &byDomain)
        Self.add(valid, under: apiVersion ?? "(none)", to: &byVersion)
        if let namespace { Self.add(valid, under: namespace, to: &byNamespace) }
    }

    /// Adds the counts of a batch counted apart.
    mutating func merge(_ other: RecordCounts) {
        byKind.merge(other.byKind, uniquingKeysWith: +)
        byStatus.merge(other.byStatus, uniquingKeysWith: +)
        events += other.events
        valid += other.valid
        Self.merge(other.byDomain, into: &byDomain)
        Self.merge(other.byVersion, into: &byVersion)
        Self.merge(other.byNamespace, into: &byNamespace)
    }

    private static func merge(_ other: [String: Tally], into tallies: inout [String: Tally]) {
        for (key, tally) in other {
            let key = tallies[key] != nil || tallies.count < maxKeys ? key : otherKey
            tallies[key, default: Tally()].total += tally.total
            tallies[key, default: Tally()].valid += tally.valid
            tallies[key, default: Tally()].invalid += tally.invalid
        }
    }

    private static func add(_ valid: Bool, under key: String, to tallies: inout [String: Tally]) {
        let key = tallies[key] != nil || tallies.count < maxKeys ? key : otherKey
        tallies[key, default: Tally()].total += 1
        if valid { tallies[key, default: Tally()].valid += 1 } else { tallies[key, default: Tally()].invalid += 1 }
    }

    static func json(_ tallies: [String: Tally]) -> JSONValue {
        .object(
            JSONObject(
                tallies.sorted { $0.key < $1.key }.map { key, tally in
                    (
                        key,
                        JSONValue.object(
                            JSONObject([
                                ("total", .integer(Int64(tally.total))),
                                ("valid", .integer(Int64(tally.valid))),
                                ("invalid", .integer(Int64(tally.invalid))),
                            ])
                        )
                    )
                }
            )
        )
    }

    static func json(_ byStatus: [Int: Int]) -> JSONValue {
        .object(JSONObject(byStatus.sorted { $0.key < $1.key }.map { (String($0.key), .integer(Int64($0.value))) }))
    }
}
