import JSON

/// collectd's JSON (write_http `Format "JSON"`), one object or one array of objects per line.
///
/// - A value list is write_http's object: `values`, `dstypes`, `dsnames`, `time`, `interval`, `host`, `plugin`,
///   `plugin_instance`, `type`, `type_instance`. Times are seconds with three decimals, as collectd prints them.
/// - A notification is written as `../shared/reference/seed_oracle.py` reads it: an object with `severity`
///   (`failure`/`warning`/`okay`), `time`, `message` and the identifier fields. write_http's own notification
///   shape (`labels`/`annotations`/`startsAt`) is read too, and written by ``encodeAlert(_:)``.
/// - A trace line may carry its receive time as an extra key `recv_time` (seconds since the epoch) in each object;
///   collectd never writes it and the reference runner ignores it, so recorded traces stay valid input for both.
public enum CollectdJSON {
    /// The key recorded traces use for a line's receive time.
    public static let receiveTimeKey = "recv_time"

    /// Reads one line: an object or an array of objects, value lists and notifications mixed.
    public static func decode(line: String, typesDB: TypesDB) throws(CollectdError) -> [CollectdRecord] {
        try decodeEntry(line: Substring(line), typesDB: typesDB).records
    }

    /// Reads one line and the receive time it carries (the first `recv_time` among its objects).
    public static func decodeEntry(
        line: Substring,
        typesDB: TypesDB
    ) throws(CollectdError) -> (records: [CollectdRecord], receiveTime: Double?) {
        let value: JSONValue
        do {
            value = try parse(line)
        } catch {
            throw CollectdError(code: .jsonSyntax, message: "not valid JSON: \(error.message)")
        }
        let objects: [JSONValue]
        switch value {
        case .array(let elements): objects = elements
        case .object: objects = [value]
        default:
            throw CollectdError(code: .jsonShape, message: "expected a JSON object or an array of objects")
        }
        var records: [CollectdRecord] = []
        var receiveTime: Double? = nil
        for (index, object) in objects.enumerated() {
            guard case .object = object else {
                throw CollectdError(code: .jsonShape, message: "element \(index) is not a JSON object")
            }
            if receiveTime == nil, let seconds = object[receiveTimeKey]?.doubleValue { receiveTime = seconds }
            do {
                records.append(try record(object, typesDB: typesDB))
            } catch {
                let place = objects.count > 1 ? "element \(index): " : ""
                throw CollectdError(code: error.code, message: place + error.message)
            }
        }
        return (records, receiveTime)
    }

    /// VESModel's strict parser (nesting up to 64 levels, no size limit: a trace line is as long as it is), on the
    /// line's UTF-8 bytes in place when they are contiguous.
    private static func parse(_ line: Substring) throws(JSONParseError) -> JSONValue {
        let parser = JSONParser(maxDepth: 64, maxBytes: .max)
        let result =
            line.utf8.withContiguousStorageIfAvailable { bytes in
                Result { () throws(JSONParseError) -> JSONValue in try parser.parse(UnsafeRawBufferPointer(bytes)) }
            } ?? Result { () throws(JSONParseError) -> JSONValue in try parser.parse(Array(line.utf8)) }
        return try result.get()
    }

    private static func record(_ object: JSONValue, typesDB: TypesDB) throws(CollectdError) -> CollectdRecord {
        if object["labels"] != nil, object["values"] == nil {
            return .notification(try alert(object, typesDB: typesDB))
        }
        if object["severity"] != nil, object["values"] == nil { return .notification(try notification(object)) }
        return .values(try valueList(object, typesDB: typesDB))
    }

