import Logging
import Platform

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `--record` file: whole lines appended, or nothing. A write that fails part way is cut back to the last
/// whole line, so the file never holds a torn line, and with `fsync` each write is on the disk before the caller
/// answers. A failing disk is logged once when it starts failing, then as a count a minute, and once when it
/// works again; the listener keeps answering (503 while it cannot write).
///
/// A value the store keeps under its intake lock; `close()` ends it.
struct RecordFile: Sendable {
    /// How often a disk that keeps failing is reported again.
    static let reportInterval: Duration = .seconds(60)

    let path: String
    let fsyncEachWrite: Bool
    private var descriptor: Int32
    /// Bytes of whole lines in the file.
    private var goodSize: Int64 = 0
    private var failedWrites = 0
    private var failedSinceReport = 0
    private var lastReport: ContinuousClock.Instant?

    /// Creates (or truncates) the file. It is opened without following a symbolic link, so a link planted where
    /// the record goes cannot redirect the writes, and with mode 0644: a record is a report, readable by all.
    init(path: String, fsyncEachWrite: Bool) throws(ListenerError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw ListenerError(
                code: .record,
                message: "cannot open record file '\(path)': \(String(cString: strerror(errno))); "
                    + "give --record a path in a folder you can write, not a symbolic link"
            )
        }
        self.path = path
        self.fsyncEachWrite = fsyncEachWrite
        self.descriptor = descriptor
    }

    /// Bytes of whole lines in the file: its size, as the file was truncated when opened.
    var size: Int64 { goodSize }

    /// Appends `bytes` (whole lines); on failure the file is cut back to its last whole line and the error says
    /// why. Logs the first failure, a count of the next ones each `reportInterval`, and the recovery.
    mutating func append(_ bytes: [UInt8], logger: Logger) throws(ListenerError) {
        guard descriptor >= 0 else {
            throw ListenerError(code: .record, message: "the record file '\(path)' is closed")
        }
        var reason = FileBytes.writeAll(bytes, to: descriptor)
        if reason == nil, fsyncEachWrite, fsync(descriptor) != 0 {
            reason = "fsync: " + String(cString: strerror(errno))
        }
        guard let reason else {
            goodSize += Int64(bytes.count)
            if failedWrites > 0 {
                logger.notice("record file writable again", metadata: ["path": "\(path)", "failed": "\(failedWrites)"])
                failedWrites = 0
                failedSinceReport = 0
                lastReport = nil
            }
            return
        }
        // no torn line: the next record starts where the last whole one ended (a device such as /dev/full
        // cannot be truncated, and then nothing was written)
        _ = ftruncate(descriptor, off_t(goodSize))
        noteFailure(reason, logger: logger)
        throw ListenerError(code: .record, message: "cannot write record file '\(path)': \(reason)")
    }

    private mutating func noteFailure(_ reason: String, logger: Logger) {
        failedWrites += 1
        failedSinceReport += 1
        let now = ContinuousClock.now
        if let lastReport, now - lastReport < Self.reportInterval { return }
        if failedWrites == 1 {
            logger.error(
                "cannot write the record file; answering 503 until it works again",
                metadata: ["path": "\(path)", "error": "\(reason)"]
            )
        } else {
            logger.error(
                "record file still failing",
                metadata: ["path": "\(path)", "error": "\(reason)", "failed": "\(failedSinceReport)"]
            )
        }
        lastReport = now
        failedSinceReport = 0
    }

    /// Makes what was written durable and closes the file.
    mutating func close() {
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}
