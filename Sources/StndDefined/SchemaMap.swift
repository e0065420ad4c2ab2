import JSON

/// One entry of ONAP's `schema-map.json`: the URL events name, and the file under the folder that holds it.
struct SchemaMapEntry: Sendable, Hashable {
    var publicURL: String
    var localURL: String
}

/// Reads ONAP's `schema-map.json`: a JSON array of `{"publicURL": ..., "localURL": ...}` objects.
enum SchemaMap {
    /// More entries than this is not a map a person wrote; refuse rather than hold it.
    static let maxEntries = 10_000

    static func parse(_ bytes: [UInt8], path: String) throws(StndDefinedError) -> [SchemaMapEntry] {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 16, maxBytes: 4 * 1024 * 1024).parse(bytes)
        } catch {
            throw StndDefinedError(code: .badMap, message: "\(path) is not valid JSON: \(error.message)")
        }
        guard case .array(let elements) = value else {
            throw badShape(path, "the top level must be an array of {\"publicURL\", \"localURL\"} objects")
        }
        guard elements.count <= maxEntries else {
            throw StndDefinedError(
                code: .tooLarge,
                message: "\(path) has \(elements.count) entries; at most \(maxEntries) are accepted"
            )
        }
        var entries: [SchemaMapEntry] = []
        var seen: Set<String> = []
        for (index, element) in elements.enumerated() {
            guard case .string(let publicURL)? = element["publicURL"], !publicURL.isEmpty,
                case .string(let localURL)? = element["localURL"], !localURL.isEmpty
            else {
                throw badShape(path, "entry \(index) needs non-empty string members \"publicURL\" and \"localURL\"")
            }
            guard !publicURL.contains("#") else {
                throw badShape(path, "entry \(index): publicURL '\(publicURL)' must name a file, without '#...'")
            }
            guard !localURL.hasPrefix("/") else {
                throw badShape(path, "entry \(index): localURL '\(localURL)' must be relative to the map's folder")
            }
            guard seen.insert(publicURL).inserted else {
                throw badShape(path, "publicURL '\(publicURL)' is mapped twice; keep one entry")
            }
            entries.append(SchemaMapEntry(publicURL: publicURL, localURL: localURL))
        }
        return entries
    }

    private static func badShape(_ path: String, _ problem: String) -> StndDefinedError {
        StndDefinedError(code: .badMap, message: "\(path) is not an ONAP schema map: \(problem)")
    }
}
