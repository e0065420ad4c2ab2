import JSON
import JSONSchema
import StndDefined
import Testing

@Suite("stndDefined schemas from hand-written YAML folders")
struct StndDefinedSchemasTests {
    static let alarmsURL = "https://example.org/specs/alarms.yaml"
    static let commonURL = "https://example.org/specs/common.yaml"

    /// Two files that refer to each other, with OpenAPI's extras and YAML's scalar forms.
    static let alarms = """
        openapi: 3.0.1
        info: {title: alarms, version: 1.0.0}
        paths: {}
        components:
          schemas:
            Alarm:
              allOf:
                - $ref: 'common.yaml#/components/schemas/Header'
                - type: object
                  required: [severity]
                  properties:
                    severity: {type: string, enum: [MAJOR, MINOR, 'on']}
                    cleared: {type: boolean, nullable: true}
                    count: {type: integer, minimum: 0x0, maximum: 0o17}
                    ratio: {type: number, readOnly: true, example: 0.5}
            Note:
              oneOf:
                - $ref: '#/components/schemas/Text'
                - $ref: '#/components/schemas/Code'
              discriminator:
                propertyName: kind
            Text:
              type: object
              required: [kind, text]
              properties: {kind: {type: string}, text: {type: string}}
            Code:
              type: object
              required: [kind, code]
              properties: {kind: {type: string}, code: {type: integer}}
            Codes:
              type: object
              properties:
                '200': {type: string}
                404: {type: string, enum: [no, yes, off]}
            Gone:
              $ref: 'missing.yaml#/components/schemas/Nothing'
        """

    static let common = """
        components:
          schemas:
            Header:
              type: object
              required: [id, eventTime]
              properties:
                id: {type: integer, format: int64}
                eventTime: {type: string, format: date-time}
                uri: {type: string, format: uri}
        """

    func folder() throws -> SchemaFolder {
        try SchemaFolder([
            "schema-map.json": SchemaFolder.map([
                (Self.alarmsURL, "org/specs/alarms.yaml"), (Self.commonURL, "org/specs/common.yaml"),
            ]),
            "org/specs/alarms.yaml": Self.alarms,
            "org/specs/common.yaml": Self.common,
        ])
    }

    func check(_ schemas: StndDefinedSchemas, _ name: String, _ data: JSONValue) -> [Violation] {
        let result = schemas.check(
            data,
            schemaReference: Self.alarmsURL + "#/components/schemas/" + name,
            dataPointer: "/event/stndDefinedFields/data"
        )
        guard case .validated(let violations) = result else {
            Issue.record("\(name) should be known: \(result)")
            return []
        }
        return violations
    }

