/// A data source type, numbered as on the wire and in collectd's `DS_TYPE_*`.
public enum DataSourceType: UInt8, Sendable, CaseIterable {
    case counter = 0
    case gauge = 1
    case derive = 2
    case absolute = 3

    /// The lower-case name collectd's JSON writes in `dstypes` ("counter", "gauge", ...).
    public var name: String {
        switch self {
        case .counter: "counter"
        case .gauge: "gauge"
        case .derive: "derive"
        case .absolute: "absolute"
        }
    }

    /// Reads a name as types.db and collectd JSON spell it, in any letter case.
    public init?(name: String) {
        switch name.lowercased() {
        case "counter": self = .counter
        case "gauge": self = .gauge
        case "derive": self = .derive
        case "absolute": self = .absolute
        default: return nil
        }
    }
}

/// One value of a value list, typed as collectd types it (COUNTER and ABSOLUTE unsigned, DERIVE signed).
///
/// Equality treats two NaN gauges as equal, so a decoded record equals the one that was encoded.
public enum Value: Sendable, Hashable {
    case counter(UInt64)
    case gauge(Double)
    case derive(Int64)
    case absolute(UInt64)

    /// The data source type this value is sent as.
    public var type: DataSourceType {
        switch self {
        case .counter: .counter
        case .gauge: .gauge
        case .derive: .derive
        case .absolute: .absolute
        }
    }

    /// The value as a Double, for arithmetic that does not care about the type.
    public var doubleValue: Double {
        switch self {
        case .counter(let value): Double(value)
        case .gauge(let value): value
        case .derive(let value): Double(value)
        case .absolute(let value): Double(value)
        }
    }

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.counter(let left), .counter(let right)): left == right
        case (.gauge(let left), .gauge(let right)): left == right || (left.isNaN && right.isNaN)
        case (.derive(let left), .derive(let right)): left == right
        case (.absolute(let left), .absolute(let right)): left == right
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        switch self {
        case .counter(let value): hasher.combine(value)
        case .gauge(let value): hasher.combine(value.isNaN ? Double.nan.bitPattern : (value + 0).bitPattern)
        case .derive(let value): hasher.combine(value)
        case .absolute(let value): hasher.combine(value)
        }
    }
}

/// One collectd value list: what a read plugin dispatches and the network plugin sends in one values part.
public struct ValueList: Sendable, Hashable {
    public var host: String
    public var plugin: String
    public var pluginInstance: String
    public var type: String
    public var typeInstance: String
    public var time: CollectdTime
    public var interval: CollectdTime
    public var values: [Value]

    public init(
        host: String,
        plugin: String,
        pluginInstance: String = "",
        type: String,
        typeInstance: String = "",
        time: CollectdTime,
        interval: CollectdTime,
        values: [Value]
    ) {
        self.host = host
        self.plugin = plugin
        self.pluginInstance = pluginInstance
        self.type = type
        self.typeInstance = typeInstance
        self.time = time
        self.interval = interval
        self.values = values
    }

    /// collectd's identifier `host/plugin[-instance]/type[-instance]`, as PUTVAL and the logs write it.
    public var identifier: String {
        Identifier.format(
            host: host,
            plugin: plugin,
            pluginInstance: pluginInstance,
            type: type,
            typeInstance: typeInstance
        )
    }
}

/// One collectd notification (threshold crossings and the like).
public struct Notification: Sendable, Hashable {
    /// collectd's `NOTIF_*` levels, numbered as on the wire.
    public enum Severity: Int, Sendable, CaseIterable {
        case failure = 1
        case warning = 2
        case okay = 4

        /// The lower-case name ("failure", "warning", "okay") PUTNOTIF and the reference runner use.
        public var name: String {
            switch self {
            case .failure: "failure"
            case .warning: "warning"
            case .okay: "okay"
            }
        }

        /// Reads a name in any letter case.
        public init?(name: String) {
            switch name.lowercased() {
            case "failure": self = .failure
            case "warning": self = .warning
            case "okay": self = .okay
            default: return nil
            }
        }
    }

    public var severity: Severity
    public var time: CollectdTime
    public var message: String
    public var host: String
    public var plugin: String
    public var pluginInstance: String
    public var type: String
    public var typeInstance: String

    public init(
        severity: Severity,
        time: CollectdTime,
        message: String,
        host: String,
        plugin: String = "",
        pluginInstance: String = "",
        type: String = "",
        typeInstance: String = ""
    ) {
        self.severity = severity
        self.time = time
        self.message = message
        self.host = host
        self.plugin = plugin
        self.pluginInstance = pluginInstance
        self.type = type
        self.typeInstance = typeInstance
    }
}

/// What collectd streams carry: value lists and notifications, in order.
public enum CollectdRecord: Sendable, Hashable {
    case values(ValueList)
    case notification(Notification)

    /// The record's time.
    public var time: CollectdTime {
        get {
            switch self {
            case .values(let list): list.time
            case .notification(let notification): notification.time
            }
        }
        set {
            switch self {
            case .values(var list):
                list.time = newValue
                self = .values(list)
            case .notification(var notification):
                notification.time = newValue
                self = .notification(notification)
            }
        }
    }

    /// The record's host.
    public var host: String {
        get {
            switch self {
            case .values(let list): list.host
            case .notification(let notification): notification.host
            }
        }
        set {
            switch self {
            case .values(var list):
                list.host = newValue
                self = .values(list)
            case .notification(var notification):
                notification.host = newValue
                self = .notification(notification)
            }
        }
    }
}

/// Formats and parses collectd identifiers (`host/plugin[-instance]/type[-instance]`).
enum Identifier {
    static func format(
        host: String,
        plugin: String,
        pluginInstance: String,
        type: String,
        typeInstance: String
    ) -> String {
        var text = host + "/" + plugin
        if !pluginInstance.isEmpty { text += "-" + pluginInstance }
        text += "/" + type
        if !typeInstance.isEmpty { text += "-" + typeInstance }
        return text
    }

    /// Splits as collectd's `parse_identifier` does: the host ends at the first '/', the plugin at the next, the
    /// instances start at the first '-' of their part (so a type instance may hold '/' and '-').
    static func parse(
        _ text: Substring
    ) -> (host: String, plugin: String, pluginInstance: String, type: String, typeInstance: String)? {
        guard let firstSlash = text.firstIndex(of: "/") else { return nil }
        let host = text[..<firstSlash]
        let rest = text[text.index(after: firstSlash)...]
        guard let secondSlash = rest.firstIndex(of: "/") else { return nil }
        let pluginPart = rest[..<secondSlash]
        let typePart = rest[rest.index(after: secondSlash)...]
        let (plugin, pluginInstance) = splitInstance(pluginPart)
        let (type, typeInstance) = splitInstance(typePart)
        return (String(host), plugin, pluginInstance, type, typeInstance)
    }

    private static func splitInstance(_ part: Substring) -> (String, String) {
        guard let dash = part.firstIndex(of: "-") else { return (String(part), "") }
        return (String(part[..<dash]), String(part[part.index(after: dash)...]))
    }
}
