import JSON
import JSONSchema
import StndDefined
import Testing

@Suite("loading stndDefined schema folders")
struct StndDefinedLoadingTests {
    static let url = "https://example.org/a.yaml"
    static let schema = "components:\n  schemas:\n    A: {type: string, maxLength: 3}\n"

    func loadError(_ files: [String: String]) throws -> StndDefinedError? {
        let folder = try SchemaFolder(files)
        defer { folder.remove() }
        return loadError(folders: [folder.path])
    }

    func loadError(folders: [String]) -> StndDefinedError? {
        do {
            _ = try StndDefinedSchemas(folders: folders)
            return nil
        } catch {
            return error
        }
    }

    @Test("a folder without a readable schema-map.json is refused, naming the map")
    func missingMap() throws {
        let error = try loadError(["a.yaml": Self.schema])
        #expect(error?.code == .missingMap)
        #expect(error?.message.contains("schema-map.json") == true)
        let nowhere = loadError(folders: ["/nonexistent/stnd-defined"])
        #expect(nowhere?.code == .missingMap)
        #expect(nowhere?.message.contains("/nonexistent/stnd-defined") == true)
    }

    @Test("a map that is not ONAP's list of publicURL/localURL pairs is refused with the reason")
    func badMaps() throws {
        let cases: [(map: String, words: String)] = [
            ("{", "not valid JSON"),
            (#"{"publicURL": "x"}"#, "array"),
            (#"[{"publicURL": "x"}]"#, "entry 0"),
            (#"[{"publicURL": "x#/a", "localURL": "a.yaml"}]"#, "without '#"),
            (#"[{"publicURL": "x", "localURL": "/etc/a.yaml"}]"#, "relative"),
            (
                #"[{"publicURL": "x", "localURL": "a.yaml"}, {"publicURL": "x", "localURL": "a.yaml"}]"#,
                "mapped twice"
            ),
        ]
        for item in cases {
            let error = try loadError(["schema-map.json": item.map, "a.yaml": Self.schema])
            #expect(error?.code == .badMap, "\(item.map)")
            #expect(error?.message.contains(item.words) == true, "\(item.map): \(String(describing: error))")
            #expect(error?.message.contains("schema-map.json") == true)
        }
    }

    @Test("a mapped file that is missing or is not YAML is refused, naming the file")
    func badFiles() throws {
        let map = SchemaFolder.map([(Self.url, "specs/a.yaml")])
        let missing = try loadError(["schema-map.json": map])
        #expect(missing?.code == .unreadableFile)
        #expect(missing?.message.contains("specs/a.yaml") == true)
        #expect(missing?.message.contains(Self.url) == true)
        let broken = try loadError(["schema-map.json": map, "specs/a.yaml": "a: [1, 2\nb: {"])
        #expect(broken?.code == .badYAML)
        #expect(broken?.message.contains("specs/a.yaml") == true)
        let duplicate = try loadError(["schema-map.json": map, "specs/a.yaml": "a: 1\na: 2\n"])
        #expect(duplicate?.code == .badYAML)
        #expect(duplicate?.message.contains("specs/a.yaml:2") == true)
        let notJSON = try loadError(["schema-map.json": map, "specs/a.yaml": "a: .inf\n"])
        #expect(notJSON?.code == .badYAML)
        let tagged = try loadError(["schema-map.json": map, "specs/a.yaml": "a: !!binary aGVsbG8=\n"])
        #expect(tagged?.code == .badYAML)
        let empty = try loadError(["schema-map.json": map, "specs/a.yaml": ""])
        #expect(empty?.code == .badYAML)
    }

    @Test("an alias bomb is refused instead of filling memory")
    func aliasBomb() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<8 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let error = try loadError([
            "schema-map.json": SchemaFolder.map([(Self.url, "a.yaml")]), "a.yaml": yaml,
        ])
        #expect(error?.code == .tooLarge)
    }

    @Test("JSON schema files are read as JSON")
    func jsonFiles() throws {
        let folder = try SchemaFolder([
            "schema-map.json": SchemaFolder.map([(Self.url, "a.json")]),
            "a.json": #"{"components": {"schemas": {"A": {"type": "integer", "maximum": 1e2}}}}"#,
        ])
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        #expect(
            schemas.check(100, schemaReference: Self.url + "#/components/schemas/A", dataPointer: "") == .validated([])
        )
        #expect(
            schemas.check(101, schemaReference: Self.url + "#/components/schemas/A", dataPointer: "") != .validated([])
        )
    }

    @Test("several folders add to the map; a publicURL mapped again is taken from the later folder")
    func severalFolders() throws {
        let other = "https://example.org/b.yaml"
        let first = try SchemaFolder([
            "schema-map.json": SchemaFolder.map([(Self.url, "a.yaml")]), "a.yaml": Self.schema,
        ])
        let second = try SchemaFolder([
            "schema-map.json": SchemaFolder.map([(other, "b.yaml"), (Self.url, "patched/a.yaml")]),
            "b.yaml": "components:\n  schemas:\n    B: {type: boolean}\n",
            "patched/a.yaml": "components:\n  schemas:\n    A: {type: string, maxLength: 5}\n",
        ])
        defer {
            first.remove()
            second.remove()
        }
        let schemas = try StndDefinedSchemas(folders: [first.path, second.path])
        #expect(schemas.publicURLs == [Self.url, other])
        #expect(schemas.folders == [first.path, second.path])
        #expect(schemas.replacedMappings.count == 1)
        #expect(schemas.replacedMappings.first?.contains("patched/a.yaml") == true)
        #expect(
            schemas.check(true, schemaReference: other + "#/components/schemas/B", dataPointer: "") == .validated([])
        )
        #expect(
            schemas.check("abcd", schemaReference: Self.url + "#/components/schemas/A", dataPointer: "")
                == .validated([])
        )
        let onlyFirst = try StndDefinedSchemas(folders: [first.path])
        #expect(onlyFirst.replacedMappings.isEmpty)
        #expect(
            onlyFirst.check("abcd", schemaReference: Self.url + "#/components/schemas/A", dataPointer: "")
                != .validated([])
        )
    }
}
