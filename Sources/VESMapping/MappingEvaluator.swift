import Collectd
import JSON

/// Runs compiled templates over one set of values or one notification.
///
/// Everything that can go wrong here is a fact of the data, not of the file (a value not reported yet, a NaN, a
/// severity the table lacks): the field or item is left out and a note says why, where ves_app raised and lost
/// every event of the tick.
struct MappingEvaluator {
    /// What `{vl.*}` and `{n.*}` read at a place in a template.
    enum Subject {
        case none
        case row(Int)
        /// An INDEX-KEY item: only the index fields are known.
        case partial([MetricField: String])
        case notification(Notification)
    }

    let table: ValueTable
    let settings: MappingSettings
    let now: Double
    let limits: MappingLimits
    var output = MappingOutput()

    /// Per event: its id, the template, the times of the values it used, its item count.
    var eventId = ""
    var template = ""
    var earliest = Double.infinity
    var latest = -Double.infinity
    var items = 0

    /// Compiled patterns and their verdicts for this run; `Regex` is not `Sendable`, so it lives no longer.
    private var patterns: [String: Regex<AnyRegexOutput>] = [:]
    private var verdicts: [PatternKey: Bool] = [:]

    /// Rows of selections that had to look at many rows, by their rendered criteria: a SELECT that needs no
    /// reference (hypervisor.yaml's `plugin: "/^(?!virt).*$/"` in every VM's event) scans the table once a run.
    private var wideSelections: [[String]: [Int]] = [:]

    private struct PatternKey: Hashable {
        var pattern: String
        var text: String
    }

    /// Selections scanning more rows than this are remembered for the run.
    private static let wideSelection = 256

    init(table: ValueTable, settings: MappingSettings, now: Double, limits: MappingLimits) {
        self.table = table
        self.settings = settings
        self.now = now
        self.limits = limits
    }

    mutating func startEvent(id: String, template: String) {
        eventId = id
        self.template = template
        earliest = .infinity
        latest = -.infinity
        items = 0
    }

    /// Counts a row as part of the event, for its measurement period.
    mutating func use(_ row: Int) {
        let value = table.rows[row]
        guard value.time.isFinite, value.interval.isFinite, value.time > 0 else { return }
        earliest = min(earliest, value.time - max(0, value.interval))
        latest = max(latest, value.time)
    }

    mutating func note(_ text: String) {
        output.note("\(template): \(text)")
    }

    // MARK: Expressions

    mutating func evaluate(_ expression: Expression, _ subject: Subject) -> JSONValue? {
        switch expression {
        case .constant(let value):
            return value
        case .text(let template):
            return .string(render(template, subject))
        case .number(let template, let unit):
            return number(template, unit: unit, subject)
        case .kibibytes(let template):
            guard let bytes = numeric(template, subject), bytes.isFinite else {
                note("!Bytes2Kibibytes of '\(render(template, subject))' is not a number; the field is left out")
                return nil
            }
            return .number(ValueFormatting.kibibytes(bytes))
        case .stripDashes(let template):
            return .string(ValueFormatting.stripExtraDashes(render(template, subject)))
        case .mapValue(let map):
            return mapValue(map, subject)
        case .object(let object):
            return self.object(object, subject)
        case .array(let elements):
            var values: [JSONValue] = []
            for element in elements {
                if let value = evaluate(element, subject) { values.append(value) }
            }
            return .array(values)
        case .valueItem(let item):
            return valueItem(item, subject)
        case .arrayItem(let item):
            var values: [JSONValue] = []
            for itemSubject in itemSubjects(item, subject) {
                guard items < limits.maxItemsPerEvent else {
                    note("more than \(limits.maxItemsPerEvent) array items in one event; '\(item.key)' is cut short")
                    break
                }
                items += 1
                if case .row(let row) = itemSubject { use(row) }
                if let value = evaluate(item.item, itemSubject) { values.append(value) }
            }
            return .array(values)
        }
    }