    @Test("data is checked against the named schema, $refs followed into the other file")
    func validatesAcrossFiles() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        #expect(schemas.publicURLs == [Self.alarmsURL, Self.commonURL])
        let alarm: JSONValue = ["id": 1, "eventTime": "2021-01-01T00:00:00Z", "severity": "on", "cleared": .null]
        #expect(check(schemas, "Alarm", alarm).isEmpty)
        let bad: JSONValue = ["id": "1", "eventTime": "xyz", "severity": "LOW", "count": 16, "uri": "no scheme"]
        #expect(
            check(schemas, "Alarm", bad) == [
                Violation(
                    pointer: "/event/stndDefinedFields/data/id",
                    message: "'1' is not of type 'integer'",
                    keyword: "type"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/eventTime",
                    message: "'xyz' is not a 'date-time'",
                    keyword: "format"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/uri",
                    message: "'no scheme' is not a 'uri'",
                    keyword: "format"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/severity",
                    message: "'LOW' is not one of ['MAJOR', 'MINOR', 'on']",
                    keyword: "enum"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/count",
                    message: "16 is greater than the maximum of 15",
                    keyword: "maximum"
                ),
            ]
        )
    }

    @Test("YAML scalars map onto JSON as YAML 1.2 reads them; keys stay strings in order")
    func yamlScalars() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        #expect(check(schemas, "Codes", ["200": "ok", "404": "no"]).isEmpty)
        #expect(check(schemas, "Codes", ["404": "off"]).isEmpty)
        #expect(check(schemas, "Codes", ["404": false]).map(\.keyword) == ["type", "enum"])
        #expect(check(schemas, "Codes", ["200": 200]).map(\.pointer) == ["/event/stndDefinedFields/data/200"])
    }

    @Test("a discriminator picks the branch by the member's value")
    func discriminator() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        #expect(check(schemas, "Note", ["kind": "Code", "code": 3]).isEmpty)
        #expect(check(schemas, "Note", ["kind": "Text"]).map(\.pointer) == ["/event/stndDefinedFields/data/text"])
        let unknown = check(schemas, "Note", ["kind": "Picture"])
        #expect(unknown.map(\.keyword) == ["discriminator"])
        #expect(unknown.first?.pointer == "/event/stndDefinedFields/data/kind")
    }

    @Test("references the map does not know, or that name nothing, are violations at schemaReference")
    func badReferences() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        let data: JSONValue = ["id": 1]
        let unknown = schemas.check(
            data,
            schemaReference: "https://example.org/other.yaml#/components/schemas/X",
            dataPointer: "/eventList/3/stndDefinedFields/data"
        )
        guard case .unknownReference(let violation) = unknown else {
            Issue.record("an unmapped URL should be unknown: \(unknown)")
            return
        }
        #expect(violation.pointer == "/eventList/3/stndDefinedFields/schemaReference")
        #expect(violation.keyword == "schemaReference")
        #expect(violation.message.contains("https://example.org/other.yaml"))
        #expect(violation.message.contains(Self.alarmsURL))
        for reference in [
            Self.alarmsURL, Self.alarmsURL + "#", Self.alarmsURL + "#/components/schemas/Nope",
            Self.alarmsURL + "#/components/schemas/Alarm/required/0", Self.alarmsURL + "#/a~2b",
        ] {
            let result = schemas.check(data, schemaReference: reference, dataPointer: "/event/stndDefinedFields/data")
            guard case .validated(let violations) = result else {
                Issue.record("\(reference) is in a mapped file: \(result)")
                continue
            }
            #expect(violations.map(\.pointer) == ["/event/stndDefinedFields/schemaReference"], "\(reference)")
            #expect(violations.first?.message.contains("alarms.yaml") == true, "\(reference)")
        }
        let custom = schemas.check(data, schemaReference: Self.alarmsURL, dataPointer: "/d", referencePointer: "/r")
        guard case .validated(let violations) = custom else {
            Issue.record("a mapped URL without a fragment is checked: \(custom)")
            return
        }
        #expect(violations.map(\.pointer) == ["/r"])
    }

    @Test("a fragment without its leading slash is read from the document root, as ONAP does")
    func fragmentWithoutSlash() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        let result = schemas.check(
            ["kind": "Text", "text": "hi"],
            schemaReference: Self.alarmsURL + "#components/schemas/Note",
            dataPointer: "/event/stndDefinedFields/data"
        )
        #expect(result == .validated([]))
    }

    @Test("a schema that reaches a missing file is a violation naming the file, and precompile lists it")
    func missingReferencedFile() throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        let violations = check(schemas, "Gone", ["a": 1])
        #expect(violations.map(\.keyword) == ["schemaReference"])
        #expect(violations.first?.message.contains("missing.yaml") == true)
        let problems = schemas.precompile()
        #expect(problems.map(\.code) == [.unresolvableRef])
        #expect(problems.first?.message.contains("org/specs/missing.yaml") == true)
    }

    @Test("checks from many tasks at once agree with a single check")
    func concurrentChecks() async throws {
        let folder = try folder()
        defer { folder.remove() }
        let schemas = try StndDefinedSchemas(folder: folder.path)
        let bad: JSONValue = ["id": "1", "eventTime": "2021-01-01T00:00:00Z", "severity": "MAJOR"]
        let results = await withTaskGroup(of: StndDefinedCheck.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let name = index % 2 == 0 ? "Alarm" : "Note"
                    return schemas.check(
                        name == "Alarm" ? bad : ["kind": "Code", "code": 1],
                        schemaReference: Self.alarmsURL + "#/components/schemas/" + name,
                        dataPointer: ""
                    )
                }
            }
            var all: [StndDefinedCheck] = []
            for await result in group {
                all.append(result)
            }
            return all
        }
        let expectedAlarm = StndDefinedCheck.validated([
            Violation(pointer: "/id", message: "'1' is not of type 'integer'", keyword: "type")
        ])
        #expect(results.filter { $0 == expectedAlarm }.count == 32)
        #expect(results.filter { $0 == .validated([]) }.count == 32)
    }
}
