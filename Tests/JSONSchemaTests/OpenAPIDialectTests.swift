import JSON
import JSONSchema
import Testing

@Suite("OpenAPI 3.0 schemas and $ref across documents")
struct OpenAPIDialectTests {
    /// Three documents that refer to each other by relative path, as 3GPP's files do.
    static let documents = SchemaDocuments([
        "/specs/main.yaml": [
            "components": [
                "schemas": [
                    "Event": [
                        "title": "an event",
                        "type": "object",
                        "required": ["header"],
                        "properties": [
                            "header": ["$ref": "common/header.yaml#/components/schemas/Header"],
                            "when": ["$ref": "../shared/time.yaml#/components/schemas/Time"],
                        ],
                    ],
                    "Broken": ["$ref": "missing.yaml#/components/schemas/Nothing"],
                    "Nowhere": ["$ref": "common/header.yaml#/components/schemas/Nothing"],
                    "Ping": ["$ref": "common/header.yaml#/components/schemas/Pong"],
                ]
            ]
        ],
        "/specs/common/header.yaml": [
            "components": [
                "schemas": [
                    "Header": [
                        "type": "object",
                        "required": ["id"],
                        "properties": [
                            "id": ["type": "integer", "format": "int64"],
                            "source": ["$ref": "#/components/schemas/Source"],
                        ],
                    ],
                    "Source": ["type": "string", "enum": ["a", "b"]],
                    "Pong": ["$ref": "../main.yaml#/components/schemas/Ping"],
                ]
            ]
        ],
        "/shared/time.yaml": ["components": ["schemas": ["Time": ["type": "string", "format": "date-time"]]]],
    ])

