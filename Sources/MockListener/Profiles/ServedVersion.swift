import VESModel

/// One API version as the listener serves it: the validator its events are checked against and what its spec
/// says about resources, batches, stndDefined and command lists.
///
/// A version known only through `--schema`/`--schema-for` (`v4`, say) has no spec facts here and is served as
/// 1.1 is: every resource, no batch rules.
struct ServedVersion: Sendable {
    let segment: String
    let version: VESVersion?
    let schema: EventSchema

    var label: String { version.map { "VES \($0.rawValue)" } ?? segment }

    func hasResource(_ kind: EventRoute.Kind) -> Bool {
        switch kind {
        case .event, .batch: true
        case .throttlingState: version?.hasThrottlingStateResource ?? true
        }
    }

    var batchHoldsOneDomain: Bool { version?.batchHoldsOneDomain ?? false }
    var hasStndDefined: Bool { version?.hasStndDefined ?? false }
    var hasCommandList: Bool { version?.hasCommandList ?? true }
}
