import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

/// The model tests' use of the shared material: JSON files and the official schema files.
extension SharedMaterial {
    static func json(_ path: String) throws -> JSONValue {
        try JSONParser().parse(bytes(path))
    }

    /// The model's own fixtures (`Fixtures/model`).
    static func modelFixture(_ name: String) -> String {
        fixture("model/" + name)
    }

    static let schemaFiles: [String: String] = [
        "ve-1.1 (att-2016-06)": "ves/schemas/ves-1.1_att-2016-06_event_format_updated.json",
        "27.2": "ves/schemas/CommonEventFormat_27.2.json",
        "28.4.1": "ves/schemas/CommonEventFormat_28.4.1.json",
        "30.2.1": "ves/schemas/CommonEventFormat_30.2.1_ONAP.json",
    ]

    /// The official schema files, compiled once for all tests.
    static let officialValidators: [String: JSONSchemaValidator] = {
        var validators: [String: JSONSchemaValidator] = [:]
        for (key, file) in schemaFiles {
            validators[key] = try? JSONSchemaValidator(contentsOfFile: path(file))
        }
        return validators
    }()

    static func officialValidator(_ key: String) throws -> JSONSchemaValidator {
        try #require(officialValidators[key], "cannot load the schema for \(key) from \(sharedDirectory)")
    }
}
