import VESModel

/// Events and rejected requests by API version, domain and verdict over the listener's lifetime (a
/// `DELETE /testControl/v1/events` does not reset them, as Prometheus counters only go up), for `/metrics`.
///
/// The label values are fixed sets, so what a sender writes cannot grow them: a version this project does not
/// speak counts under `other`, a domain that is none of the VES domains of any version under `other`, and a record
/// without one (a body that did not parse) under `none`. Counted in one flat array: a record costs one lookup.
struct EventTally: Sendable, Equatable {
    enum Verdict: Int, CaseIterable, Sendable {
        case valid, invalid, rejected

        var label: String {
            switch self {
            case .valid: "valid"
            case .invalid: "invalid"
            case .rejected: "rejected"
            }
        }
    }

    static let versions = VESVersion.allCases.map(\.segment) + ["other"]
    /// The `commonEventHeader.domain` values of VES 1.1, 5.4.1 and 7.2.1, then `none` for a record without one.
    static let domains = [
        "capacity", "fault", "heartbeat", "measurement", "measurementsForVfScaling", "mobileFlow", "notification",
        "other", "perf3gpp", "pnfRegistration", "sipSignaling", "stateChange", "stndDefined", "syslog",
        "thresholdCrossingAlert", "usage", "voiceQuality", "none",
    ]
    private static let versionIndex = Dictionary(uniqueKeysWithValues: versions.enumerated().map { ($1, $0) })
    private static let domainIndex = Dictionary(uniqueKeysWithValues: domains.enumerated().map { ($1, $0) })
    private static let otherDomain = domainIndex["other", default: 0]
    private static let cells = versions.count * domains.count * Verdict.allCases.count

    private(set) var counts = [Int](repeating: 0, count: cells)

    /// Counts an event (valid or invalid) or a rejected request; other records (faults, throttling states) are
    /// not events and are left out.
    mutating func add(kind: EventRecord.Kind, valid: Bool, apiVersion: String?, domain: String?) {
        let verdict: Verdict
        switch kind {
        case .event: verdict = valid ? .valid : .invalid
        case .rejected: verdict = .rejected
        case .fault, .throttlingState: return
        }
        let version = apiVersion.flatMap { Self.versionIndex[$0] } ?? Self.versions.count - 1
        let domain = domain.map { Self.domainIndex[$0] ?? Self.otherDomain } ?? Self.domains.count - 1
        counts[(version * Self.domains.count + domain) * Verdict.allCases.count + verdict.rawValue] += 1
    }

    mutating func merge(_ other: EventTally) {
        for index in counts.indices where other.counts[index] != 0 { counts[index] += other.counts[index] }
    }

    /// Calls `body` with each label set counted at least once and its count.
    func forEachCounted(_ body: (_ version: String, _ domain: String, _ verdict: Verdict, _ count: Int) -> Void) {
        for (index, count) in counts.enumerated() where count > 0 {
            let verdict = Verdict.allCases[index % Verdict.allCases.count]
            let cell = index / Verdict.allCases.count
            body(Self.versions[cell / Self.domains.count], Self.domains[cell % Self.domains.count], verdict, count)
        }
    }
}
