import JSON
public import JSONSchema
import VESModel

/// A named validator the listener checks events with: the built-in VES 1.1 field set or a draft-04 file.
public struct EventSchema: Sendable {
    /// Shown in logs, reports and `/testControl/v1/stats`.
    public var name: String
    public var validator: JSONSchemaValidator

    public init(name: String, validator: JSONSchemaValidator) {
        self.name = name
        self.validator = validator
    }

    /// The 2016 AT&T Vendor Event Listener field set (API v1), written into this project.
    public static var builtInVES11: EventSchema {
        EventSchema(name: VES11FieldSet.name, validator: VES11FieldSet.validator)
    }

    /// `ves-1.1` or the path of a draft-04 schema file.
    public static func named(_ nameOrPath: String) throws(ListenerError) -> EventSchema {
        if nameOrPath == VES11FieldSet.name || nameOrPath == "ves-1.1" || nameOrPath == "builtin" {
            return .builtInVES11
        }
        do {
            return EventSchema(name: nameOrPath, validator: try JSONSchemaValidator(contentsOfFile: nameOrPath))
        } catch {
            throw ListenerError(
                code: .schema,
                message:
                    "cannot load schema '\(nameOrPath)': \(error). Use 'ves-1.1' or the path of a draft-04 JSON schema file."
            )
        }
    }

    /// Violations of a single-event body (`{"event": {...}}`), pointers from the body's root.
    func validateSingle(_ body: JSONValue) -> [Violation] {
        var violations: [Violation] = []
        // newer schemas require nothing at the top: a listener still needs the event
        if body["event"] == nil, case .object = body {
            violations.append(
                Violation(pointer: "/event", message: "'event' is a required property", keyword: "required")
            )
        }
        let schemaViolations = validator.validate(body)
        for violation in schemaViolations where !violations.contains(violation) {
            violations.append(violation)
        }
        return violations
    }

    /// Violations of one `eventList` item, pointers prefixed by `/eventList/<index>`.
    func validateBatchItem(_ item: JSONValue, index: Int) -> [Violation] {
        let prefix = JSONPointer.appending(index, to: "/eventList")
        if validator.hasDefinition("event") {
            return validator.validate(item, definition: "event", pointer: prefix)
        }
        // a schema without an `event` definition: check the item as a single event and move the pointers
        let wrapped = JSONValue.object(JSONObject([("event", item)]))
        return validateSingle(wrapped).map { violation in
            var moved = violation
            moved.pointer = prefix + violation.pointer.dropFirst("/event".count)
            return moved
        }
    }
}
