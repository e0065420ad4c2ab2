import JSON
import JSONSchema

extension ListenerResponder {
    /// The stndDefined checks of one event: the namespace rules as errors, and a warning when the data was not
    /// checked against its standard's schema.
    func stndDefinedCheck(
        _ event: JSONValue,
        pointer: String,
        served: ServedVersion
    ) -> (errors: [Violation], warnings: [Violation]) {
        guard served.hasStndDefined, event["commonEventHeader"]?["domain"]?.stringValue == "stndDefined" else {
            return ([], [])
        }
        let errors = StndDefinedRules.namespaceViolations(event, pointer: pointer)
        let warning = Violation.note(
            "stndDefinedFields.data was not checked against its schemaReference: start the listener with "
                + "--stnd-defined-schemas DIR",
            at: pointer + "/stndDefinedFields/data"
        )
        return (errors, [warning])
    }
}
