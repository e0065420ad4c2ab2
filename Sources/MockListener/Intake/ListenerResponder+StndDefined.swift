import JSON
import JSONSchema
import StndDefined

extension ListenerResponder {
    /// The stndDefined checks of one event: the namespace rules, then its data against the schema its
    /// schemaReference names when `--stnd-defined-schemas` gave the listener schemas (else a warning that the
    /// data was not checked).
    func stndDefinedCheck(
        _ event: JSONValue,
        pointer: String,
        served: ServedVersion
    ) -> (errors: [Violation], warnings: [Violation]) {
        guard served.hasStndDefined || configuration.onap != nil,
            event["commonEventHeader"]?["domain"]?.stringValue == "stndDefined"
        else {
            return ([], [])
        }
        var errors = StndDefinedRules.namespaceViolations(event, pointer: pointer)
        let fieldsPointer = pointer + "/stndDefinedFields"
        guard let schemas = configuration.stndDefinedSchemas else {
            let warning = Violation.note(
                "stndDefinedFields.data was not checked against its schemaReference: start the listener with "
                    + "--stnd-defined-schemas DIR",
                at: fieldsPointer + "/data"
            )
            return (errors, [warning])
        }
        guard let fields = event["stndDefinedFields"], let data = fields["data"] else { return (errors, []) }
        guard let reference = fields["schemaReference"]?.stringValue, !reference.isEmpty else {
            // nothing names the data's schema; the ONAP collector skips such data too
            let warning = Violation.note(
                "stndDefinedFields has no schemaReference, so its data was not checked",
                at: fieldsPointer
            )
            return (errors, [warning])
        }
        switch schemas.check(data, schemaReference: reference, dataPointer: fieldsPointer + "/data") {
        case .validated(let violations):
            errors += violations.map { violation in
                var tagged = violation
                tagged.keyword =
                    violation.keyword == "schemaReference"
                    ? StndDefinedKeyword.badFragment : StndDefinedKeyword.data + ":" + violation.keyword
                return tagged
            }
            return (errors, [])
        case .unknownReference(let violation):
            if configuration.acceptsUnknownStndDefined {
                return (errors, [.note(violation.message + "; accepted unchecked", at: violation.pointer)])
            }
            var tagged = violation
            tagged.keyword = StndDefinedKeyword.unknownReference
            return (errors + [tagged], [])
        }
    }
}
