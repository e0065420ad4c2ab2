import JSON
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler that formats each entry as one line and hands it to a `LogLineQueue`, so logging never
/// makes a request wait for stderr. Control characters in the message and the metadata are escaped: one entry
/// is one line, whatever a sender put in a path or a field.
public struct QueuedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let queue: LogLineQueue

    public init(label: String, queue: LogLineQueue = .standardError) {
        self.label = label
        self.queue = queue
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let given = event.metadata { merged.merge(given) { $1 } }
        var line = RFC3339.now(precision: .milliseconds) + " \(event.level) \(label): "
        line += ControlCharacters.escaped(event.message.description)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(ControlCharacters.escaped(key))=\(ControlCharacters.escaped(value.description))"
        }
        line += "\n"
        queue.enqueue(Array(line.utf8))
    }

    /// Makes every logger of the process use a queued handler at `level`, and drains standard error's queue (for
    /// at most a second) when the process exits, so the last lines are not lost unless stderr is stuck.
    public static func bootstrap(level: Logger.Level, queue: LogLineQueue = .standardError) {
        LoggingSystem.bootstrap { label in
            var handler = QueuedLogHandler(label: label, queue: queue)
            handler.logLevel = level
            return handler
        }
        atexit { _ = LogLineQueue.standardError.drain(timeout: .seconds(1)) }
    }
}