    private static func valueList(_ object: JSONValue, typesDB: TypesDB) throws(CollectdError) -> ValueList {
        guard case .array(let items)? = object["values"] else {
            throw CollectdError(code: .jsonField, message: "value list has no 'values' array")
        }
        guard !items.isEmpty else { throw CollectdError(code: .jsonField, message: "'values' is empty") }
        let type = try string(object, "type", required: true)
        let plugin = try string(object, "plugin", required: true)
        var types: [DataSourceType]
        if case .array(let names)? = object["dstypes"] {
            types = []
            for name in names {
                guard let text = name.stringValue, let dsType = DataSourceType(name: text) else {
                    throw CollectdError(
                        code: .jsonField,
                        message: "'dstypes' holds \(name.jsonString()); expected counter, gauge, derive or absolute"
                    )
                }
                types.append(dsType)
            }
            guard types.count == items.count else {
                throw CollectdError(
                    code: .jsonField,
                    message: "\(items.count) values but \(types.count) dstypes"
                )
            }
        } else if let sources = typesDB.dataSources(of: type), sources.count == items.count {
            types = sources.map(\.type)
        } else {
            types = Array(repeating: .gauge, count: items.count)
        }
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for (item, dsType) in zip(items, types) {
            values.append(try value(item, as: dsType))
        }
        return ValueList(
            host: try string(object, "host"),
            plugin: plugin,
            pluginInstance: try string(object, "plugin_instance"),
            type: type,
            typeInstance: try string(object, "type_instance"),
            time: try seconds(object, "time") ?? .zero,
            interval: try seconds(object, "interval") ?? CollectdTime(wholeSeconds: 10),
            values: values
        )
    }

    /// A value of the declared type; `null` (collectd's non-finite gauge) is NaN, and a number the declared
    /// integer type cannot hold (a rate written with `StoreRates true`) is kept as a gauge.
    private static func value(_ item: JSONValue, as type: DataSourceType) throws(CollectdError) -> Value {
        switch item {
        case .null: return .gauge(.nan)
        case .integer(let number):
            switch type {
            case .counter where number >= 0: return .counter(UInt64(number))
            case .absolute where number >= 0: return .absolute(UInt64(number))
            case .derive: return .derive(number)
            default: return .gauge(Double(number))
            }
        case .number(let number): return .gauge(number)
        case .largeInteger(let digits): return try value(text: Substring(digits), as: type)
        case .string(let string):
            if ["nan", "u"].contains(string.lowercased()) { return .gauge(.nan) }
            return try value(text: Substring(string), as: type)
        default:
            throw CollectdError(code: .jsonField, message: "value \(item.jsonString()) is not a number")
        }
    }

    /// A number written as text (a string value, or an integer too large for `Int64`) as the declared type.
    private static func value(text: Substring, as type: DataSourceType) throws(CollectdError) -> Value {
        switch type {
        case .counter: if let number = UInt64(text) { return .counter(number) }
        case .derive: if let number = Int64(text) { return .derive(number) }
        case .absolute: if let number = UInt64(text) { return .absolute(number) }
        case .gauge: break
        }
        guard let number = Double(text) else {
            throw CollectdError(code: .jsonField, message: "value '\(text)' is not a number")
        }
        return .gauge(number)
    }

    private static func notification(_ object: JSONValue) throws(CollectdError) -> Notification {
        let severity: Notification.Severity
        switch object["severity"] {
        case .string(let name)?:
            guard let parsed = Notification.Severity(name: name) else {
                throw CollectdError(
                    code: .jsonField,
                    message: "severity '\(name)'; expected failure, warning or okay"
                )
            }
            severity = parsed
        case let number? where number.doubleValue != nil:
            guard case .integer(let code) = number,
                let parsed = Int(exactly: code).flatMap({ Notification.Severity(rawValue: $0) })
            else {
                throw CollectdError(code: .jsonField, message: "severity \(number.jsonString()); expected 1, 2 or 4")
            }
            severity = parsed
        default:
            throw CollectdError(code: .jsonField, message: "severity must be failure, warning or okay")
        }
        return Notification(
            severity: severity,
            time: try seconds(object, "time") ?? .zero,
            message: try string(object, "message"),
            host: try string(object, "host"),
            plugin: try string(object, "plugin"),
            pluginInstance: try string(object, "plugin_instance"),
            type: try string(object, "type"),
            typeInstance: try string(object, "type_instance")
        )
    }

