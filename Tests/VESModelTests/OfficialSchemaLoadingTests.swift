import JSON
import JSONSchema
import TestSupport
import Testing
import VESModel

@Suite("The official schema files", .needsShared("ves/schemas"))
struct OfficialSchemaLoadingTests {
    @Test("title, and the official schema files all load")
    func loading() throws {
        for key in SharedMaterial.schemaFiles.keys.sorted() {
            let validator = try SharedMaterial.officialValidator(key)
            #expect(validator.validate([:]).isEmpty == (key != "ve-1.1 (att-2016-06)"), "\(key)")
        }
        #expect(try SharedMaterial.officialValidator("ve-1.1 (att-2016-06)").title == "Event Listener")
        #expect(VES11FieldSet.validator.title?.contains("VES 1.1") == true)
        // The wrapper file refers to definitions it does not hold, so alone it cannot compile.
        do {
            _ = try JSONSchemaValidator(
                contentsOfFile: SharedMaterial.path("ves/schemas/ves-1.1_att-2016-06_base_schema.json")
            )
            Issue.record("the wrapper schema has an unresolvable $ref")
        } catch {
            #expect(error.code == .unresolvableRef)
            #expect(error.message.contains("#/definitions/event"))
        }
    }
}
