import Hummingbird
import VESModel

/// One route the listener serves, as its OpenAPI document (`OpenAPI/openapi.json`) writes it.
struct ServedRoute: Sendable, Equatable {
    /// The path relative to `--path`, with `{name}` for a segment the client chooses: the document's key.
    let template: String
    /// The methods it answers; `/testControl` answers any other with 405 and these as `Allow`.
    let methods: [String]
    /// A path (with a query where the route needs one to answer at once) that reaches it, for the tests.
    let sample: String
}

/// Every route the listener serves, in one table that the router, the OpenAPI document and their tests share, so
/// that none of the three can change without the others noticing:
///
/// - ``template(of:)`` maps each ``RouteMatch`` the router returns to its entry with an exhaustive switch: a new
///   case does not compile until it names an entry (or says it is no route).
/// - `/testControl/v1/ENDPOINT` answers only the endpoints and methods of this table (404 and 405 otherwise, see
///   ``refusal(controlEndpoint:method:)``), so an endpoint added to ``TestControlAPI`` without its entry is never
///   reached, and its own test fails.
/// - `OpenAPIDocumentTests` check that the document's paths and methods are exactly this table's, that every
///   sample routes to its own entry, and that a live listener answers each listed method of each entry with
///   something other than "no route", and any other method with 405.
enum ServedRoutes {
    static let all: [ServedRoute] = [
        ServedRoute(template: "/eventListener/{version}", methods: ["POST"], sample: "/eventListener/v7"),
        ServedRoute(
            template: "/eventListener/{version}/eventBatch",
            methods: ["POST"],
            sample: "/eventListener/v7/eventBatch"
        ),
        ServedRoute(
            template: "/eventListener/{version}/clientThrottlingState",
            methods: ["POST"],
            sample: "/eventListener/v5/clientThrottlingState"
        ),
        ServedRoute(
            template: "/eventListener/{version}/{topic}",
            methods: ["POST"],
            sample: "/eventListener/v7/events"
        ),
        ServedRoute(template: "/healthz", methods: ["GET", "HEAD"], sample: "/healthz"),
        ServedRoute(template: "/metrics", methods: ["GET", "HEAD"], sample: "/metrics"),
        ServedRoute(template: "/openapi.json", methods: ["GET", "HEAD"], sample: "/openapi.json"),
        ServedRoute(template: "/", methods: ["GET", "HEAD"], sample: "/"),
        ServedRoute(template: "/ui/app.js", methods: ["GET", "HEAD"], sample: "/ui/app.js"),
        ServedRoute(template: "/ui/app.css", methods: ["GET", "HEAD"], sample: "/ui/app.css"),
        control("events", methods: ["GET", "DELETE"]),
        control("stats", methods: ["GET"]),
        control("wait", methods: ["GET"], sample: "wait?count=0&timeout=0"),
        control("commandList", methods: ["GET", "POST", "DELETE"]),
        control("faults", methods: ["GET", "POST", "DELETE"]),
        control("ui/events", methods: ["GET", "HEAD"]),
        control("ui/events/{seq}", methods: ["GET", "HEAD"], sample: "ui/events/1"),
        control("ui/summary", methods: ["GET", "HEAD"]),
        control("ui/series", methods: ["GET", "HEAD"]),
        control("ui/stream", methods: ["GET", "HEAD"]),
        control("ui/record", methods: ["GET", "HEAD"]),
        control("ui/junit", methods: ["GET", "HEAD"]),
    ]

    static let controlPrefix = "/testControl/v1/"

    private static func control(_ endpoint: String, methods: [String], sample: String? = nil) -> ServedRoute {
        ServedRoute(template: controlPrefix + endpoint, methods: methods, sample: controlPrefix + (sample ?? endpoint))
    }

    /// The template of the table entry a router's match reaches; nil for no route.
    static func template(of match: RouteMatch) -> String? {
        switch match {
        case .event(let route):
            switch route.kind {
            case .event: route.topic == nil ? "/eventListener/{version}" : "/eventListener/{version}/{topic}"
            case .batch: "/eventListener/{version}/eventBatch"
            case .throttlingState: "/eventListener/{version}/clientThrottlingState"
            }
        case .testControl(let endpoint): controlRoute(endpoint)?.template
        case .health: "/healthz"
        case .page(let file): file == "index.html" ? "/" : "/" + file
        case .metrics: "/metrics"
        case .openAPIDocument: "/openapi.json"
        case .notFound: nil
        }
    }

    /// The entry of `/testControl/v1/ENDPOINT`: the one whose template's segments match the endpoint's, a
    /// `{name}` segment matching any one segment.
    static func controlRoute(_ endpoint: String) -> ServedRoute? {
        let segments = endpoint.split(separator: "/", omittingEmptySubsequences: false)
        return all.first { route in
            guard route.template.hasPrefix(controlPrefix) else { return false }
            let pattern = route.template.dropFirst(controlPrefix.count).split(
                separator: "/",
                omittingEmptySubsequences: false
            )
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { wanted, given in
                    wanted.hasPrefix("{") ? !given.isEmpty : wanted == given
                }
        }
    }

    /// The start of the message of every "no route" 404 of `/testControl`.
    static let unknownControlEndpoint = "unknown test-control endpoint"

    /// The 404 or 405 for a `/testControl/v1/ENDPOINT` request the table has no entry or method for, else nil.
    static func refusal(controlEndpoint endpoint: String, method: HTTPRequest.Method) -> Response? {
        guard let route = controlRoute(endpoint) else {
            let known = all.compactMap { route in
                route.template.hasPrefix(controlPrefix) ? String(route.template.dropFirst(controlPrefix.count)) : nil
            }
            return ListenerResponder.json(
                .notFound,
                RequestError.serviceError(
                    "\(unknownControlEndpoint) '\(endpoint)'; known: " + known.joined(separator: ", "),
                    status: 404
                ).json
            )
        }
        guard route.methods.contains(method.rawValue) else {
            var response = ListenerResponder.json(
                .methodNotAllowed,
                RequestError.serviceError("\(method) is not allowed on \(endpoint)", status: 405).json
            )
            response.headers[.allow] = route.methods.joined(separator: ", ")
            return response
        }
        return nil
    }
}
