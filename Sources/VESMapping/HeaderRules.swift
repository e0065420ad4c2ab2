import VESModel

/// Which VES version a file's templates target, and whether their headers can give events of that version.
///
/// The engine sets startEpochMicrosec and lastEpochMicrosec itself; every other field the version's
/// commonEventHeader requires must be in the template, with `version` (and in 7.x `vesEventListenerVersion`)
/// constants of the type and values the version's schema allows. A header that could never validate is an error
/// at load, not an invalid event at the first tick.
struct HeaderRules {
    let path: String

    /// The header fields 5.4.1 (28.4.1) and 7.2.1 (30.2.1) require, less the two times the engine sets.
    static let required = [
        "domain", "eventId", "eventName", "priority", "reportingEntityName", "sequence", "sourceName", "version",
    ]
    /// The domains of each version's `commonEventHeader.domain` enumeration.
    static let domains541: Set<String> = [
        "fault", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other", "sipSignaling", "stateChange",
        "syslog", "thresholdCrossingAlert", "voiceQuality",
    ]
    static let domains721: Set<String> = [
        "fault", "heartbeat", "measurement", "mobileFlow", "notification", "other", "perf3gpp", "pnfRegistration",
        "sipSignaling", "stateChange", "stndDefined", "syslog", "thresholdCrossingAlert", "voiceQuality",
    ]
    /// 30.2.1's enumerations of `version` and `vesEventListenerVersion`.
    static let headerVersions721: Set<String> = ["4.0", "4.0.1", "4.1"]
    static let listenerVersions721: Set<String> = ["7.0", "7.0.1", "7.1", "7.1.1", "7.2", "7.2.1"]

    func targetVersion(of root: MappingNode) throws(MappingError) -> VESVersion {
        var target: (version: VESVersion, template: String)?
        guard case .mapping(let members) = root.content else { return .ves541 }
        for member in members where member.value.tag == .measurements || member.value.tag == .events {
            for header in headers(of: member.value) {
                let version = try check(header, template: member.key)
                if let target, target.version != version {
                    throw failure(
                        header,
                        "'\(member.key)' targets VES \(version.rawValue) but '\(target.template)' targets VES "
                            + "\(target.version.rawValue); one file builds events of one version"
                    )
                }
                target = (version, member.key)
            }
        }
        return target?.version ?? .ves541
    }

    /// The commonEventHeader mappings of a template's ITEM-DESCs (the compiler checked they are there).
    private func headers(of template: MappingNode) -> [MappingNode] {
        guard case .sequence(let elements) = template.content else { return [] }
        var headers: [MappingNode] = []
        for element in elements {
            guard case .mapping(let entries) = element.content else { continue }
            for entry in entries where entry.key == "ITEM-DESC" {
                if let header = entry.value.member("event")?.member("commonEventHeader") { headers.append(header) }
            }
        }
        return headers
    }

    private func check(_ header: MappingNode, template: String) throws(MappingError) -> VESVersion {
        let domain = header.member("domain")?.constantString ?? ""
        let listenerVersion = header.member("vesEventListenerVersion")
        let version: VESVersion = listenerVersion != nil || domain == "measurement" ? .ves721 : .ves541
        for field in Self.required + (version == .ves721 ? ["vesEventListenerVersion"] : [])
        where header.member(field) == nil {
            throw failure(
                header,
                "the commonEventHeader of '\(template)' has no '\(field)', which VES \(version.rawValue) requires"
            )
        }
        let domains = version == .ves721 ? Self.domains721 : Self.domains541
        guard domains.contains(domain) else {
            throw failure(
                header.member("domain") ?? header,
                "'\(template)': the domain '\(domain)' is not a VES \(version.rawValue) domain ("
                    + domains.sorted().joined(separator: ", ") + ")"
            )
        }
        guard let headerVersion = header.member("version") else { return version }
        switch version {
        case .ves721:
            guard let listener = listenerVersion?.constantString, Self.listenerVersions721.contains(listener) else {
                throw failure(
                    listenerVersion ?? header,
                    "'\(template)': vesEventListenerVersion must be a quoted constant, one of "
                        + Self.listenerVersions721.sorted().joined(separator: ", ") + "; this project builds 7.2.1"
                )
            }
            guard let text = headerVersion.constantString, Self.headerVersions721.contains(text) else {
                throw failure(
                    headerVersion,
                    "'\(template)': a VES 7.x header 'version' is the quoted string \"4.0\", \"4.0.1\" or \"4.1\""
                )
            }
        default:
            guard case .scalar(let scalar, _) = headerVersion.content, headerVersion.tag == nil,
                scalar.isNumber
            else {
                throw failure(headerVersion, "'\(template)': a VES 5.x header 'version' is a number (2.0, 3.0)")
            }
        }
        return version
    }

    private func failure(_ node: MappingNode, _ message: String) -> MappingError {
        MappingError(code: .badTemplate, message: message, path: path, line: node.line, column: node.column)
    }
}

extension MappingNode {
    /// The value of a mapping's member.
    func member(_ key: String) -> MappingNode? {
        guard case .mapping(let members) = content else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text of an untagged string scalar.
    var constantString: String? {
        guard tag == nil, case .scalar(.string(let text), _) = content else { return nil }
        return text
    }
}

extension MappingNode.Scalar {
    var isNumber: Bool {
        switch self {
        case .integer, .number: true
        default: false
        }
    }
}
