import JSON
import JSONSchema

// The small language the built-in field sets are written in: the terms of the specs' datatype tables.

/// What a field holds, in the terms the spec's datatype tables use.
indirect enum VESFieldType: Sendable {
    case string
    case number
    case integer
    /// A string limited to the listed values (the spec's "enum: ...").
    case oneOf([String])
    /// Another datatype of the field set, by name.
    case datatype(String)
    /// `X [ ]`: an array of X.
    case list(of: VESFieldType)
    /// An "associative array": unique `[name, count]` pairs of exactly those two members (1.1's file).
    case countPairs
    /// An "associative array" that only types the `name` and `count` of each pair: pairs may repeat and carry
    /// more members (5.x's file).
    case openCountPairs
    /// Any JSON value.
    case unconstrained
    /// Any JSON object (the spec's "object" with no field table).
    case object
    /// A string the spec gives a format to (`ipv4`, `ipv6`, `uri`, `date-time`, ...).
    case formatted(String)
    /// A "hashMap": an object whose members all hold the given type (strings in 7.x).
    case map(of: VESFieldType)
    /// Exactly one of several types (7.x perf3gpp's integer-or-string identifiers).
    case either([VESFieldType])

    var schema: JSONValue {
        switch self {
        case .string:
            ["type": "string"]
        case .number:
            ["type": "number"]
        case .integer:
            ["type": "integer"]
        case .oneOf(let values):
            ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .datatype(let name):
            ["$ref": .string("#/definitions/" + name)]
        case .list(of: let element):
            ["type": "array", "items": element.schema]
        case .countPairs:
            [
                "type": "array",
                "uniqueItems": true,
                "items": [
                    "type": "array", "items": [["type": "string"], ["type": "number"]], "additionalItems": false,
                ],
            ]
        case .openCountPairs:
            ["type": "array", "items": ["type": "array", "items": [["type": "string"], ["type": "number"]]]]
        case .unconstrained:
            [:]
        case .object:
            ["type": "object"]
        case .formatted(let format):
            ["type": "string", "format": .string(format)]
        case .map(of: let member):
            ["type": "object", "additionalProperties": member.schema]
        case .either(let alternatives):
            ["oneOf": .array(alternatives.map(\.schema))]
        }
    }
}

/// One row of a datatype table.
struct VESField: Sendable {
    let name: String
    let type: VESFieldType
    let isRequired: Bool

    static func required(_ name: String, _ type: VESFieldType) -> VESField {
        VESField(name: name, type: type, isRequired: true)
    }

    static func optional(_ name: String, _ type: VESFieldType) -> VESField {
        VESField(name: name, type: type, isRequired: false)
    }
}

/// One datatype: a record of fields, a plain list, a map, or anything.
struct VESDatatype: Sendable {
    enum Shape: Sendable {
        /// `closed`: no members beyond the table (7.x's `additionalProperties: false`).
        case record([VESField], closed: Bool)
        case list(of: VESFieldType)
        case map(of: VESFieldType)
        case unconstrained
    }

    let name: String
    let shape: Shape

    /// A record that allows members beyond its table, as every 1.1 and 5.x record does.
    static func record(_ name: String, _ fields: [VESField]) -> VESDatatype {
        VESDatatype(name: name, shape: .record(fields, closed: false))
    }

    /// A record that allows nothing beyond its table, as every 7.x record does.
    static func closedRecord(_ name: String, _ fields: [VESField]) -> VESDatatype {
        VESDatatype(name: name, shape: .record(fields, closed: true))
    }

    /// The fields of a record datatype; empty for other shapes.
    var fields: [VESField] {
        if case .record(let fields, _) = shape { return fields }
        return []
    }

    var schema: JSONValue {
        switch shape {
        case .record(let fields, let closed):
            var properties = JSONObject()
            for field in fields {
                properties[field.name] = field.type.schema
            }
            var schema: JSONObject = ["type": "object", "properties": .object(properties)]
            let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
            if !required.isEmpty {
                schema["required"] = .array(required)
            }
            if closed {
                schema["additionalProperties"] = false
            }
            return .object(schema)
        case .list(of: let element):
            return VESFieldType.list(of: element).schema
        case .map(of: let member):
            return VESFieldType.map(of: member).schema
        case .unconstrained:
            return VESFieldType.unconstrained.schema
        }
    }
}

/// What every field set does with its tables: turn them into one draft-04 document and compile it once.
enum FieldSetDocument {
    /// The tables as a schema document: each datatype a definition, the root taking `rootMembers`.
    static func schema(title: String, datatypes: [VESDatatype], rootMembers: [String], required: [String]) -> JSONValue
    {
        var definitions = JSONObject()
        for datatype in datatypes {
            definitions[datatype.name] = datatype.schema
        }
        var properties = JSONObject()
        for member in rootMembers {
            properties[member] = VESFieldType.datatype(member).schema
        }
        var document: JSONObject = [
            "$schema": "http://json-schema.org/draft-04/schema#",
            "title": .string(title),
            "definitions": .object(definitions),
            "type": "object",
            "properties": .object(properties),
        ]
        if !required.isEmpty {
            document["required"] = .array(required.map(JSONValue.string))
        }
        return .object(document)
    }

    /// The compiled document; a table that does not compile is a bug in this project, found by every test run.
    static func compile(_ schema: JSONValue, name: String, formats: FormatPolicy) -> JSONSchemaValidator {
        do {
            return try JSONSchemaValidator(schema: schema, formats: formats)
        } catch {
            fatalError("the built-in \(name) field set does not compile: \(error)")
        }
    }

    /// The names of the required fields of one datatype of `datatypes`.
    static func requiredFields(of datatype: String, in datatypes: [VESDatatype]) -> Set<String> {
        guard let found = datatypes.first(where: { $0.name == datatype }) else { return [] }
        return Set(found.fields.filter(\.isRequired).map(\.name))
    }
}
