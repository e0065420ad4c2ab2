import JSON

/// A field of a cached value (`{vl.*}` and SELECT keys), named as the user guide's table names them.
enum MetricField: String, Sendable, CaseIterable {
    case host, plugin
    case pluginInstance = "plugin_instance"
    case type
    case typeInstance = "type_instance"
    case dsName = "ds_name"
    case value, time, interval

    /// The six fields that identify a value; only these can be selected on or used as INDEX-KEY.
    static let identity: [MetricField] = [.host, .plugin, .pluginInstance, .type, .typeInstance, .dsName]

    static var identityList: String { identity.map(\.rawValue).joined(separator: ", ") }
}

/// A field of a collectd notification (`{n.*}` and CONDITION keys).
enum NotificationField: String, Sendable, CaseIterable {
    case host, plugin
    case pluginInstance = "plugin_instance"
    case type
    case typeInstance = "type_instance"
    case severity, message, time

    static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What a `{ref.attribute}` in a string refers to.
enum Reference: Sendable, Equatable {
    case hostname
    /// The event's id: one per event, whatever the number of references in it.
    case eventId
    /// The run's time in seconds since the epoch, and its UTC date as `YYYY-MM-DD`.
    case systemTime
    case systemDate
    /// The agent's send interval.
    case configInterval
    case metric(MetricField)
    case notification(NotificationField)
}

/// A string with `{ref.attribute}` references in it (Python's `str.format` syntax, `{{` and `}}` for braces).
struct TextTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case reference(Reference)
    }

    var parts: [Part]

    /// The one reference the text consists of, if it is nothing else (`"{vl.value}"`): such a value keeps its type.
    var soleReference: Reference? {
        guard parts.count == 1, case .reference(let reference) = parts[0] else { return nil }
        return reference
    }

    /// The text when it holds no reference.
    var constant: String? {
        var text = ""
        for part in parts {
            guard case .literal(let literal) = part else { return nil }
            text += literal
        }
        return text
    }

    var references: [Reference] {
        parts.compactMap {
            guard case .reference(let reference) = $0 else { return nil }
            return reference
        }
    }
}

/// How one SELECT or CONDITION key compares: equal to a (possibly templated) string, or matching a regular
/// expression from its start as Python's `re.match` does (written `/.../`).
enum FieldMatch: Sendable {
    case equal(TextTemplate)
    case pattern(String)
}

/// One SELECT map: every key must match. Several SELECTs of one item are alternatives.
struct MetricSelection: Sendable {
    var criteria: [(field: MetricField, match: FieldMatch)]

    /// The value an exact key demands when it needs no reference, for picking a bucket of the value table.
    func constant(_ field: MetricField) -> String? {
        for criterion in criteria where criterion.field == field {
            if case .equal(let template) = criterion.match { return template.constant }
        }
        return nil
    }
}

/// What a value expression does when a plain `!Number "{vl.value}"` feeds a VES memory field (KiB) from
/// collectd's `memory` type (bytes): the Barometer files send memoryFree in bytes and the rest in KiB.
enum NumberUnit: Sendable {
    case asWritten
    case kibibytesWhenCollectdBytes
}

/// A compiled value: what a YAML node of a template becomes.
indirect enum Expression: Sendable {
    case constant(JSONValue)
    case text(TextTemplate)
    case number(TextTemplate, NumberUnit)
    case kibibytes(TextTemplate)
    case stripDashes(TextTemplate)
    case mapValue(MapValueExpression)
    case object(ObjectExpression)
    case array([Expression])
    case valueItem(ValueItemExpression)
    case arrayItem(ArrayItemExpression)

    var constantValue: JSONValue? {
        guard case .constant(let value) = self else { return nil }
        return value
    }
}

struct ObjectExpression: Sendable {
    var members: [(key: String, value: Expression)]
    /// A cpuUsageArray item whose percentUsage is the constant 0 next to a cpuIdle: percentUsage becomes
    /// 100 - cpuIdle (the Barometer files send 0.0 whatever the load).
    var percentUsageFromIdle = false
}

struct MapValueExpression: Sendable {
    var value: TextTemplate
    var table: [(key: String, value: JSONValue)]
    /// Where the tag is, for the note when a value is not in the table.
    var line: Int
}

struct ValueItemExpression: Sendable {
    var selections: [MetricSelection]
    var value: Expression
    var fallback: Expression?
    var key: String
    var line: Int
}

struct ArrayItemExpression: Sendable {
    var selections: [MetricSelection]
    var indexKeys: [MetricField]
    var item: Expression
    var key: String
    var line: Int
}

/// A `!Measurements` template: an ArrayItem whose items are events.
struct MeasurementTemplate: Sendable {
    var name: String
    var items: ArrayItemExpression
}

/// An `!Events` template: one event per notification its CONDITION matches.
struct EventTemplate: Sendable {
    var name: String
    var condition: [(field: NotificationField, match: FieldMatch)]
    var item: Expression
}
