public import JSON
public import Testing

/// One case of `ves/peer-cases/cases.jsonl`: a body another VES listener's own tests post, and the verdict that
/// listener gives it.
public struct PeerCase: Sendable, CustomTestStringConvertible {
    public var id: String
    /// `v5`, `v7`, ...
    public var apiVersion: String
    /// The schema file the peer validated with (in `ves/schemas` or `ves/peer-cases/schemas`).
    public var schema: String
    /// `event` or `batch`.
    public var route: String
    public var topic: String?
    public var expectedValid: Bool
    public var expectedStatus: Int?
    /// What decides the verdict (`accept`, `schema:enum`, `format:ipv4`, `stndDefined:namespace-required`, ...).
    public var rule: String
    /// The verdict rests on something plain draft-04 validation does not do: `peer_specific` is `true` or a
    /// non-empty reason text.
    public var peerSpecific: Bool
    /// Why the verdict is the peer's own, when `peer_specific` gives a reason text.
    public var peerSpecificReason: String?
    /// The body, or nil when the case sends text that is not JSON (`bodyText`).
    public var body: JSONValue?
    public var bodyText: String?

    public var testDescription: String { id }

    /// The path the case posts to: `/eventListener/v7`, `/eventListener/v7/events`, `/eventListener/v5/eventBatch`.
    public var path: String {
        var path = "/eventListener/" + apiVersion
        if route == "batch" {
            path += "/eventBatch"
        } else if let topic {
            path += "/" + topic
        }
        return path
    }

    /// The bytes to post.
    public var bytes: [UInt8] {
        if let body {
            return Array(body.jsonString().utf8)
        }
        return Array((bodyText ?? "").utf8)
    }

    /// Every case, in file order; throws when the file is missing or a line is not a case.
    public static func all() throws -> [PeerCase] {
        let text = try SharedMaterial.text(SharedMaterial.path("ves/peer-cases/cases.jsonl"))
        var cases: [PeerCase] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
            let value = try JSONParser(maxDepth: 256, maxBytes: 16 * 1024 * 1024).parse(Array(line.utf8))
            guard let id = value["id"]?.stringValue, let apiVersion = value["api_version"]?.stringValue,
                let schema = value["schema"]?.stringValue, let route = value["route"]?.stringValue,
                case .bool(let expectedValid)? = value["expected_valid"]
            else {
                throw PeerCaseError(line: number + 1)
            }
            var expectedStatus: Int?
            if case .integer(let status)? = value["expected_status"] {
                expectedStatus = Int(status)
            }
            var peerSpecific = false
            var peerSpecificReason: String?
            switch value["peer_specific"] {
            case .bool(let flag)?:
                peerSpecific = flag
            case .string(let reason)? where !reason.isEmpty:
                peerSpecific = true
                peerSpecificReason = reason
            default:
                break
            }
            cases.append(
                PeerCase(
                    id: id,
                    apiVersion: apiVersion,
                    schema: schema,
                    route: route,
                    topic: value["topic"]?.stringValue,
                    expectedValid: expectedValid,
                    expectedStatus: expectedStatus,
                    rule: value["rule"]?.stringValue ?? "",
                    peerSpecific: peerSpecific,
                    peerSpecificReason: peerSpecificReason,
                    body: value["body"],
                    bodyText: value["body_text"]?.stringValue
                )
            )
        }
        return cases
    }
}

/// A line of `cases.jsonl` that lacks what every case has.
public struct PeerCaseError: Error, CustomStringConvertible {
    public var line: Int
    public var description: String {
        "ves/peer-cases/cases.jsonl line \(line) lacks id, api_version, schema, route or expected_valid"
    }
}
