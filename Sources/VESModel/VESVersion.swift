public import JSONSchema

/// The VES event listener API versions this project speaks, with what each one's spec says about itself.
///
/// 1.1 is the 2016 AT&T format (spec Rev 2.5) the reference collectd plugin sends; 5.4.1 is the ONAP format of
/// CommonEventFormat 28.4.1; 7.2.1 is 30.2.1_ONAP.
public enum VESVersion: String, Sendable, CaseIterable, Comparable {
    case ves11 = "1.1"
    case ves541 = "5.4.1"
    case ves721 = "7.2.1"

    /// The version's number parts: major, minor, patch.
    public var parts: (major: Int, minor: Int, patch: Int) {
        switch self {
        case .ves11: (1, 1, 0)
        case .ves541: (5, 4, 1)
        case .ves721: (7, 2, 1)
        }
    }

    /// The URL segment after `/eventListener/` (`v1`, `v5`, `v7`): only the major version is in the path.
    public var segment: String { "v\(parts.major)" }

    /// The version whose major number a URL segment names, if this project speaks it.
    public init?(segment: String) {
        guard let found = Self.allCases.first(where: { $0.segment == segment }) else { return nil }
        self = found
    }

    /// 7.x listeners answer every request with `X-MinorVersion`, `X-PatchVersion` and `X-LatestVersion`, and
    /// clients may ask for an older minor version of the same major one; earlier versions have no such headers.
    public var hasVersionHeaders: Bool { parts.major >= 7 }

    /// The minor versions a listener of this version serves (7.2.1 serves 7.0.x, 7.1.x and 7.2.x).
    public var servedMinorVersions: ClosedRange<Int> { 0...parts.minor }

    /// 1.1 and 5.4.1 let a listener answer a 202 with a commandList; 6.0 removed command lists and throttling.
    public var hasCommandList: Bool { parts.major < 6 }

    /// 1.1 and 5.4.1 have the `clientThrottlingState` resource; 7.x has only the event and eventBatch resources.
    public var hasThrottlingStateResource: Bool { parts.major < 6 }

    /// 7.x asks that a batch holds events of one domain, and stndDefined events of one namespace.
    public var batchHoldsOneDomain: Bool { parts.major >= 7 }

    /// 7.2 added the stndDefined domain, with `stndDefinedNamespace` required for it (SVC2004, SVC2006).
    public var hasStndDefined: Bool { self >= .ves721 }

    /// The built-in field set a listener checks this version's events against.
    public var fieldSet: (name: String, validator: JSONSchemaValidator) {
        switch self {
        case .ves11: (VES11FieldSet.name, VES11FieldSet.validator)
        case .ves541: (VES541FieldSet.name, VES541FieldSet.validator)
        case .ves721: (VES721FieldSet.name, VES721FieldSet.validator)
        }
    }

    /// `v1 (VES 1.1), v5 (VES 5.4.1), v7 (VES 7.2.1)`, for messages that say what is served.
    public static func describe(_ versions: [VESVersion]) -> String {
        versions.map { "\($0.segment) (VES \($0.rawValue))" }.joined(separator: ", ")
    }

    public static func < (lhs: VESVersion, rhs: VESVersion) -> Bool {
        lhs.parts.major != rhs.parts.major ? lhs.parts.major < rhs.parts.major : lhs.parts.minor < rhs.parts.minor
    }
}