    func validator(_ schema: JSONValue, dialect: SchemaDialect = .openAPI30) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(
            documents: SchemaDocuments(["/doc.yaml": ["components": ["schemas": ["S": schema]]]]),
            reference: "/doc.yaml#/components/schemas/S",
            dialect: dialect,
            formats: .checked
        )
    }

    func schemaError(_ reference: String) -> SchemaError? {
        do {
            _ = try JSONSchemaValidator(documents: Self.documents, reference: reference)
            return nil
        } catch {
            return error
        }
    }

    @Test("references resolve against the document they are written in (RFC 3986)")
    func resolution() {
        let cases: [(reference: String, base: String, document: String, fragment: String)] = [
            ("other.yaml#/a", "/x/y/main.yaml", "/x/y/other.yaml", "/a"),
            ("../z/o.yaml#/b", "/x/y/main.yaml", "/x/z/o.yaml", "/b"),
            ("./x/../y.yaml", "/a/b.yaml", "/a/y.yaml", ""),
            ("#/c", "/x/main.yaml", "/x/main.yaml", "/c"),
            ("https://h/a/b.yaml#/d", "/x/main.yaml", "https://h/a/b.yaml", "/d"),
            ("c.yaml", "https://h/a/b.yaml", "https://h/a/c.yaml", ""),
            ("/root.yaml", "https://h/a/b.yaml", "https://h/root.yaml", ""),
            ("../../../up.yaml", "/a/b.yaml", "/up.yaml", ""),
            ("#/components/schemas/a%20b", "/m.yaml", "/m.yaml", "/components/schemas/a b"),
        ]
        for item in cases {
            let resolved = SchemaDocuments.resolve(item.reference, against: item.base)
            #expect(resolved.document == item.document, "\(item.reference) against \(item.base)")
            #expect(resolved.fragment == item.fragment, "\(item.reference) against \(item.base)")
        }
    }

    @Test("a schema that refers into two other documents validates with pointers below the prefix")
    func acrossDocuments() throws {
        let validator = try JSONSchemaValidator(
            documents: Self.documents,
            reference: "/specs/main.yaml#/components/schemas/Event",
            formats: .checked
        )
        #expect(validator.title == "an event")
        #expect(validator.isValid(["header": ["id": 7, "source": "a"], "when": "2021-01-01T00:00:00Z"]))
        let violations = validator.validate(
            ["header": ["id": "7", "source": "c"], "when": "soon"],
            pointer: "/event/stndDefinedFields/data"
        )
        #expect(
            violations == [
                Violation(
                    pointer: "/event/stndDefinedFields/data/header/id",
                    message: "'7' is not of type 'integer'",
                    keyword: "type"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/header/source",
                    message: "'c' is not one of ['a', 'b']",
                    keyword: "enum"
                ),
                Violation(
                    pointer: "/event/stndDefinedFields/data/when",
                    message: "'soon' is not a 'date-time'",
                    keyword: "format"
                ),
            ]
        )
    }

    @Test("a missing document, a pointer naming nothing and a cycle of $refs are clear errors")
    func brokenReferences() {
        let missing = schemaError("/specs/main.yaml#/components/schemas/Broken")
        #expect(missing?.code == .unresolvableRef)
        #expect(missing?.message.contains("/specs/missing.yaml") == true)
        let nowhere = schemaError("/specs/main.yaml#/components/schemas/Nowhere")
        #expect(nowhere?.code == .unresolvableRef)
        #expect(nowhere?.message.contains("/specs/common/header.yaml") == true)
        #expect(schemaError("/specs/main.yaml#/components/schemas/Ping")?.code == .refCycle)
        #expect(schemaError("/nowhere.yaml#/a")?.code == .unresolvableRef)
        #expect(schemaError("/specs/main.yaml#components")?.code == .unsupportedRef)
    }

    @Test("only what the entry reaches is compiled: a broken schema elsewhere does not matter")
    func lazyCompilation() throws {
        let validator = try JSONSchemaValidator(
            documents: Self.documents,
            reference: "/specs/common/header.yaml#/components/schemas/Source"
        )
        #expect(validator.isValid("b"))
    }

    @Test("branches that refer back to themselves end with a violation instead of hanging")
    func selfReferringBranches() throws {
        let documents = SchemaDocuments([
            "/loop.yaml": [
                "components": [
                    "schemas": [
                        "Loop": [
                            "anyOf": [["$ref": "#/components/schemas/Loop"], ["$ref": "#/components/schemas/Loop"]]
                        ],
                        "Tree": [
                            "type": "object",
                            "properties": [
                                "children": ["type": "array", "items": ["$ref": "#/components/schemas/Tree"]]
                            ],
                        ],
                    ]
                ]
            ]
        ])
        let loop = try JSONSchemaValidator(documents: documents, reference: "/loop.yaml#/components/schemas/Loop")
        let violations = loop.validate(["a": 1])
        #expect(violations.contains { $0.keyword == "$ref" && $0.message.contains("recursion") })
        #expect(!loop.isValid(["a": 1]))
        let tree = try JSONSchemaValidator(documents: documents, reference: "/loop.yaml#/components/schemas/Tree")
        #expect(tree.isValid(["children": [["children": []], ["children": [["children": []]]]]]))
        #expect(tree.validate(["children": [["children": 5]]]).map(\.pointer) == ["/children/0/children"])
    }

    @Test("nullable: true lets null through; draft-04 has no such keyword")
    func nullable() throws {
        let schema: JSONValue = ["type": "string", "nullable": true, "enum": ["a"]]
        #expect(try validator(schema).isValid(.null))
        #expect(try validator(schema).isValid("a"))
        #expect(try validator(schema).validate(1).map(\.keyword) == ["type", "enum"])
        #expect(
            try validator(["type": "string"]).validate(.null) == [
                Violation(pointer: "", message: "None is not of type 'string'", keyword: "type")
            ]
        )
        #expect(try !validator(schema, dialect: .draft04).isValid(.null))
        #expect(throws: SchemaError.self) { try validator(["nullable": "yes"]) }
    }

    @Test("readOnly, writeOnly, example, deprecated, xml, externalDocs and number formats are notes")
    func annotations() throws {
        let schema: JSONValue = [
            "type": "string", "readOnly": true, "writeOnly": false, "example": 5, "deprecated": true,
            "xml": ["name": "x"], "externalDocs": ["url": "https://example.com"], "format": "password",
        ]
        #expect(try validator(schema).isValid("s"))
        #expect(try validator(["type": "integer", "format": "int32"]).isValid(.integer(1 << 40)))
        #expect(try validator(["type": "string", "format": "byte"]).isValid("not base64!"))
        #expect(try validator(["format": "date"]).isValid("2020-02-29"))
        #expect(
            try validator(["format": "date"]).validate("2021-02-29").map(\.message) == ["'2021-02-29' is not a 'date'"]
        )
    }

    @Test("exclusiveMinimum and exclusiveMaximum are booleans, as in draft-04")
    func exclusiveBounds() throws {
        let schema: JSONValue = [
            "type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": true,
        ]
        #expect(try validator(schema).isValid(1))
        #expect(
            try validator(schema).validate(0).map(\.message) == ["0 is less than or equal to the minimum of 0"]
        )
        #expect(try validator(schema).validate(9).map(\.keyword) == ["maximum"])
    }
}

