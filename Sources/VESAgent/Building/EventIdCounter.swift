public import Logging
import Platform
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// eventIds that do not repeat after a restart. The numbered ids (VES 1.1's `1`, `2`, ..., a mapping file's
/// `{system.id}`) come from one counter; with a spool directory the counter is kept in it, reserved a block ahead
/// (written and synced before an id of the block is used), so the next run goes on after every id the last one may
/// have sent, also after a crash (leaving a gap of less than a block). The 5.4.1 and 7.2.1 ids are counted per
/// source (`measurement000001`) and start again each run, so a run other than the spool's first puts the run's
/// tag before them (`r2-measurement000001`); without a spool directory the tag is the start time in milliseconds
/// (`t1796000000123-measurement000001`) and the numbered ids start at 1 each run, as the reference plugin's did.
public final class EventIdCounter: Sendable {
    private struct State {
        /// The next number to issue.
        var next: UInt64
        /// Numbers below this may have been issued by this run or an earlier one (what the file holds).
        var reserved: UInt64
    }

    /// Numbers reserved per write of the file.
    static let block: UInt64 = 1000
    /// The file in a spool directory.
    static func path(in directory: String) -> String { directory + "/ves-agent.eventids" }

    private let state: Mutex<State>
    private let file: String?
    /// Starts with this spool directory, this one included.
    private let run: UInt64
    private let logger: Logger?
    /// Put before the per-source ids of 5.4.1 and 7.2.1; nil on a fresh start (the ids then are the plain ones).
    let runTag: String?

    /// A counter from 1 kept in memory only, with no tag: what a fresh start without a spool directory numbers.
    public init() {
        state = Mutex(State(next: 1, reserved: .max))
        file = nil
        run = 1
        logger = nil
        runTag = nil
    }

    private init(next: UInt64, reserved: UInt64, file: String?, run: UInt64, runTag: String?, logger: Logger) {
        state = Mutex(State(next: next, reserved: reserved))
        self.file = file
        self.run = run
        self.logger = logger
        self.runTag = runTag
    }

    /// The counter of one run of the agent: read from (and reserved in) `spoolDirectory`, or in memory with a tag
    /// from `startSeconds` when there is none. Fails when the file is there but cannot be read or written.
    public static func forRun(spoolDirectory: String?, startSeconds: Double, logger: Logger) throws(AgentError)
        -> EventIdCounter
    {
        guard let spoolDirectory else {
            // a time before 1970 or past year 33658 is not a start time: 0 then
            let milliseconds = startSeconds > 0 && startSeconds < 1e12 ? UInt64(startSeconds * 1000) : 0
            return EventIdCounter(
                next: 1,
                reserved: .max,
                file: nil,
                run: 1,
                runTag: "t" + String(milliseconds),
                logger: logger
            )
        }
        let path = path(in: spoolDirectory)
        let stored = try storedState(path)
        let (run, runOverflow) = (stored?.run ?? 0).addingReportingOverflow(1)
        let next = stored?.next ?? 1
        let (reserved, overflow) = next.addingReportingOverflow(block)
        let counter = EventIdCounter(
            next: next,
            reserved: overflow ? .max : reserved,
            file: path,
            run: runOverflow ? .max : run,
            runTag: run == 1 ? nil : "r" + String(run),
            logger: logger
        )
        if let failure = counter.writeFile(next: overflow ? .max : reserved) {
            throw AgentError(code: .spool, message: "cannot write \(path): \(failure)")
        }
        return counter
    }

    /// The next number.
    func take() -> UInt64 {
        state.withLock { state in
            let number = state.next
            state.next = number == .max ? number : number + 1
            reserve(through: number, state: &state)
            return number
        }
    }

    /// The last number issued (0 before the first): where a mapping file's own counter goes on from.
    var lastIssued: UInt64 { state.withLock { $0.next - 1 } }

    /// Numbers up to `last` were issued by a mapping file's counter.
    func issued(through last: UInt64) {
        state.withLock { state in
            guard last >= state.next else { return }
            state.next = last == .max ? last : last + 1
            reserve(through: last, state: &state)
        }
    }

    /// `id` with the run's tag before it, for ids counted per source.
    func tagged(_ id: String) -> String {
        guard let runTag else { return id }
        return runTag + "-" + id
    }

    /// Extends the reservation on disk before `number` can be used; a failure is logged (ids of this block may
    /// then repeat after a restart) and tried again a block later.
    private func reserve(through number: UInt64, state: inout State) {
        guard number >= state.reserved, let file else { return }
        let (sum, overflow) = number.addingReportingOverflow(Self.block)
        state.reserved = overflow ? .max : sum
        if let failure = writeFile(next: state.reserved) {
            logger?.error(
                "cannot reserve eventIds in \(file): \(failure); ids up to \(state.reserved) may repeat after a restart"
            )
        }
    }

    // MARK: File

    /// `next N` and `run R` lines; nil when there is no file.
    private static func storedState(_ path: String) throws(AgentError) -> (next: UInt64, run: UInt64)? {
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else {
            if errno == ENOENT { return nil }
            throw AgentError(code: .spool, message: "cannot read \(path): \(SpoolJournal.reason(errno))")
        }
        defer { _ = close(file) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        var values: [String: UInt64] = [:]
        for line in bytes[..<max(0, count)].split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: " "))
            guard parts.count == 2, let value = UInt64(String(decoding: parts[1], as: UTF8.self)) else { continue }
            values[String(decoding: parts[0], as: UTF8.self)] = value
        }
        guard let next = values["next"], next >= 1, let run = values["run"] else {
            throw AgentError(
                code: .spool,
                message: "\(path) does not hold the eventId counter ('next N' and 'run R' lines); remove it to "
                    + "number eventIds from 1 again (ids of earlier runs may then repeat)"
            )
        }
        return (next, run)
    }

    /// Writes the file whole (a new file renamed over it, synced); nil on success, else why not.
    private func writeFile(next: UInt64) -> String? {
        guard let path = file else { return nil }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let text = Array("next \(next)\nrun \(run)\n".utf8)
        let temporary = path + ".tmp"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { return SpoolJournal.reason(errno) }
        if let failure = FileBytes.writeAll(text, to: file) {
            _ = close(file)
            return failure
        }
        guard fsync(file) == 0 else {
            let failure = SpoolJournal.reason(errno)
            _ = close(file)
            return failure
        }
        _ = close(file)
        guard rename(temporary, path) == 0 else { return SpoolJournal.reason(errno) }
        let folder = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return SpoolJournal.reason(errno) }
        defer { _ = close(folder) }
        return fsync(folder) == 0 ? nil : SpoolJournal.reason(errno)
    }
}
