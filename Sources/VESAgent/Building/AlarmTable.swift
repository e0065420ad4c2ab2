import Collectd

/// The alarms collectd raised that are not cleared yet, so that a FAILURE or WARNING notification opens an alarm (or
/// raises it again) and the OKAY that follows clears it exactly once, with the eventId family, sequence and start
/// time 7.2.1's "EventId Use Cases" give a fault.
///
/// An alarm is what collectd's threshold plugin keeps a state for: host, plugin, plugin instance, type and type
/// instance. The table holds at most `capacity` alarms; beyond it the oldest is forgotten (its OKAY then clears
/// nothing), which the caller logs.
struct AlarmTable: Sendable {
    struct Key: Hashable, Sendable {
        var host: String
        var plugin: String
        var pluginInstance: String
        var type: String
        var typeInstance: String

        init(host: String, plugin: String, pluginInstance: String, type: String, typeInstance: String) {
            self.host = host
            self.plugin = plugin
            self.pluginInstance = pluginInstance
            self.type = type
            self.typeInstance = typeInstance
        }

        init(_ notification: Notification) {
            self.init(
                host: notification.host,
                plugin: notification.plugin,
                pluginInstance: notification.pluginInstance,
                type: notification.type,
                typeInstance: notification.typeInstance
            )
        }

        /// The same names of a value list (a series of values).
        init(_ list: ValueList) {
            self.init(
                host: list.host,
                plugin: list.plugin,
                pluginInstance: list.pluginInstance,
                type: list.type,
                typeInstance: list.typeInstance
            )
        }
    }

    /// One raised alarm.
    struct OpenAlarm: Sendable {
        /// The eventId of the raise, which 7.2.1 keeps through re-raises and the clear (5.4.1 derives from it).
        var family: String
        /// Events sent for this alarm so far (1 after the raise).
        var events: Int
        /// startEpochMicrosec of the raise, kept by every later event of the alarm.
        var startEpochMicrosec: Int64
        /// When it was opened, for forgetting the oldest.
        var order: UInt64
    }

    let capacity: Int
    private var open: [Key: OpenAlarm] = [:]
    private var opened: UInt64 = 0

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    var count: Int { open.count }

    subscript(key: Key) -> OpenAlarm? {
        open[key]
    }

    /// Opens an alarm; returns the key of the alarm forgotten to make room, if any.
    mutating func raise(_ key: Key, family: String, startEpochMicrosec: Int64) -> Key? {
        var forgotten: Key? = nil
        if open[key] == nil, open.count >= capacity, let oldest = open.min(by: { $0.value.order < $1.value.order }) {
            open[oldest.key] = nil
            forgotten = oldest.key
        }
        opened += 1
        open[key] = OpenAlarm(family: family, events: 1, startEpochMicrosec: startEpochMicrosec, order: opened)
        return forgotten
    }

    /// Counts one more event (a re-raise) of an open alarm; returns it as it is now.
    mutating func raiseAgain(_ key: Key) -> OpenAlarm? {
        guard var alarm = open[key] else { return nil }
        alarm.events += 1
        open[key] = alarm
        return alarm
    }

    /// Closes an alarm: returns it with the clear counted, or nil when it was not open.
    mutating func clear(_ key: Key) -> OpenAlarm? {
        guard var alarm = open.removeValue(forKey: key) else { return nil }
        alarm.events += 1
        return alarm
    }
}
