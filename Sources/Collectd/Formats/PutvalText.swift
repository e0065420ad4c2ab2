/// collectd's plain-text protocol of the exec and unixsock plugins: `PUTVAL` and `PUTNOTIF` lines.
///
/// `PUTVAL "host/plugin-instance/type-instance" [interval=N] time:v1[:v2...] [time:v1...]` with time `N` for now
/// and `U` for an unknown (NaN) gauge; `PUTNOTIF severity=failure|warning|okay time=T message="..." [host=...]
/// [plugin=...] [plugin_instance=...] [type=...] [type_instance=...]`. Fields split on whitespace; double quotes
/// group (with `\` escapes inside), as collectd's `cmd_split` reads them.
public enum PutvalText {
    /// Parses one line into the records it holds (PUTVAL may carry several value lists: one per values field).
    ///
    /// - Parameters:
    ///   - typesDB: says how many values a type has and which are gauges, counters, derives or absolutes.
    ///   - now: the time `N` stands for.
    ///   - defaultInterval: the interval when the line gives none (collectd uses the plugin's interval).
    public static func parse(
        line: String,
        typesDB: TypesDB,
        now: CollectdTime,
        defaultInterval: CollectdTime = CollectdTime(wholeSeconds: 10)
    ) throws(CollectdError) -> [CollectdRecord] {
        let fields = try splitFields(Substring(line))
        guard let command = fields.first else { return [] }
        switch command.lowercased() {
        case "putval":
            return try parsePutval(fields, typesDB: typesDB, now: now, defaultInterval: defaultInterval)
        case "putnotif":
            return [.notification(try parsePutnotif(fields, now: now))]
        default:
            throw CollectdError(
                code: .putvalCommand,
                message: "unknown command '\(command)'; expected PUTVAL or PUTNOTIF"
            )
        }
    }

    /// One record as one line: PUTVAL with the identifier quoted, `interval=` and `time:values` with times as
    /// collectd prints them (`%.3f`); PUTNOTIF with its options, quoted where needed.
    public static func format(_ record: CollectdRecord) -> String {
        switch record {
        case .values(let list):
            var text = "PUTVAL " + quoted(list.identifier) + " interval=" + NumberText.milliseconds(list.interval)
            text += " " + NumberText.milliseconds(list.time)
            for value in list.values {
                text += ":" + valueText(value)
            }
            return text
        case .notification(let notification):
            var text = "PUTNOTIF severity=" + notification.severity.name
            text += " time=" + NumberText.milliseconds(notification.time)
            for (key, value) in [
                ("host", notification.host), ("plugin", notification.plugin),
                ("plugin_instance", notification.pluginInstance), ("type", notification.type),
                ("type_instance", notification.typeInstance),
            ] where !value.isEmpty {
                text += " " + key + "=" + quotedIfNeeded(value)
            }
            return text + " message=" + quoted(notification.message)
        }
    }

    private static func valueText(_ value: Value) -> String {
        switch value {
        case .counter(let number): String(number)
        case .derive(let number): String(number)
        case .absolute(let number): String(number)
        case .gauge(let number):
            if number.isNaN {
                "U"
            } else if number.isInfinite {
                number < 0 ? "-inf" : "inf"
            } else {
                NumberText.gauge(number)
            }
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { result += "\\" }
            result.unicodeScalars.append(character)
        }
        return result + "\""
    }

    private static func quotedIfNeeded(_ text: String) -> String {
        let needsQuotes =
            text.isEmpty || text.unicodeScalars.contains { $0 == "\"" || $0 == "\\" || isSpace($0.value) }
        return needsQuotes ? quoted(text) : text
    }

    private static func isSpace(_ value: UInt32) -> Bool {
        value == 0x20 || (0x09...0x0D).contains(value)
    }

