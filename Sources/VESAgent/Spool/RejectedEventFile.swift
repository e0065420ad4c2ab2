import JSON
import Platform

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where events the listener refused for good (too large alone, or invalid) are kept, so an operator can see and
/// resend them: JSON Lines, one `{"rejectedAt": ..., "status": ..., "answer": ..., "event": {...}}` per event, in
/// `SpoolDirectory/rejected/ves-agent.rejected.jsonl`, or without a spool directory in
/// `$TMPDIR/ves-agent-UID/rejected/` (`/tmp` when TMPDIR is unset; a folder of the agent's user, mode 0700). The
/// file stops growing at ``maximumBytes``; later rejections are still counted and logged.
struct RejectedEventFile: Sendable {
    let directory: String
    /// Folders the agent creates for the file (without a spool directory); each must be the agent's own.
    private let ownFolders: [String]

    static let fileName = "ves-agent.rejected.jsonl"
    static let maximumBytes: Int64 = 64 * 1024 * 1024
    /// The answer's body is kept up to this many bytes.
    static let answerBytes = 4096

    init(spoolDirectory: String?) {
        if let spoolDirectory {
            directory = spoolDirectory + "/rejected"
            ownFolders = [directory]
        } else {
            let temporary = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            let base = temporary + "/ves-agent-" + String(getuid())
            directory = base + "/rejected"
            ownFolders = [base, directory]
        }
    }

    var path: String { directory + "/" + Self.fileName }

    /// Appends the events with the answer that refused them; nil when written, else why not.
    func write(_ events: [BuiltEvent], status: Int, answer: [UInt8]) -> String? {
        for folder in ownFolders {
            if let failure = Self.ownFolder(folder) { return failure }
        }
        let file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { return "cannot open \(path): \(SpoolJournal.reason(errno))" }
        defer { _ = close(file) }
        guard let size = FileStatus.size(of: file) else {
            return "cannot read \(path): \(SpoolJournal.reason(errno))"
        }
        guard size < Self.maximumBytes else {
            return "\(path) has reached \(Self.maximumBytes / 1024 / 1024) MiB; move it away to keep more"
        }
        let answerText = String(decoding: answer.prefix(Self.answerBytes), as: UTF8.self)
        let time = PythonJSON.dumps(.string(RFC3339.now()))
        var bytes: [UInt8] = []
        for event in events {
            let line =
                "{\"rejectedAt\": \(time), \"status\": \(status), \"answer\": "
                + PythonJSON.dumps(.string(answerText)) + ", \"event\": " + event.eventJSON + "}\n"
            bytes += line.utf8
        }
        if let failure = FileBytes.writeAll(bytes, to: file) { return "cannot write \(path): \(failure)" }
        return nil
    }

    /// Creates `folder` (mode 0700) unless it is there; it must be a real folder, not a link.
    private static func ownFolder(_ folder: String) -> String? {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            return "cannot create \(folder): \(SpoolJournal.reason(errno))"
        }
        switch FileStatus.folder(folder) {
        case .ownFolder: return nil
        case .notFolder: return "\(folder) is not a folder"
        case .otherOwner: return "\(folder) belongs to another user"
        case .unreadable(let number): return "cannot read \(folder): \(SpoolJournal.reason(number))"
        }
    }
}
