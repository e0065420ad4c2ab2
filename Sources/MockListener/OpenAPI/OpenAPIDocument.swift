import JSON

/// The listener's OpenAPI 3.1 document, served at `GET /openapi.json` so tools (schemathesis, client generators)
/// read the API from the listener itself. The document is `openapi.json` beside this file, kept as plain JSON and
/// embedded at build time; `ServedRoutes` lists the same routes and the tests hold the two together.
enum OpenAPIDocument {
    /// The file as written: its `servers` entry is `/`.
    static let bytes: [UInt8] = PackageResources.openapi_json

    private static let parsed: JSONValue? = try? JSONParser(maxDepth: 128).parse(bytes)

    /// The document for a listener under `--path` `prefix`: its `servers` entry is that path, so the document's
    /// paths, which are relative to it, resolve to the routes the listener serves.
    static func served(prefix: [String]) -> [UInt8] {
        guard !prefix.isEmpty, case .object(var root)? = parsed else { return bytes }
        let server = JSONObject([
            ("url", .string("/" + prefix.joined(separator: "/"))),
            ("description", .string("This listener, under its --path.")),
        ])
        root["servers"] = .array([.object(server)])
        return JSONValue.object(root).jsonBytes()
    }
}
