public import Collectd
public import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything the agent is configured with: the reference plugin's keys with its defaults, and the keys a
/// standalone daemon needs.
public struct AgentConfiguration: Sendable, Equatable {
    /// How the send timer ticks.
    public enum ClockMode: String, Sendable, CaseIterable {
        /// Every SendEventInterval of real time, for deployment.
        case wall
        /// On the times of the values received, as the reference runner ticks, for reproducible replays.
        case trace
    }

    // The reference plugin's keys.
    public var domain = "127.0.0.1"
    public var port = 30000
    public var path = ""
    public var username = ""
    public var password = ""
    public var topic = ""
    public var useHttps = false
    public var sendEventInterval: Double = 20
    public var functionalRole = "Collectd VES Agent"
    public var guestRunning = false

    // The daemon's own keys.
    /// The name the plugin took from collectd's Hostname: reporting entity of every event.
    public var hostname = AgentConfiguration.machineHostname()
    public var listenHost = "127.0.0.1"
    public var listenPort = 25826
    /// Where `GET /metrics` is served (MetricsListen); nil, the default, serves no metrics.
    public var metricsHost: String? = nil
    public var metricsPort = 0
    public var securityLevel: SecurityLevel = .none
    public var authFile: String? = nil
    public var clock: ClockMode = .wall
    public var batchSize = 1
    /// Connections that post at once (one, as the plugin did, by default): a site whose events outrun one
    /// connection's round trips opens more; the events of one sourceName are never in flight on two at once.
    public var connections = 1
    public static let connectionsRange: ClosedRange<Int> = 1...64
    public var queueSize = 10_000
    public var spoolDirectory: String? = nil
    public var caCertificate: String? = nil
    public var verifyPeer = true
    /// Seconds per request (the plugin used 1).
    public var timeout: Double = 5
    /// Series not updated for this many ticks are dropped; 0 keeps them forever.
    public var expireIntervals = 10
    /// collectd's types.db (data source names of additional measurements); empty: the system's or built-in.
    public var typesDB: String? = nil
    /// Seconds SIGTERM waits for the queue to drain before spooling the rest.
    public var shutdownTimeout: Double = 5
    /// Most series the value cache holds; values of new series beyond it are refused and counted, so a sender
    /// that keeps inventing names cannot grow the agent's memory without bound.
    public var maxSeries = 1_000_000
    /// Seconds a packet time may jump ahead of or back from the trace clock (`Clock trace`) before the value is
    /// refused and counted instead of being turned into ticks.
    public var traceClockWindow: Double = 3600

    // The VES version and what only 5.4.1 and 7.2.1 send.
    /// The VES version the events are written in: 1.1 (the reference plugin's, byte for byte), 5.4.1 or 7.2.1.
    public var vesVersion: VESVersion = .ves11
    /// Seconds between heartbeat events (5.4.1 and 7.2.1); 0 sends none.
    public var heartbeatInterval = 60
    /// commonEventHeader.nfNamingCode (5.4.1, 7.2.1): the network function type, 4 characters; empty leaves it out.
    public var nfNamingCode = ""
    /// commonEventHeader.nfcNamingCode (5.4.1, 7.2.1): the network function component type, 3 characters.
    public var nfcNamingCode = ""
    /// commonEventHeader.nfVendorName (7.2.1); empty leaves it out.
    public var nfVendorName = ""
    /// commonEventHeader.timeZoneOffset (7.2.1) as `UTC+hh:mm` or `UTC-hh:mm`; the machine's offset by default.
    public var timeZoneOffset = AgentConfiguration.machineTimeZoneOffset()

    /// A Barometer ves_app YAML mapping file: the events are built as it describes, in its VES version.
    public var mappingFile: String? = nil

    /// Seconds before the first retry; doubles per failure (with ±20 % jitter) up to `maximumRetryDelay`.
    public var initialRetryDelay: Double = 0.25
    public var maximumRetryDelay: Double = 10

    // The ranges of the numeric keys: each value becomes a Duration, a count or a millisecond timeout, so it must be
    // finite, in range and never 0 where 0 would mean "no limit" (curl's timeout) or "spin" (a clock).
    /// SendEventInterval in a file, a flag or the environment: a second to a day, the range a listener's
    /// measurementIntervalChange may ask for.
    public static let sendEventIntervals: ClosedRange<Double> = 1...86_400
    /// SendEventInterval set in code by a program that embeds the agent: the tests tick every 0.2 s.
    public static let embeddedSendEventIntervals: ClosedRange<Double> = 0.01...86_400
    /// Timeout: at least a millisecond (CURLOPT_TIMEOUT_MS 0 means none), at most an hour.
    public static let timeouts: ClosedRange<Double> = 0.001...3600
    /// ShutdownTimeout: at most an hour.
    public static let shutdownTimeouts: ClosedRange<Double> = 0.01...3600
    /// The retry delays (set in code only): a millisecond to a day.
    public static let retryDelays: ClosedRange<Double> = 0.001...86_400
    /// MaxSeries.
    public static let maxSeriesRange: ClosedRange<Int> = 1...100_000_000
    /// TraceClockWindow: a second to a year.
    public static let traceClockWindows: ClosedRange<Double> = 1...31_536_000

    public init() {}

    /// The listener URL: `http[s]://Domain:Port[/Path]/eventListener/vN[/Topic]` (v1, v5 or v7 as VesVersion
    /// says), Path and Topic joined with single slashes.
    public var eventListenerURL: String {
        baseURL + (topic.isEmpty ? "" : "/" + Self.trimSlashes(topic))
    }

    /// The URL of `eventBatch` (`BatchSize` > 1).
    public var eventBatchURL: String { baseURL + "/eventBatch" }

    /// The URL of `clientThrottlingState`.
    public var throttlingStateURL: String { baseURL + "/clientThrottlingState" }

    private var baseURL: String {
        let trimmed = Self.trimSlashes(path)
        let hostPart = domain.contains(":") && !domain.hasPrefix("[") ? "[\(domain)]" : domain
        return "http\(useHttps ? "s" : "")://\(hostPart):\(port)" + (trimmed.isEmpty ? "" : "/" + trimmed)
            + "/eventListener/" + vesVersion.segment
    }

    static func trimSlashes(_ text: String) -> String {
        text.split(separator: "/").joined(separator: "/")
    }

    /// The machine's offset from UTC now, as 7.2.1's timeZoneOffset writes it: `UTC+01:00`, `UTC-05:30`.
    public static func machineTimeZoneOffset() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "UTC+00:00" }
        return timeZoneOffsetText(seconds: Int(local.tm_gmtoff))
    }

    /// `UTC+hh:mm` for an offset in seconds east of UTC.
    static func timeZoneOffsetText(seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        let hours = String(minutes / 60)
        let rest = String(minutes % 60)
        return "UTC" + (seconds < 0 ? "-" : "+") + String(repeating: "0", count: 2 - min(2, hours.count)) + hours
            + ":" + String(repeating: "0", count: 2 - min(2, rest.count)) + rest
    }

    /// The machine's host name (what collectd uses when Hostname is not set).
    public static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
