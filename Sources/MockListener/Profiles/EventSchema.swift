import JSON
public import JSONSchema
public import VESModel

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

    /// The field set written into this project for a version.
    public static func builtIn(_ version: VESVersion) -> EventSchema {
        EventSchema(name: version.fieldSet.name, validator: version.fieldSet.validator)
    }

    /// The names `named(_:)` takes for the built-in sets.
    public static var builtInNames: [String] {
        VESVersion.allCases.map(\.fieldSet.name)
    }

    /// A built-in set by name (`ves-1.1`, `ves-5.4.1`, `ves-7.2.1`) or the path of a draft-04 schema file.
    public static func named(_ nameOrPath: String) throws(ListenerError) -> EventSchema {
        if nameOrPath == "builtin" {
            return .builtInVES11
        }
        if let version = VESVersion.allCases.first(where: { $0.fieldSet.name == nameOrPath }) {
            return builtIn(version)
        }
        do {
            return EventSchema(
                name: nameOrPath,
                validator: try JSONSchemaValidator(contentsOfFile: nameOrPath, formats: .checked)
            )
        } catch {
            throw ListenerError(
                code: .schema,
                message: "cannot load schema '\(nameOrPath)': \(error). Use "
                    + builtInNames.map { "'\($0)'" }.joined(separator: ", ")
                    + " or the path of a draft-04 JSON schema file."
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
