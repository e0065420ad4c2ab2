public import Logging
import Synchronization

/// A log handler that keeps every message (with its level and metadata), so a test can check what was, and was
/// not, logged.
public final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// `LEVEL MESSAGE METADATA` per line, in order.
    public var messages: [String] { lines.withLock { $0 } }

    public var logger: Logger {
        Logger(label: "captured") { _ in CapturingHandler(log: self) }
    }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}