    private mutating func number(_ template: TextTemplate, unit: NumberUnit, _ subject: Subject) -> JSONValue? {
        if let reference = template.soleReference, let value = numeric(reference, subject) {
            guard let json = ValueFormatting.json(value) else {
                note("a value that is not a finite number (\(ValueFormatting.text(value))) is left out")
                return nil
            }
            if unit == .kibibytesWhenCollectdBytes, case .row(let row) = subject, table.rows[row].type == "memory" {
                // Written as !Bytes2Kibibytes writes it, so all memory fields of an item read alike.
                return .number(ValueFormatting.kibibytes(value))
            }
            return json
        }
        let text = render(template, subject)
        guard let json = ValueFormatting.number(fromText: text) else {
            note("!Number of '\(text)' is not a number; the field is left out")
            return nil
        }
        return json
    }

    private mutating func object(_ object: ObjectExpression, _ subject: Subject) -> JSONValue {
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(object.members.count)
        for member in object.members {
            if let value = evaluate(member.value, subject) { members.append((member.key, value)) }
        }
        var result = JSONObject(members)
        if object.percentUsageFromIdle, let idle = result["cpuIdle"]?.doubleValue, idle.isFinite {
            let usage = min(100, max(0, 100 - idle))
            result["percentUsage"] = .number((usage * 1_000_000).rounded() / 1_000_000)
        }
        return .object(result)
    }

    private mutating func mapValue(_ map: MapValueExpression, _ subject: Subject) -> JSONValue? {
        let value = render(map.value, subject)
        if let row = map.table.first(where: { $0.key == value }) { return row.value }
        if map.value.soleReference == .notification(.severity), case .notification(let notification) = subject,
            let index = ValueFormatting.severityRow(notification.severity.name.uppercased(), in: map.table.map(\.key))
        {
            return map.table[index].value
        }
        note("!MapValue (line \(map.line)) has no row for '\(value)'; the field is left out")
        return nil
    }

    private mutating func valueItem(_ item: ValueItemExpression, _ subject: Subject) -> JSONValue? {
        let rows = select(item.selections, subject)
        guard let first = rows.first else {
            if let fallback = item.fallback { return evaluate(fallback, subject) }
            note("'\(item.key)' selected no value and has no DEFAULT; the field is left out")
            return nil
        }
        if rows.count > 1 {
            note("'\(item.key)' (line \(item.line)) selected \(rows.count) values; the first is used")
        }
        use(first)
        return evaluate(item.value, .row(first))
    }

    /// The subjects an ArrayItem (or a !Measurements template) makes items of: each selected row, or with
    /// INDEX-KEY each distinct combination of the index fields, in the order the rows came.
    mutating func itemSubjects(_ item: ArrayItemExpression, _ subject: Subject) -> [Subject] {
        let rows = item.selections.isEmpty ? Array(table.rows.indices) : select(item.selections, subject)
        guard !item.indexKeys.isEmpty else { return rows.map { .row($0) } }
        var seen: Set<[String]> = []
        var subjects: [Subject] = []
        for row in rows {
            let value = table.rows[row]
            let key = item.indexKeys.map { value.text($0) }
            guard seen.insert(key).inserted else { continue }
            subjects.append(.partial(Dictionary(uniqueKeysWithValues: zip(item.indexKeys, key))))
        }
        return subjects
    }

    // MARK: Selection