    /// write_http's notification (Prometheus Alertmanager shape). It does not keep every identifier field apart:
    /// `alertname` is `collectd_<type>` when the type starts with the plugin name, else `collectd_<plugin>_<type>`;
    /// the plugin instance is the label named after the plugin, and the type instance is the label `type` (or the
    /// plugin-named label when there is no plugin instance, which reads back as a plugin instance here). Where the
    /// alert name splits more than one way, the reading whose type the types.db knows wins.
    private static func alert(_ object: JSONValue, typesDB: TypesDB) throws(CollectdError) -> Notification {
        guard case .object(let labels)? = object["labels"] else {
            throw CollectdError(code: .jsonField, message: "'labels' is not an object")
        }
        func label(_ key: String) -> String? {
            labels[key]?.stringValue
        }
        guard let severityName = label("severity"), let severity = Notification.Severity(name: severityName) else {
            throw CollectdError(
                code: .jsonField,
                message: "labels.severity must be FAILURE, WARNING or OKAY"
            )
        }
        let reserved: Set<String> = ["alertname", "instance", "severity", "service", "type"]
        let pluginLabel = labels.members.first(where: { !reserved.contains($0.key) })
        let (plugin, type) = pluginAndType(
            alertName: label("alertname") ?? "",
            pluginLabel: pluginLabel?.key,
            typesDB: typesDB
        )
        var summary = ""
        if case .object(let annotations)? = object["annotations"] {
            summary = annotations["summary"]?.stringValue ?? ""
        }
        var time = CollectdTime.zero
        if let startsAt = object["startsAt"]?.stringValue {
            guard let parsed = CollectdTime(rfc3339: startsAt) else {
                throw CollectdError(code: .jsonField, message: "startsAt '\(startsAt)' is not an RFC 3339 time")
            }
            time = parsed
        }
        return Notification(
            severity: severity,
            time: time,
            message: summary,
            host: label("instance") ?? "",
            plugin: plugin,
            pluginInstance: pluginLabel?.value.stringValue ?? "",
            type: type,
            typeInstance: label("type") ?? ""
        )
    }

    /// Splits write_http's `alertname` back into plugin and type (see ``alert(_:typesDB:)``).
    private static func pluginAndType(
        alertName: String,
        pluginLabel: String?,
        typesDB: TypesDB
    ) -> (plugin: String, type: String) {
        guard alertName.hasPrefix("collectd_") else { return (pluginLabel ?? "", "") }
        let name = String(alertName.dropFirst("collectd_".count))
        func known(_ type: String) -> Bool { typesDB.dataSources(of: type) != nil }
        if let plugin = pluginLabel {
            // Either the type starts with the plugin name (written whole) or it follows "<plugin>_".
            let whole = name.hasPrefix(plugin) ? name : nil
            let suffix = name.hasPrefix(plugin + "_") ? String(name.dropFirst(plugin.count + 1)) : nil
            if let whole, known(whole) { return (plugin, whole) }
            if let suffix { return (plugin, suffix) }
            return (plugin, whole ?? name)
        }
        // No plugin label: the plugin name is only in the alert name.
        if known(name) { return (name, name) }
        var index = name.startIndex
        while let underscore = name[index...].firstIndex(of: "_") {
            let type = String(name[name.index(after: underscore)...])
            if known(type) { return (String(name[..<underscore]), type) }
            index = name.index(after: underscore)
        }
        return (name, name)
    }

    private static func string(
        _ object: JSONValue,
        _ key: String,
        required: Bool = false
    ) throws(CollectdError) -> String {
        switch object[key] {
        case .string(let text)?: return text
        case nil, .null?:
            if required { throw CollectdError(code: .jsonField, message: "missing '\(key)'") }
            return ""
        default:
            throw CollectdError(code: .jsonField, message: "'\(key)' is not a string")
        }
    }

    private static func seconds(_ object: JSONValue, _ key: String) throws(CollectdError) -> CollectdTime? {
        if let seconds = object[key]?.doubleValue { return CollectdTime(seconds: seconds) }
        switch object[key] {
        case nil, .null?:
            return nil
        default:
            throw CollectdError(code: .jsonField, message: "'\(key)' is not a number of seconds")
        }
    }

