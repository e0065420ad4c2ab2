import CurlClient
import JSON
import Testing
import VESModel

@testable import MockListener

/// The OpenAPI document against the routes the listener serves: the two are held together through
/// `ServedRoutes` (see its doc comment), in both directions.
@Suite("The OpenAPI document and the routes it describes")
struct OpenAPIDocumentTests {
    static let operationKeys = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func document() throws -> JSONValue {
        try JSONParser(maxDepth: 128).parse(OpenAPIDocument.bytes)
    }

    /// Path → its methods, upper case, as the document lists them.
    static func operations(_ document: JSONValue) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        document["paths"]?.objectValue?.forEachMember { path, item in
            result[path] = Set(operationKeys.filter { item[$0] != nil }.map { $0.uppercased() })
        }
        return result
    }

    /// Every `$ref` string anywhere in `value`.
    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            var found: [String] = []
            object.forEachMember { key, member in
                if key == "$ref", let reference = member.stringValue { found.append(reference) }
                found += references(in: member)
            }
            return found
        case .array(let items):
            return items.flatMap(references(in:))
        default:
            return []
        }
    }

    @Test("the document is OpenAPI 3.1: version, info, responses on every operation, every $ref resolves")
    func structure() throws {
        let document = try Self.document()
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        #expect(document["info"]?["title"]?.stringValue?.isEmpty == false)
        #expect(document["info"]?["version"]?.stringValue?.isEmpty == false)
        let paths = try #require(document["paths"]?.objectValue)
        #expect(!paths.isEmpty)
        let schemes = Set(document["components"]?["securitySchemes"]?.objectValue?.keys ?? [])
        var operationIds: [String] = []
        paths.forEachMember { path, item in
            #expect(path.hasPrefix("/"), "\(path)")
            for key in Self.operationKeys {
                guard let operation = item[key] else { continue }
                let responses = operation["responses"]?.objectValue
                #expect(responses?.isEmpty == false, "\(key) \(path) has no responses")
                for status in responses?.keys ?? [] {
                    let isCode = status.count == 3 && status.allSatisfy { $0.isNumber || $0 == "X" }
                    #expect(isCode || status == "default", "\(key) \(path): response key '\(status)'")
                }
                if let id = operation["operationId"]?.stringValue { operationIds.append(id) }
                for requirement in operation["security"]?.arrayValue ?? [] {
                    for name in requirement.objectValue?.keys ?? [] {
                        #expect(schemes.contains(name), "\(key) \(path): unknown security scheme '\(name)'")
                    }
                }
                // every {name} in the path is a path parameter of the operation
                let parameters = (operation["parameters"]?.arrayValue ?? []).map { parameter in
                    parameter["$ref"]?.stringValue.flatMap { JSONPointer.resolve(String($0.dropFirst()), in: document) }
                        ?? parameter
                }
                let pathNames = Set(parameters.filter { $0["in"] == "path" }.compactMap { $0["name"]?.stringValue })
                for segment in path.split(separator: "/") where segment.hasPrefix("{") {
                    #expect(pathNames.contains(String(segment.dropFirst().dropLast())), "\(key) \(path)")
                }
            }
        }
        #expect(Set(operationIds).count == operationIds.count, "operationIds repeat")
        let references = Self.references(in: document)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(reference.hasPrefix("#/"), "\(reference)")
            #expect(JSONPointer.resolve(String(reference.dropFirst()), in: document) != nil, "\(reference)")
        }
    }

    @Test("the document lists exactly the routes of ServedRoutes, each with the same methods")
    func documentMatchesTable() throws {
        let documented = Self.operations(try Self.document())
        var table: [String: Set<String>] = [:]
        for route in ServedRoutes.all {
            #expect(table[route.template] == nil, "\(route.template) is in the table twice")
            table[route.template] = Set(route.methods)
        }
        for (path, methods) in table {
            #expect(
                documented[path] == methods,
                "\(path): served \(methods.sorted()), documented \(documented[path]?.sorted() ?? [])"
            )
        }
        for path in documented.keys where table[path] == nil {
            Issue.record("\(path) is documented but not in ServedRoutes")
        }
    }

    @Test("every sample path of the table routes to its own entry, also under --path", arguments: [[], ["ves", "a"]])
    func samplesRouteToTheirEntries(prefix: [String]) {
        let prefixText = prefix.map { "/" + $0 }.joined()
        for route in ServedRoutes.all {
            let match = EventRoute.match(path: prefixText + route.sample, prefix: prefix)
            #expect(ServedRoutes.template(of: match) == route.template, "\(route.sample) → \(match)")
        }
        #expect(ServedRoutes.template(of: EventRoute.match(path: "/nothing/here", prefix: prefix)) == nil)
        #expect(ServedRoutes.template(of: .testControl(endpoint: "nothing")) == nil)
    }

    static let probedMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]

    /// Whether an answer is the router's "no route" 404 (not a route's own 404, such as an unknown seq).
    static func isNoRoute(_ response: CurlResponse) -> Bool {
        guard response.status == 404 else { return false }
        let reason = response.requestError?.variables.first ?? ""
        return reason.hasPrefix("no route for") || reason.hasPrefix(ServedRoutes.unknownControlEndpoint)
    }

    @Test("a live listener answers each route's listed methods with something other than no route, and others 405")
    func liveListenerServesTheTable() async throws {
        try await ListenerHarness.run { harness in
            for route in ServedRoutes.all {
                for method in Self.probedMethods {
                    // the stream stays open as long as the client reads it: its routing is checked above
                    if route.template.hasSuffix("/ui/stream") { continue }
                    let body = method == "POST" || method == "PUT" || method == "PATCH" ? Array("{}".utf8) : []
                    let response = try await harness.client.send(
                        CurlRequest(
                            method: method,
                            url: harness.baseURL + route.sample,
                            headers: body.isEmpty ? [] : [(name: "Content-Type", value: "application/json")],
                            body: body
                        )
                    )
                    if route.methods.contains(method) {
                        #expect(!Self.isNoRoute(response), "\(method) \(route.sample): no route")
                        #expect(response.status != 405, "\(method) \(route.sample): 405")
                    } else {
                        #expect(response.status == 405, "\(method) \(route.sample): \(response.status), not 405")
                    }
                }
            }
            let unknown = try await harness.get("/testControl/v1/nothing")
            #expect(Self.isNoRoute(unknown))
        }
    }

    @Test("GET /openapi.json serves the document, its server / without --path")
    func servedWithoutPath() async throws {
        try await ListenerHarness.run { harness in
            let response = try await harness.get("/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.body == OpenAPIDocument.bytes)
            #expect(response.json?["servers"]?[0]?["url"] == .string("/"))
        }
    }

    @Test("under --path the document's server is the path, served there and at the root")
    func servedUnderPath() async throws {
        try await ListenerHarness.run(configure: { $0.pathPrefix = ["ves", "collector"] }) { harness in
            let document = try Self.document()
            for path in ["/ves/collector/openapi.json", "/openapi.json"] {
                let response = try await harness.get(path)
                #expect(response.status == 200)
                let served = try #require(response.json)
                #expect(served["servers"]?[0]?["url"] == .string("/ves/collector"))
                #expect(served["paths"] == document["paths"])
                #expect(served["components"] == document["components"])
            }
        }
    }
}