    /// The rows any of the selections matches, in table order. Equality criteria are rendered once, in the
    /// enclosing subject, and exact plugin and plugin instance narrow the rows looked at.
    private mutating func select(_ selections: [MetricSelection], _ subject: Subject) -> [Int] {
        var matched: [Int] = []
        for selection in selections {
            var exact: [(MetricField, String)] = []
            var patterned: [(MetricField, String)] = []
            for criterion in selection.criteria {
                switch criterion.match {
                case .equal(let template): exact.append((criterion.field, render(template, subject)))
                case .pattern(let pattern): patterned.append((criterion.field, pattern))
                }
            }
            let plugin = exact.first { $0.0 == .plugin }?.1
            let instance = plugin == nil ? nil : exact.first { $0.0 == .pluginInstance }?.1
            let candidates = table.candidates(plugin: plugin, pluginInstance: instance)
            var key: [String] = []
            if candidates.count > Self.wideSelection {
                key = exact.flatMap { [$0.0.rawValue, $0.1] } + ["/"] + patterned.flatMap { [$0.0.rawValue, $0.1] }
                if let rows = wideSelections[key] {
                    matched += rows
                    continue
                }
            }
            var rows: [Int] = []
            for row in candidates {
                let value = table.rows[row]
                guard exact.allSatisfy({ value.text($0.0) == $0.1 }) else { continue }
                var accepted = true
                for (field, pattern) in patterned where !matches(pattern, value.text(field)) {
                    accepted = false
                    break
                }
                if accepted { rows.append(row) }
            }
            if !key.isEmpty { wideSelections[key] = rows }
            matched += rows
        }
        if selections.count > 1 {
            matched = Array(Set(matched)).sorted()
        }
        return matched
    }

    /// Python's `re.match`: the pattern must match at the start of the text.
    mutating func matches(_ pattern: String, _ text: String) -> Bool {
        let key = PatternKey(pattern: pattern, text: text)
        if let verdict = verdicts[key] { return verdict }
        let regex: Regex<AnyRegexOutput>
        if let compiled = patterns[pattern] {
            regex = compiled
        } else {
            // The compiler compiled every pattern once already; one that fails now matches nothing.
            guard let compiled = try? Regex(pattern) else { return false }
            patterns[pattern] = compiled
            regex = compiled
        }
        let verdict = (try? regex.prefixMatch(in: text)) != nil
        if verdicts.count < 100_000 { verdicts[key] = verdict }
        return verdict
    }

    // MARK: References

    func render(_ template: TextTemplate, _ subject: Subject) -> String {
        var text = ""
        for part in template.parts {
            switch part {
            case .literal(let literal): text += literal
            case .reference(let reference): text += self.text(reference, subject)
            }
        }
        return text
    }

    private func text(_ reference: Reference, _ subject: Subject) -> String {
        switch reference {
        case .hostname: return settings.hostname
        case .eventId: return eventId
        case .systemTime: return ValueFormatting.text(now)
        case .systemDate: return ValueFormatting.date(secondsSinceEpoch: now)
        case .configInterval: return ValueFormatting.text(settings.sendInterval)
        case .metric(let field):
            switch subject {
            case .row(let row): return table.rows[row].text(field)
            case .partial(let fields): return fields[field] ?? ""
            case .none, .notification: return ""
            }
        case .notification(let field):
            guard case .notification(let notification) = subject else { return "" }
            return Self.text(field, of: notification)
        }
    }

    static func text(_ field: NotificationField, of notification: Notification) -> String {
        switch field {
        case .host: notification.host
        case .plugin: notification.plugin
        case .pluginInstance: notification.pluginInstance
        case .type: notification.type
        case .typeInstance: notification.typeInstance
        case .severity: ValueFormatting.severityText(notification.severity.name)
        case .message: notification.message
        case .time: ValueFormatting.text(notification.time.seconds)
        }
    }

    private func numeric(_ template: TextTemplate, _ subject: Subject) -> Double? {
        if let reference = template.soleReference, let value = numeric(reference, subject) { return value }
        return ValueFormatting.number(fromText: render(template, subject))?.doubleValue
    }

    private func numeric(_ reference: Reference, _ subject: Subject) -> Double? {
        switch reference {
        case .systemTime: return now
        case .configInterval: return settings.sendInterval
        case .metric(let field):
            guard case .row(let row) = subject else { return nil }
            return table.rows[row].number(field)
        case .notification(.time):
            guard case .notification(let notification) = subject else { return nil }
            return notification.time.seconds
        default:
            return nil
        }
    }
}
