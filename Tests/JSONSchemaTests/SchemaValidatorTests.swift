import JSON
import JSONSchema
import TestSupport
import Testing

@Suite("JSON Schema draft-04 keywords")
struct SchemaValidatorTests {
    func check(_ schema: JSONValue, _ instance: JSONValue, pointer: String = "") throws -> [Violation] {
        let validator = try JSONSchemaValidator(schema: schema)
        let violations = validator.validate(instance, pointer: pointer)
        #expect(validator.isValid(instance) == violations.isEmpty)
        return violations
    }

    func json(_ text: String) throws -> JSONValue {
        try JSONParser().parse(text)
    }

    func schemaError(_ schema: JSONValue) -> SchemaError? {
        do {
            _ = try JSONSchemaValidator(schema: schema)
            return nil
        } catch {
            return error
        }
    }

    @Test("type: integer is not satisfied by 1.0, booleans are never numbers")
    func types() throws {
        #expect(try check(["type": "integer"], 1).isEmpty)
        #expect(try check(["type": "integer"], .largeInteger("99999999999999999999")).isEmpty)
        #expect(
            try check(["type": "integer"], 1.0) == [
                Violation(pointer: "", message: "1.0 is not of type 'integer'", keyword: "type")
            ]
        )
        #expect(try check(["type": "number"], 1).isEmpty)
        #expect(try check(["type": "number"], .largeInteger("99999999999999999999")).isEmpty)
        #expect(try check(["type": "number"], true).first?.message == "True is not of type 'number'")
        #expect(try check(["type": "integer"], false).first?.message == "False is not of type 'integer'")
        #expect(try check(["type": "string"], 1.0).first?.message == "1.0 is not of type 'string'")
        #expect(try check(["type": "object"], []).first?.message == "[] is not of type 'object'")
        #expect(try check(["type": ["string", "null"]], .null).isEmpty)
        #expect(
            try check(["type": ["string", "number"]], .null).first?.message == "None is not of type 'string', 'number'"
        )
        #expect(try check(["type": "number"], "4.0.1").first?.message == "'4.0.1' is not of type 'number'")
    }

    @Test("required names the missing member itself")
    func required() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["faultFields": ["type": "object", "required": ["eventSeverity", "vfStatus"]]],
            "required": ["faultFields", "eventId"],
        ]
        let violations = try check(schema, ["faultFields": [:]], pointer: "/event")
        #expect(
            Set(violations) == [
                Violation(pointer: "/event/eventId", message: "'eventId' is a required property", keyword: "required"),
                Violation(
                    pointer: "/event/faultFields/eventSeverity",
                    message: "'eventSeverity' is a required property",
                    keyword: "required"
                ),
                Violation(
                    pointer: "/event/faultFields/vfStatus",
                    message: "'vfStatus' is a required property",
                    keyword: "required"
                ),
            ]
        )
        #expect(try check(["required": ["a/b"]], [:]).first?.pointer == "/a~1b")
        #expect(try check(["required": ["a"]], []).isEmpty)
        let many = JSONValue.array((0..<70).map { JSONValue.string("k\($0)") })
        #expect(try check(["properties": ["k1": [:]], "required": many], ["k1": 1, "k5": 2]).count == 68)
    }

    @Test("enum compares by JSON value with draft-04 number semantics")
    func enumeration() throws {
        #expect(try check(["enum": [1, "a", .null]], 1.0).isEmpty)
        #expect(try check(["enum": [1.0]], 1).isEmpty)
        #expect(try check(["enum": [1]], true).count == 1)
        #expect(try check(["enum": [true]], 1).count == 1)
        #expect(try check(["enum": [["a": [1, 2]]]], ["a": [1.0, 2]]).isEmpty)
        #expect(try check(["enum": [[1, 2]]], [2, 1]).count == 1)
        let violation = try #require(try check(["type": "string", "enum": ["other(0)", "router(1)"]], "port").first)
        #expect(violation.message == "'port' is not one of ['other(0)', 'router(1)']")
        #expect(violation.keyword == "enum")
        #expect(try check(["type": "string", "enum": ["a"]], 1.2).count == 2)
    }

    @Test("every violation is reported, not only the first")
    func allViolations() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "a": ["type": "string"],
                "b": ["type": "array", "items": ["type": "integer"]],
            ],
            "required": ["c"],
        ]
        let violations = try check(schema, ["a": 1, "b": [1, "x", 2.5]])
        #expect(
            Set(violations.map(\.pointer)) == ["/a", "/b/1", "/b/2", "/c"]
        )
    }

    @Test("additionalProperties and patternProperties")
    func additionalProperties() throws {
        let closed: JSONValue = ["properties": ["a": [:]], "additionalProperties": false]
        #expect(
            try check(closed, ["a": 1, "x": 2])
                == [
                    Violation(
                        pointer: "",
                        message: "Additional properties are not allowed ('x' was unexpected)",
                        keyword: "additionalProperties"
                    )
                ]
        )
        #expect(
            try check(closed, ["z": 1, "a": 1, "x": 2]).first?.message
                == "Additional properties are not allowed ('x', 'z' were unexpected)"
        )
        let typed: JSONValue = ["properties": ["a": [:]], "additionalProperties": ["type": "string"]]
        #expect(try check(typed, ["a": 1, "x": 2]).first?.pointer == "/x")
        let patterned: JSONValue = [
            "patternProperties": ["^x-": ["type": "integer"]],
            "additionalProperties": false,
        ]
        #expect(try check(patterned, ["x-a": 1]).isEmpty)
        #expect(try check(patterned, ["x-a": "s"]).first?.pointer == "/x-a")
        #expect(try check(patterned, ["y": 1]).first?.message == "'y' does not match any of the regexes: '^x-'")
        #expect(try check(["required": ["k"], "additionalProperties": false], ["k": 1]).count == 1)
    }

    @Test("items, tuples and additionalItems")
    func items() throws {
        let tuple: JSONValue = [
            "type": "array", "items": [["type": "string"], ["type": "number"]], "additionalItems": false,
        ]
        #expect(try check(tuple, ["a", 1]).isEmpty)
        #expect(try check(tuple, ["a"]).isEmpty)
        #expect(try check(tuple, [1, "a"]).map(\.pointer) == ["/0", "/1"])
        #expect(
            try check(tuple, ["a", 1, 2, .null]).first?.message
                == "Additional items are not allowed (2, None were unexpected)"
        )
        #expect(
            try check(["items": [["type": "string"]], "additionalItems": ["type": "integer"]], ["a", 1, "b"]).first?
                .pointer == "/2"
        )
        // Without the tuple form, additionalItems does nothing (draft-04).
        #expect(try check(["additionalItems": false], [1, 2]).isEmpty)
        #expect(try check(["items": ["type": "string"], "additionalItems": false], ["a", "b"]).isEmpty)
    }

    @Test("array sizes and uniqueness")
    func arrays() throws {
        #expect(try check(["minItems": 1], []).first?.message == "[] should be non-empty")
        #expect(try check(["minItems": 2], [1]).first?.message == "[1] is too short")
        #expect(try check(["maxItems": 0], [1]).first?.message == "[1] is expected to be empty")
        #expect(try check(["maxItems": 1], [1, 2]).first?.message == "[1, 2] is too long")
        #expect(try check(["uniqueItems": true], [1, 1.0]).first?.message == "[1, 1.0] has non-unique elements")
        #expect(try check(["uniqueItems": true], [1, true]).isEmpty)
        #expect(try check(["uniqueItems": true], [["a": 1, "b": 2], ["b": 2, "a": 1]]).count == 1)
        #expect(try check(["uniqueItems": true], [["a", 1], ["a", 2]]).isEmpty)
        let many = JSONValue.array((0..<1000).map { JSONValue.integer(Int64($0)) } + [.number(500.0)])
        #expect(try check(["uniqueItems": true], many).count == 1)
        #expect(try check(["uniqueItems": false], [1, 1]).isEmpty)
    }

    @Test("numbers: bounds, exclusive bounds and multipleOf")
    func numbers() throws {
        #expect(try check(["minimum": 0], -1).first?.message == "-1 is less than the minimum of 0")
        #expect(
            try check(["minimum": 0, "exclusiveMinimum": true], 0).first?.message
                == "0 is less than or equal to the minimum of 0"
        )
        #expect(try check(["maximum": 23], 23.5).first?.message == "23.5 is greater than the maximum of 23")
        #expect(
            try check(["maximum": 1.5, "exclusiveMaximum": true], 1.5).first?.message
                == "1.5 is greater than or equal to the maximum of 1.5"
        )
        #expect(try check(["maximum": 9_007_199_254_740_992], 9_007_199_254_740_993).count == 1)
        #expect(try check(["maximum": 9007199254740992.0], 9_007_199_254_740_993).count == 1)
        #expect(try check(["minimum": 0], "text").isEmpty)
        #expect(try check(["multipleOf": 2], 7).first?.message == "7 is not a multiple of 2")
        #expect(try check(["multipleOf": 2], 8.0).isEmpty)
        #expect(try check(["multipleOf": 0.5], 2.5).isEmpty)
        #expect(try check(["multipleOf": 0.5], 2.2).count == 1)
    }

    @Test("strings: lengths count Unicode scalars; pattern searches; format is only an annotation")
    func strings() throws {
        #expect(try check(["maxLength": 2], "é😀").isEmpty)
        #expect(try check(["maxLength": 1], "é😀").first?.message == "'é😀' is too long")
        #expect(try check(["minLength": 1], "").first?.message == "'' should be non-empty")
        #expect(try check(["minLength": 3], "ab").first?.message == "'ab' is too short")
        #expect(try check(["pattern": "^[A-Z]{3}[0-9]{4}$"], "SVC0002").isEmpty)
        #expect(try check(["pattern": "[0-9]+"], "abc12").isEmpty)
        #expect(try check(["pattern": "^[0-9]+$"], "abc").first?.message == "'abc' does not match '^[0-9]+$'")
        #expect(try check(["format": "ipv4"], "not an address").isEmpty)
        #expect(try check(["format": "uri"], "::").isEmpty)
    }

    @Test("objects: sizes and dependencies")
    func objects() throws {
        #expect(try check(["minProperties": 1], [:]).first?.message == "{} should be non-empty")
        #expect(try check(["minProperties": 2], ["a": 1]).first?.message == "{'a': 1} does not have enough properties")
        #expect(try check(["maxProperties": 0], ["a": 1]).first?.message == "{'a': 1} is expected to be empty")
        #expect(
            try check(["maxProperties": 1], ["a": 1, "b": 2]).first?.message
                == "{'a': 1, 'b': 2} has too many properties"
        )
        let dependencies: JSONValue = ["dependencies": ["a": ["b", "c"], "d": ["required": ["e"]]]]
        #expect(try check(dependencies, ["a": 1, "b": 2]).first?.message == "'c' is a dependency of 'a'")
        #expect(try check(dependencies, ["d": 1]).first?.pointer == "/e")
        #expect(try check(dependencies, ["b": 1]).isEmpty)
    }

    @Test("oneOf, anyOf, allOf and not")
    func combinators() throws {
        let oneOf: JSONValue = ["oneOf": [["type": "integer"], ["type": "string"]]]
        #expect(try check(oneOf, 1).isEmpty)
        #expect(
            try check(oneOf, 1.5, pointer: "/x")
                == [
                    Violation(
                        pointer: "/x",
                        message: "1.5 is not valid under any of the given schemas",
                        keyword: "oneOf"
                    )
                ]
        )
        let overlapping: JSONValue = ["oneOf": [["type": "integer"], ["type": "number"]]]
        #expect(
            try check(overlapping, 1).first?.message
                == "1 is valid under each of {'type': 'number'}, {'type': 'integer'}"
        )
        let anyOf: JSONValue = ["properties": ["v": ["anyOf": [["type": "integer"], ["minimum": 2]]]]]
        #expect(try check(anyOf, ["v": 3.5]).isEmpty)
        #expect(try check(anyOf, ["v": 1.5]).map(\.keyword) == ["anyOf"])
        #expect(try check(anyOf, ["v": 1.5]).first?.pointer == "/v")
        let allOf: JSONValue = ["allOf": [["required": ["a"]], ["required": ["b"]]]]
        #expect(Set(try check(allOf, [:]).map(\.pointer)) == ["/a", "/b"])
        #expect(
            try check(["not": ["type": "string"]], "s").first?.message
                == "'s' should not be valid under {'type': 'string'}"
        )
        #expect(try check(["not": ["type": "string"]], 1).isEmpty)
    }

    @Test("$ref: local pointers with escapes, recursion, draft-04 sibling rule")
    func references() throws {
        let schema = try json(
            #"""
            {
              "definitions": {
                "a/b": {"type": "integer"},
                "c~d": {"type": "string"},
                "percent%": {"type": "boolean"},
                "tree": {
                  "type": "object",
                  "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/definitions/tree"}}}
                },
                "alias": {"$ref": "#/definitions/tree"}
              },
              "properties": {
                "x": {"$ref": "#/definitions/a~1b"},
                "y": {"$ref": "#/definitions/c~0d"},
                "z": {"$ref": "#/definitions/percent%25"},
                "t": {"$ref": "#/definitions/alias"},
                "s": {"$ref": "#/definitions/a~1b", "type": "string"},
                "p": {"$ref": "#/properties/x"}
              }
            }
            """#
        )
        let validator = try JSONSchemaValidator(schema: schema)
        #expect(validator.validate(try json(#"{"x": 1, "y": "s", "z": true, "s": 3, "p": 4}"#)).isEmpty)
        let bad = try json(#"{"x": "1", "y": 2, "z": 0, "p": 1.5}"#)
        #expect(Set(validator.validate(bad).map(\.pointer)) == ["/x", "/y", "/z", "/p"])
        let tree = try json(#"{"t": {"value": 1, "children": [{"value": 2, "children": [{"value": "deep"}]}]}}"#)
        #expect(validator.validate(tree).map(\.pointer) == ["/t/children/0/children/0/value"])
        #expect(validator.hasDefinition("tree"))
        #expect(!validator.hasDefinition("nope"))
        #expect(
            validator.validate(["value": 1.5], definition: "tree", pointer: "/eventList/0").first?.pointer
                == "/eventList/0/value"
        )
        #expect(validator.validate(1, definition: "nope", pointer: "").count == 1)
    }

    @Test("schemas that cannot work are refused with a reason")
    func schemaErrors() throws {
        #expect(schemaError(["$ref": "#/definitions/missing"])?.code == .unresolvableRef)
        #expect(schemaError(["$ref": "http://example.com/schema#"])?.code == .unsupportedRef)
        #expect(
            schemaError(["definitions": ["a": ["$ref": "#/definitions/b"], "b": ["$ref": "#/definitions/a"]]])?.code
                == .refCycle
        )
        #expect(schemaError(["$ref": "#"])?.code == .refCycle)
        #expect(schemaError(["type": "strin"])?.code == .invalidSchema)
        #expect(schemaError(["required": "a"])?.code == .invalidSchema)
        #expect(schemaError(["minimum": 1, "exclusiveMinimum": 1])?.code == .invalidSchema)
        #expect(schemaError(["pattern": "(unclosed"])?.code == .badPattern)
        #expect(schemaError(["properties": ["a": 5]])?.code == .invalidSchema)
        #expect(schemaError(["oneOf": []])?.code == .invalidSchema)
        do {
            _ = try JSONSchemaValidator(contentsOfFile: "/nonexistent/schema.json")
            Issue.record("a missing file must not load")
        } catch {
            #expect(error.code == .io)
            #expect(error.description.contains("/nonexistent/schema.json"))
        }
    }

    @Test("a schema that refers to itself without consuming the instance stops with a violation")
    func runawayRecursion() throws {
        let schema: JSONValue = [
            "definitions": ["loop": ["allOf": [["$ref": "#/definitions/loop"]]]], "$ref": "#/definitions/loop",
        ]
        let violations = try check(schema, 1)
        #expect(violations.count == 1)
        #expect(violations.first?.keyword == "$ref")
    }

    @Test("validation stops after the violation limit and says so")
    func violationLimit() throws {
        let validator = try JSONSchemaValidator(schema: ["items": ["type": "string"]])
        let many = JSONValue.array((0..<5000).map { JSONValue.integer(Int64($0)) })
        let violations = validator.validate(many, pointer: "/eventList")
        #expect(violations.count == 1001)
        #expect(violations.last?.keyword == "maxViolations")
        #expect(violations.last?.pointer == "/eventList")
        #expect(violations[999].pointer == "/eventList/999")
        let few = validator.validate(many, limit: 3)
        #expect(few.map(\.keyword) == ["type", "type", "type", "maxViolations"])
        #expect(validator.validate(["a", "b"], limit: 1).isEmpty)
    }
}
