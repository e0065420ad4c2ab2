import DequeModule
import JSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What an earlier run left in the spool, read back at start.
struct SpoolRecovery {
    /// The journal's lines past its counter, as events, oldest first (at most the capacity asked for).
    var events: [BuiltEvent] = []
    /// A last line without its newline: an append cut short by a crash (never sent, since sending waits for the
    /// append).
    var partialLines = 0
    /// Lines that are not an event (corruption, or longer than ``SpoolJournal/maximumLineBytes``).
    var unreadableLines = 0
    /// Events past the capacity, oldest first, as a full queue drops them.
    var droppedOverCapacity = 0
    /// The counter file held something other than a count of lines (all lines are then sent again).
    var counterUnreadable = false

    /// Reads the journal in `directory` line by line, keeping at most `capacity` events, so a large or hostile file
    /// costs bounded memory. A missing journal is an empty one.
    static func load(directory: String, capacity: Int) throws(AgentError) -> SpoolRecovery {
        var recovery = SpoolRecovery()
        let path = SpoolJournal.path(in: directory)
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else {
            if errno == ENOENT { return recovery }
            throw AgentError(code: .spool, message: "cannot read the spool \(path): \(SpoolJournal.reason(errno))")
        }
        defer { _ = close(file) }
        let (skip, readable) = counter(at: SpoolJournal.counterPath(of: path))
        recovery.counterUnreadable = !readable
        var kept = Deque<BuiltEvent>()
        var line: [UInt8] = []
        var lineTooLong = false
        var index = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        func finishLine() {
            defer {
                line.removeAll(keepingCapacity: true)
                lineTooLong = false
                index += 1
            }
            guard index >= skip else { return }
            guard !lineTooLong, let event = event(line) else {
                recovery.unreadableLines += 1
                return
            }
            kept.append(event)
            if kept.count > max(capacity, 0) {
                kept.removeFirst()
                recovery.droppedOverCapacity += 1
            }
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AgentError(code: .spool, message: "cannot read the spool \(path): \(SpoolJournal.reason(errno))")
            }
            if count == 0 { break }
            var start = 0
            while start < count {
                let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n"))
                let end = newline ?? count
                if !lineTooLong {
                    if line.count + (end - start) > SpoolJournal.maximumLineBytes {
                        lineTooLong = true
                        line.removeAll()
                    } else {
                        line.append(contentsOf: chunk[start..<end])
                    }
                }
                guard newline != nil else { break }
                finishLine()
                start = end + 1
            }
        }
        if !line.isEmpty || lineTooLong {
            // no newline at the end: an append the crash cut short
            if index >= skip { recovery.partialLines += 1 }
        }
        recovery.events = Array(kept)
        return recovery
    }

    /// The counter's value and whether it was readable; anything but a count of lines (garbage, a negative
    /// number, a number too large) reads as 0, so every line is sent again instead of the start trapping or
    /// skipping events.
    static func counter(at path: String) -> (skip: Int, readable: Bool) {
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return (0, errno == ENOENT) }
        defer { _ = close(file) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        guard count > 0 else { return (0, count == 0) }
        let text = bytes[..<count].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first ?? []
        guard !text.isEmpty, text.count <= 20, text.allSatisfy({ (48...57).contains($0) }),
            let value = Int(String(decoding: text, as: UTF8.self))
        else { return (0, false) }
        return (max(0, value), true)
    }

    private static func event(_ line: [UInt8]) -> BuiltEvent? {
        guard !line.isEmpty, let event = try? JSONParser().parse(line), let header = event["commonEventHeader"] else {
            return nil
        }
        return BuiltEvent(
            domain: header["domain"]?.stringValue ?? "",
            eventId: header["eventId"]?.stringValue ?? "",
            reportingEntityName: header["reportingEntityName"]?.stringValue ?? "",
            sourceName: header["sourceName"]?.stringValue ?? "",
            eventJSON: String(decoding: line, as: UTF8.self)
        )
    }
}
