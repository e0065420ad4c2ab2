import JSON
import JSONSchema
import TestSupport
import Testing

/// Compares a built-in field set's schema document with the official file's, definition by definition.
extension FieldSetComparison {
    /// The definitions of the official file (less `ignored`, which the field set leaves out) against the built-in
    /// set's, by name, then each definition and the root without its definitions, normalized: how many schemas
    /// were compared, and each missing or extra name and each schema that differs.
    static func definitionDisagreements(
        builtIn: JSONSchemaValidator,
        builtInSchema: JSONValue,
        official: JSONSchemaValidator,
        officialFile: String,
        ignored: Set<String>
    ) throws -> (compared: Int, disagreements: [String]) {
        let expected = Set(official.definitionNames).subtracting(ignored)
        let defined = Set(builtIn.definitionNames)
        var disagreements = expected.subtracting(defined).sorted().map { "\($0): missing" }
        disagreements += defined.subtracting(expected).sorted().map { "\($0): not in the official file" }
        let file = try SharedMaterial.json(SharedMaterial.path(officialFile))
        let theirs = try #require(file["definitions"]?.objectValue, "\(officialFile) has no definitions")
        let ours = try #require(builtInSchema["definitions"]?.objectValue, "the built-in set has no definitions")
        var schemas = expected.intersection(defined).sorted().map { ($0, ours[$0], theirs[$0]) }
        schemas.append(("the root", withoutDefinitions(builtInSchema), withoutDefinitions(file)))
        for (name, ourSchema, theirSchema) in schemas {
            let (ourForm, theirForm) = (normalized(ourSchema), normalized(theirSchema))
            if ourForm != theirForm {
                let (ourText, theirText) = (ourForm?.jsonString() ?? "none", theirForm?.jsonString() ?? "none")
                disagreements.append("\(name): ours \(ourText), official \(theirText)")
            }
        }
        return (schemas.count, disagreements)
    }

    static func withoutDefinitions(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        object["definitions"] = nil
        return .object(object)
    }

    /// A schema without what cannot change a verdict: its annotations (`description`, `default`, `title`,
    /// `$schema`), an empty `properties` and a `minItems` of 0 (the 28.4.1 file puts one on two lists); its
    /// `required` names in one order. The members of `properties` and `definitions` keep their names.
    static func normalized(_ schema: JSONValue?) -> JSONValue? {
        switch schema {
        case .object(let object)?:
            var result = JSONObject()
            for (key, value) in object.members where !annotations.contains(key) {
                switch key {
                case "required":
                    result[key] =
                        value.arrayValue.map { .array($0.compactMap(\.stringValue).sorted().map(JSONValue.string)) }
                        ?? value
                case "properties" where value.objectValue?.isEmpty == true:
                    continue
                case "minItems" where value == 0:
                    continue
                case "properties", "definitions", "patternProperties":
                    result[key] = normalizedMembers(value)
                default:
                    result[key] = normalized(value)
                }
            }
            return .object(result)
        case .array(let elements)?:
            return .array(elements.compactMap { normalized($0) })
        default:
            return schema
        }
    }

    static let annotations: Set<String> = ["description", "default", "title", "$schema"]

    /// An object of named schemas, each normalized under its own name.
    static func normalizedMembers(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        var result = JSONObject()
        for (name, schema) in members.members {
            result[name] = normalized(schema)
        }
        return .object(result)
    }
}
