/// Where a request goes, read from its path the way the reference plugin builds URLs.
///
/// The plugin writes `http://HOST:PORT//PATH/eventListener/v1TOPIC`: a doubled slash before the path and the
/// topic glued to the version. Both are accepted, and what was read is kept in `notes` for the record.
enum RouteMatch: Equatable {
    case event(EventRoute)
    case testControl(endpoint: String)
    case health
    /// The web view's files: `index.html` for `/`, `ui/app.js`, `ui/app.css`.
    case page(String)
    /// `GET /metrics`: the listener's counts in the Prometheus text format.
    case metrics
    /// `GET /openapi.json`: the listener's OpenAPI document.
    case openAPIDocument
    case notFound
}

struct EventRoute: Equatable {
    enum Kind: String {
        case event
        case batch = "eventBatch"
        case throttlingState = "clientThrottlingState"
    }

    var kind: Kind
    /// `v1`, `v5`...
    var apiVersion: String
    var topic: String?
    /// How the path was read where it was not the spec's plain form.
    var notes: [String]
    /// The version segment as written (`v1mytopic` when a topic was glued to it).
    var versionSegment: String = ""

    static func match(path rawPath: String, prefix: [String]) -> RouteMatch {
        let path =
            rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if let control = controlRoute(segments)
            ?? (segments.starts(with: prefix) ? controlRoute(Array(segments.dropFirst(prefix.count))) : nil)
        {
            return control
        }
        guard segments.starts(with: prefix) else { return .notFound }
        let rest = segments.dropFirst(prefix.count)
        guard rest.count >= 2, rest[rest.startIndex] == "eventListener" else { return .notFound }
        let versionSegment = rest[rest.startIndex + 1]
        guard versionSegment.first == "v" else { return .notFound }
        let digits = versionSegment.dropFirst().prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty else { return .notFound }
        let apiVersion = "v" + digits
        let glued = String(versionSegment.dropFirst(1 + digits.count))
        let remaining = Array(rest.dropFirst(2))

        var notes: [String] = []
        func route(_ kind: Kind, topic: String?) -> RouteMatch {
            var route = EventRoute(kind: kind, apiVersion: apiVersion, topic: topic, notes: notes)
            route.versionSegment = versionSegment
            return .event(route)
        }
        if Self.hasEmptySegment(path) {
            notes.append("empty path segments ignored in '\(path)'")
        }
        if !glued.isEmpty {
            let topic = ([glued] + remaining).joined(separator: "/")
            notes.append(
                "topic glued to the version ('\(versionSegment)'): read as version \(apiVersion), topic '\(topic)'"
            )
            return route(.event, topic: topic)
        }
        switch remaining {
        case []:
            return route(.event, topic: nil)
        case [EventRoute.Kind.batch.rawValue]:
            return route(.batch, topic: nil)
        case [EventRoute.Kind.throttlingState.rawValue]:
            return route(.throttlingState, topic: nil)
        default:
            return route(.event, topic: remaining.joined(separator: "/"))
        }
    }

    /// Whether the path has `//` or ends in `/` (other than `/` itself), read as bytes: this runs on every request.
    private static func hasEmptySegment(_ path: String) -> Bool {
        path.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.count > 1 else { return false }
            if bytes[bytes.count - 1] == UInt8(ascii: "/") { return true }
            for index in 1..<bytes.count
            where bytes[index] == UInt8(ascii: "/") && bytes[index - 1] == UInt8(ascii: "/") {
                return true
            }
            return false
        } ?? (path.contains("//") || (path.count > 1 && path.hasSuffix("/")))
    }

    private static func controlRoute(_ segments: [String]) -> RouteMatch? {
        if segments == ["healthz"] { return .health }
        if segments.isEmpty { return .page("index.html") }
        if segments.count == 2, segments[0] == "ui", segments[1] == "app.js" || segments[1] == "app.css" {
            return .page(segments.joined(separator: "/"))
        }
        if segments == ["metrics"] { return .metrics }
        if segments == ["openapi.json"] { return .openAPIDocument }
        if segments.count >= 2, segments[0] == "testControl", segments[1] == "v1" {
            return .testControl(endpoint: segments.dropFirst(2).joined(separator: "/"))
        }
        return nil
    }
}
