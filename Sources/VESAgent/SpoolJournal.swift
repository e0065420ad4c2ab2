import JSON
import Platform
import VESModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The send queue's copy on disk, written ahead: each queued event is appended (one JSON line) before it can be
/// sent, and a small counter file says how many lines from the front have left the queue (sent, refused or
/// dropped). An agent that is killed, or crashes, loses nothing: the next start sends what the counter has not
/// passed (at worst an event the listener already had is sent again). A graceful stop compacts the file to what is
/// left; a queue that empties truncates it.
struct SpoolJournal {
    let path: String
    private let counterPath: String
    private var descriptor: Int32
    private var counterDescriptor: Int32
    /// Lines in the journal, and how many of them have left the queue.
    private var lines = 0
    private var done = 0

    /// The journal's file in a spool directory.
    static func path(in directory: String) -> String { directory + "/ves-agent.spool.jsonl" }

    /// Reads what an earlier run left: the journal's lines past its counter, as events.
    static func recover(directory: String) throws(AgentError) -> [BuiltEvent] {
        let path = path(in: directory)
        guard access(path, F_OK) == 0 else { return [] }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw AgentError(code: .spool, message: "cannot read the spool \(path): \(error.message)")
        }
        let skip =
            (try? FileBytes.read(counterPath(of: path)))
            .flatMap { Int(String(decoding: $0, as: UTF8.self).split(separator: "\n").first ?? "") } ?? 0
        var events: [BuiltEvent] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")).dropFirst(skip) where !line.isEmpty {
            guard let event = try? JSONParser().parse(Array(line)), let header = event["commonEventHeader"] else {
                continue
            }
            events.append(
                BuiltEvent(
                    domain: header["domain"]?.stringValue ?? "",
                    eventId: header["eventId"]?.stringValue ?? "",
                    reportingEntityName: header["reportingEntityName"]?.stringValue ?? "",
                    eventJSON: String(decoding: line, as: UTF8.self)
                )
            )
        }
        return events
    }

    /// Opens the journal holding exactly `queued` (what is in the queue now), replacing what was there.
    init(directory: String, queued: [BuiltEvent]) throws(AgentError) {
        path = Self.path(in: directory)
        counterPath = Self.counterPath(of: path)
        descriptor = -1
        counterDescriptor = open(counterPath, O_RDWR | O_CREAT, 0o644)
        guard counterDescriptor >= 0 else {
            throw AgentError(code: .spool, message: "cannot open \(counterPath): \(String(cString: strerror(errno)))")
        }
        try rewrite(queued)
    }

    private static func counterPath(of path: String) -> String { path + ".sent" }

    /// Appends events to the journal, on disk before they can be sent.
    mutating func append(_ events: [BuiltEvent]) throws(AgentError) {
        guard !events.isEmpty else { return }
        var bytes: [UInt8] = []
        for event in events {
            bytes.append(contentsOf: event.eventJSON.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        try writeAll(bytes, to: descriptor)
        _ = fdatasync(descriptor)
        lines += events.count
    }

    /// Counts `count` events from the front as gone from the queue; an empty queue empties the journal.
    mutating func advance(_ count: Int) {
        guard count > 0 else { return }
        done = min(lines, done + count)
        if done == lines {
            _ = ftruncate(descriptor, 0)
            lines = 0
            done = 0
        }
        writeCounter()
    }

    /// Replaces the journal with `events` (atomically: a new file renamed over the old one).
    mutating func rewrite(_ events: [BuiltEvent]) throws(AgentError) {
        let temporary = path + ".tmp"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0 else {
            throw AgentError(code: .spool, message: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var bytes: [UInt8] = []
        for event in events {
            bytes.append(contentsOf: event.eventJSON.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        do {
            try writeAll(bytes, to: file)
        } catch {
            close(file)
            throw error
        }
        _ = fsync(file)
        close(file)
        guard rename(temporary, path) == 0 else {
            throw AgentError(code: .spool, message: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else {
            throw AgentError(code: .spool, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        lines = events.count
        done = 0
        writeCounter()
    }

    func closeFiles() {
        if descriptor >= 0 { _ = close(descriptor) }
        if counterDescriptor >= 0 { _ = close(counterDescriptor) }
    }

    private func writeCounter() {
        let text = Array((String(done) + "\n").utf8)
        _ = ftruncate(counterDescriptor, 0)
        _ = text.withUnsafeBytes { pwrite(counterDescriptor, $0.baseAddress, $0.count, 0) }
    }

    private func writeAll(_ bytes: [UInt8], to file: Int32) throws(AgentError) {
        if let reason = FileBytes.writeAll(bytes, to: file) {
            throw AgentError(code: .spool, message: "cannot write \(path): \(reason)")
        }
    }
}
