import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Test hook, not a setting: `VES_AGENT_FAULT_POINT=NAME` or `NAME@N` (read once, at the first spool step) makes
/// the process kill itself with SIGKILL the Nth time (default the first) it reaches that step of a spool append,
/// advance or rewrite, so a test can prove that a crash at any step loses nothing. Unset, it costs one check.
enum SpoolFaultHook {
    /// The named steps, in the order a journal goes through them.
    enum Point: String, CaseIterable, Sendable {
        /// Half of an append's bytes written (a partial line), then killed.
        case appendPartial = "append.partial"
        /// An append written, before its fdatasync.
        case appendWritten = "append.written"
        /// An append written and synced.
        case appendSynced = "append.synced"
        /// The counter advanced (events sent or dropped).
        case advanceCounter = "advance.counter"
        /// The queue drained: the counter set to 0 and synced, the journal not yet emptied.
        case drainCounter = "drain.counter"
        /// The queue drained and the journal emptied.
        case drainTruncated = "drain.truncated"
        /// A rewrite's new file written and synced, the counter not yet reset.
        case rewriteTemporary = "rewrite.temp"
        /// A rewrite's counter set to 0 and synced, before the rename.
        case rewriteCounter = "rewrite.counter"
        /// A rewrite's file renamed over the journal, before the directory is synced.
        case rewriteRenamed = "rewrite.renamed"
        /// A rewrite complete.
        case rewriteDone = "rewrite.done"
    }

    /// The environment variable the hook is read from.
    static let variable = "VES_AGENT_FAULT_POINT"

    private static let configured: (point: Point, hit: Int)? = {
        guard let value = getenv(variable).map({ String(cString: $0) }), !value.isEmpty else { return nil }
        let parts = value.split(separator: "@", maxSplits: 1).map(String.init)
        guard let point = Point(rawValue: parts[0]) else { return nil }
        let hit = parts.count == 2 ? Int(parts[1]) ?? 1 : 1
        return (point, min(max(hit, 1), 1_000_000))
    }()

    private static let hits = Mutex(0)

    /// Whether this step is the one to die at (counting it).
    static func isDue(_ point: Point) -> Bool {
        guard let configured, configured.point == point else { return false }
        return hits.withLock { hits in
            hits += 1
            return hits == configured.hit
        }
    }

    /// Dies here when this step is the configured one.
    static func reach(_ point: Point) {
        if isDue(point) { die() }
    }

    static func die() {
        _ = kill(getpid(), SIGKILL)
        // SIGKILL cannot be caught; wait for it to land rather than go on
        while true { pause() }
    }
}