    /// One record as one JSON object: a value list as write_http writes it (with `dsnames` from the types.db, or
    /// `value`/`value0`... when the type is unknown there), a notification as the reference runner reads it.
    /// With `receiveTime`, the object also carries `recv_time`.
    ///
    /// Numbers are collectd's own (`%.3f` times, `%.15g` gauges, so they match what collectd writes); strings are
    /// escaped by VESModel's writer.
    public static func encode(_ record: CollectdRecord, typesDB: TypesDB, receiveTime: Double? = nil) -> String {
        var text = ""
        text.reserveCapacity(256)
        switch record {
        case .values(let list):
            text += "{\"values\":[" + list.values.map(number).joined(separator: ",")
            text += "],\"dstypes\":[" + list.values.map { "\"\($0.type.name)\"" }.joined(separator: ",")
            text +=
                "],\"dsnames\":[" + dataSourceNames(list, typesDB: typesDB).map(JSONValue.quoted).joined(separator: ",")
            text += "],\"time\":" + NumberText.milliseconds(list.time)
            text += ",\"interval\":" + NumberText.milliseconds(list.interval)
            for (key, value) in [
                ("host", list.host), ("plugin", list.plugin), ("plugin_instance", list.pluginInstance),
                ("type", list.type), ("type_instance", list.typeInstance),
            ] {
                text += "," + member(key, value)
            }
        case .notification(let notification):
            text += "{\"severity\":\"\(notification.severity.name)\""
            text += ",\"time\":" + NumberText.milliseconds(notification.time)
            for (key, value) in [
                ("message", notification.message), ("host", notification.host), ("plugin", notification.plugin),
                ("plugin_instance", notification.pluginInstance), ("type", notification.type),
                ("type_instance", notification.typeInstance),
            ] {
                text += "," + member(key, value)
            }
        }
        if let receiveTime {
            text += ",\"\(receiveTimeKey)\":" + NumberText.microseconds(receiveTime)
        }
        return text + "}"
    }

    /// Several records as one JSON array, as write_http posts a batch.
    public static func encodeArray(_ records: [CollectdRecord], typesDB: TypesDB) -> String {
        "[" + records.map { encode($0, typesDB: typesDB) }.joined(separator: ",") + "]"
    }

    /// A notification in write_http's own shape (an array holding one Alertmanager alert), as write_http posts it.
    public static func encodeAlert(_ notification: Notification) -> String {
        var labels: [String] = []
        if notification.type.hasPrefix(notification.plugin) {
            labels.append(member("alertname", "collectd_" + notification.type))
        } else {
            labels.append(member("alertname", "collectd_" + notification.plugin + "_" + notification.type))
        }
        labels.append(member("instance", notification.host))
        if !notification.pluginInstance.isEmpty {
            labels.append(member(notification.plugin, notification.pluginInstance))
        }
        if !notification.typeInstance.isEmpty {
            let key = notification.pluginInstance.isEmpty ? notification.plugin : "type"
            labels.append(member(key, notification.typeInstance))
        }
        labels.append(member("severity", notification.severity.name.uppercased()))
        labels.append(member("service", "collectd"))
        return "[{\"labels\":{" + labels.joined(separator: ",") + "},\"annotations\":{"
            + member("summary", notification.message) + "}," + member("startsAt", notification.time.rfc3339) + "}]"
    }

    /// `"key":"value"`, both escaped.
    private static func member(_ key: String, _ value: String) -> String {
        JSONValue.quoted(key) + ":" + JSONValue.quoted(value)
    }

    private static func number(_ value: Value) -> String {
        switch value {
        case .counter(let number): String(number)
        case .derive(let number): String(number)
        case .absolute(let number): String(number)
        case .gauge(let number): number.isFinite ? NumberText.gauge(number) : "null"
        }
    }

    private static func dataSourceNames(_ list: ValueList, typesDB: TypesDB) -> [String] {
        if let sources = typesDB.dataSources(of: list.type), sources.count == list.values.count {
            return sources.map(\.name)
        }
        if list.values.count == 1 { return ["value"] }
        return (0..<list.values.count).map { "value\($0)" }
    }
}

extension CollectdTime {
    /// The time as collectd's `rfc3339nano` writes it: UTC with nanoseconds (the 2^-30 s units rounded to the
    /// nearest nanosecond).
    fileprivate var rfc3339: String {
        let fraction = raw & (CollectdTime.unitsPerSecond - 1)
        let nanoseconds = (fraction * 1_000_000_000 + (CollectdTime.unitsPerSecond >> 1)) >> 30
        return RFC3339.format(seconds: Int64(raw >> 30), nanoseconds: Int(nanoseconds), precision: .nanoseconds)
    }

    /// An RFC 3339 time (any offset, any number of fractional digits) rounded to the nearest 2^-30 s; nil when
    /// the text is not one or the time is before the epoch or past what collectd's times hold.
    fileprivate init?(rfc3339 text: String) {
        guard let time = RFC3339.parse(text), time.seconds >= 0, time.seconds < 1 << 34 else { return nil }
        self.init(raw: UInt64(time.seconds) << 30 + time.fraction(unitsPerSecond: CollectdTime.unitsPerSecond))
    }
}