@Suite("OpenAPI discriminator")
struct DiscriminatorTests {
    static let documents = SchemaDocuments([
        "/pets.yaml": [
            "components": [
                "schemas": [
                    "Pet": [
                        "type": "object",
                        "required": ["petType"],
                        "properties": ["petType": ["type": "string"], "name": ["type": "string", "nullable": true]],
                    ],
                    "Cat": [
                        "allOf": [
                            ["$ref": "#/components/schemas/Pet"],
                            ["type": "object", "properties": ["lives": ["type": "integer", "maximum": 9]]],
                        ]
                    ],
                    "Dog": [
                        "allOf": [
                            ["$ref": "#/components/schemas/Pet"],
                            ["type": "object", "required": ["bark"], "properties": ["bark": ["type": "boolean"]]],
                        ]
                    ],
                    "AnyPet": [
                        "oneOf": [["$ref": "#/components/schemas/Cat"], ["$ref": "#/components/schemas/Dog"]],
                        "discriminator": ["propertyName": "petType"],
                    ],
                    "MappedPet": [
                        "anyOf": [["$ref": "#/components/schemas/Cat"], ["$ref": "#/components/schemas/Dog"]],
                        "discriminator": [
                            "propertyName": "petType",
                            "mapping": ["cat": "#/components/schemas/Cat", "dog": "Dog"],
                        ],
                    ],
                ]
            ]
        ]
    ])

    func validator(_ name: String) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(documents: Self.documents, reference: "/pets.yaml#/components/schemas/" + name)
    }

    @Test("the discriminator's value picks the branch, and only that branch's violations are reported")
    func picksBranch() throws {
        let pets = try validator("AnyPet")
        #expect(pets.isValid(["petType": "Cat", "lives": 3, "name": .null]))
        #expect(pets.isValid(["petType": "Dog", "bark": true]))
        #expect(
            pets.validate(["petType": "Dog"], pointer: "/data") == [
                Violation(pointer: "/data/bark", message: "'bark' is a required property", keyword: "required")
            ]
        )
        #expect(pets.validate(["petType": "Cat", "lives": 10]).map(\.pointer) == ["/lives"])
    }

    @Test("a missing or unknown discriminator value is reported at the property")
    func missingOrUnknown() throws {
        let pets = try validator("AnyPet")
        let missing = pets.validate(["lives": 3], pointer: "/data")
        #expect(missing.map(\.pointer) == ["/data/petType"])
        #expect(missing.map(\.keyword) == ["discriminator"])
        #expect(missing.first?.message.contains("['Cat', 'Dog']") == true)
        let unknown = pets.validate(["petType": "Lizard"], pointer: "/data")
        #expect(unknown.map(\.pointer) == ["/data/petType"])
        #expect(unknown.first?.message.hasPrefix("'Lizard' is not one of ['Cat', 'Dog']") == true)
        #expect(pets.validate(["petType": 4]).map(\.keyword) == ["discriminator"])
        #expect(!pets.isValid(["petType": "Lizard"]))
    }

    @Test("mapping names schemas by reference or by bare name, and the schema names still work")
    func mapping() throws {
        let pets = try validator("MappedPet")
        #expect(pets.isValid(["petType": "cat", "lives": 1]))
        #expect(pets.validate(["petType": "dog"]).map(\.pointer) == ["/bark"])
        #expect(pets.isValid(["petType": "Dog", "bark": false]))
        #expect(pets.validate(["petType": "Bird"]).first?.message.contains("['cat', 'dog', 'Cat', 'Dog']") == true)
    }

    @Test("a value that is not an object is checked against the branches as usual")
    func notAnObject() throws {
        #expect(
            try validator("AnyPet").validate(5).map(\.message) == ["5 is not valid under any of the given schemas"]
        )
    }
}
