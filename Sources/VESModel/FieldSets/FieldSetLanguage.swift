import JSON

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
    /// An "associative array": unique `[name, count]` pairs.
    case countPairs
    /// Any JSON value.
    case unconstrained

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
        case .unconstrained:
            [:]
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

/// One datatype: a record of fields, a plain list, or anything.
struct VESDatatype: Sendable {
    enum Shape: Sendable {
        case record([VESField])
        case list(of: VESFieldType)
        case unconstrained
    }

    let name: String
    let shape: Shape

    static func record(_ name: String, _ fields: [VESField]) -> VESDatatype {
        VESDatatype(name: name, shape: .record(fields))
    }

    var schema: JSONValue {
        switch shape {
        case .record(let fields):
            var properties = JSONObject()
            for field in fields {
                properties[field.name] = field.type.schema
            }
            var schema: JSONObject = ["type": "object", "properties": .object(properties)]
            let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
            if !required.isEmpty {
                schema["required"] = .array(required)
            }
            return .object(schema)
        case .list(of: let element):
            return VESFieldType.list(of: element).schema
        case .unconstrained:
            return VESFieldType.unconstrained.schema
        }
    }
}