    /// Splits a line as collectd's `cmd_split`: whitespace separates fields unless quoted; a quoted string ends
    /// its field; inside quotes a backslash takes the next character literally.
    static func splitFields(_ line: Substring) throws(CollectdError) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var inField = false
        var inQuotes = false
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            if isSpace(UInt32(byte)) {
                if !inQuotes {
                    if inField {
                        fields.append(String(decoding: field, as: UTF8.self))
                        field.removeAll(keepingCapacity: true)
                        inField = false
                    }
                    index += 1
                    continue
                }
            } else if byte == UInt8(ascii: "\"") {
                if inQuotes {
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    inField = false
                    inQuotes = false
                } else {
                    inQuotes = true
                }
                index += 1
                continue
            } else if byte == UInt8(ascii: "\\") && inQuotes {
                guard index + 1 < bytes.count else {
                    throw CollectdError(code: .putvalSyntax, message: "backslash at end of line")
                }
                index += 1
                byte = bytes[index]
            }
            field.append(byte)
            inField = true
            index += 1
        }
        guard !inQuotes else { throw CollectdError(code: .putvalSyntax, message: "unterminated quoted string") }
        if inField { fields.append(String(decoding: field, as: UTF8.self)) }
        return fields
    }

    /// Splits `key=value` as collectd's `cmd_parse_option` (a key of letters, digits, `_` and `:`), or nil.
    private static func option(_ field: String) -> (key: String, value: String)? {
        guard let equals = field.firstIndex(of: "=") else { return nil }
        let key = field[..<equals]
        guard !key.isEmpty, key.unicodeScalars.allSatisfy(isKeyCharacter) else { return nil }
        return (String(key), String(field[field.index(after: equals)...]))
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ":": true
        default: false
        }
    }

    private static func parsePutval(
        _ fields: [String],
        typesDB: TypesDB,
        now: CollectdTime,
        defaultInterval: CollectdTime
    ) throws(CollectdError) -> [CollectdRecord] {
        guard fields.count >= 3 else {
            throw CollectdError(
                code: .putvalSyntax,
                message: "PUTVAL needs an identifier and at least one time:value field"
            )
        }
        guard let identifier = Identifier.parse(Substring(fields[1])) else {
            throw CollectdError(
                code: .putvalIdentifier,
                message: "identifier '\(fields[1])' is not host/plugin[-instance]/type[-instance]"
            )
        }
        guard let sources = typesDB.dataSources(of: identifier.type) else {
            throw CollectdError(
                code: .putvalType,
                message: "type '\(identifier.type)' is not in the types.db; add it or load the system's types.db"
            )
        }
        var interval = defaultInterval
        var records: [CollectdRecord] = []
        for field in fields.dropFirst(2) {
            if let (key, value) = option(field) {
                if key.lowercased() == "interval" {
                    guard let seconds = Double(value) else {
                        throw CollectdError(code: .putvalOption, message: "interval '\(value)' is not a number")
                    }
                    if seconds > 0 { interval = CollectdTime(seconds: seconds) }
                } else if !key.contains(":") {
                    throw CollectdError(
                        code: .putvalOption,
                        message: "unknown option '\(key)'; PUTVAL takes interval= (and meta options type:key=)"
                    )
                }
                continue
            }
            let (time, values) = try parseValues(field, sources: sources, now: now)
            records.append(
                .values(
                    ValueList(
                        host: identifier.host,
                        plugin: identifier.plugin,
                        pluginInstance: identifier.pluginInstance,
                        type: identifier.type,
                        typeInstance: identifier.typeInstance,
                        time: time,
                        interval: interval,
                        values: values
                    )
                )
            )
        }
        guard !records.isEmpty else {
            throw CollectdError(code: .putvalSyntax, message: "PUTVAL has no time:value field")
        }
        return records
    }

    private static func parseValues(
        _ field: String,
        sources: [TypesDB.DataSource],
        now: CollectdTime
    ) throws(CollectdError) -> (CollectdTime, [Value]) {
        let parts = field.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == sources.count + 1 else {
            throw CollectdError(
                code: .putvalValues,
                message: "'\(field)' holds \(parts.count - 1) values; the type has \(sources.count) "
                    + "(\(sources.map(\.name).joined(separator: ", ")))"
            )
        }
        let time = try parseTime(parts[0], now: now)
        var values: [Value] = []
        values.reserveCapacity(sources.count)
        for (text, source) in zip(parts.dropFirst(), sources) {
            values.append(try parseValue(text, type: source.type, name: source.name))
        }
        return (time, values)
    }

    private static func parseTime(_ text: Substring, now: CollectdTime) throws(CollectdError) -> CollectdTime {
        if text == "N" { return now }
        guard let seconds = Double(text), seconds > 0 else {
            throw CollectdError(
                code: .putvalTime,
                message: "time '\(text)' is not N or a positive number of seconds"
            )
        }
        return CollectdTime(seconds: seconds)
    }

    private static func parseValue(_ text: Substring, type: DataSourceType, name: String) throws(CollectdError) -> Value
    {
        let parsed: Value?
        switch type {
        case .gauge: parsed = text == "U" ? .gauge(.nan) : Double(text).map { .gauge($0) }
        case .counter: parsed = UInt64(text).map { .counter($0) }
        case .derive: parsed = Int64(text).map { .derive($0) }
        case .absolute: parsed = UInt64(text).map { .absolute($0) }
        }
        guard let parsed else {
            throw CollectdError(
                code: .putvalValues,
                message: "value '\(text)' of data source '\(name)' is not a valid \(type.name)"
            )
        }
        return parsed
    }

    private static func parsePutnotif(_ fields: [String], now: CollectdTime) throws(CollectdError) -> Notification {
        var severity: Notification.Severity? = nil
        var time = CollectdTime.zero
        var notification = Notification(severity: .okay, time: .zero, message: "", host: "")
        for field in fields.dropFirst() {
            guard let (key, value) = option(field) else {
                throw CollectdError(
                    code: .putnotifSyntax,
                    message: "'\(field)' is not key=value; quote values with spaces: message=\"...\""
                )
            }
            switch key.lowercased() {
            case "severity":
                guard let parsed = Notification.Severity(name: value) else {
                    throw CollectdError(
                        code: .putnotifOption,
                        message: "severity '\(value)'; expected failure, warning or okay"
                    )
                }
                severity = parsed
            case "time": time = try parseTime(Substring(value), now: now)
            case "message": notification.message = value
            case "host": notification.host = value
            case "plugin": notification.plugin = value
            case "plugin_instance": notification.pluginInstance = value
            case "type": notification.type = value
            case "type_instance": notification.typeInstance = value
            default:
                // collectd takes "s:key=value" as meta data; the records here carry none.
                guard key.contains(":") else {
                    throw CollectdError(
                        code: .putnotifOption,
                        message: "unknown option '\(key)'; PUTNOTIF takes severity, time, message, host, plugin, "
                            + "plugin_instance, type, type_instance"
                    )
                }
            }
        }
        guard let severity else {
            throw CollectdError(code: .putnotifOption, message: "PUTNOTIF needs severity=failure|warning|okay")
        }
        guard time != .zero else { throw CollectdError(code: .putnotifOption, message: "PUTNOTIF needs time=") }
        guard !notification.message.isEmpty else {
            throw CollectdError(code: .putnotifOption, message: "PUTNOTIF needs a non-empty message=")
        }
        notification.severity = severity
        notification.time = time
        return notification
    }
}
