public import Logging
import NIOCore
import NIOPosix
public import Platform
import ServiceLifecycle
import UnixSignals

/// The listener as a process runs it, for `ves-listener` and the tests alike: one service group that stops
/// gracefully on SIGTERM or SIGINT (or `stop()`), then the record flushed, the JUnit report written and the
/// outcome a person and a CI job read.
public struct ListenerRunner: Sendable {
    public let listener: EventListener
    private let group: ServiceGroup

    /// - Parameter handlesSignals: false in tests, where `stop()` ends the run instead of SIGTERM/SIGINT.
    public init(
        configuration: ListenerConfiguration,
        logger: Logger,
        handlesSignals: Bool = true
    ) throws(ListenerError) {
        // each request allocates and frees its event: keep freed memory instead of resizing the heaps every time
        HeapSettings.keepFreedMemory()
        listener = try EventListener(configuration: configuration, logger: logger)
        group = ServiceGroup(
            configuration: .init(
                services: [listener],
                gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
    }

    /// Where the listener listens, once bound (the real port when 0 was asked for); nil if it could not bind.
    public var address: ServiceAddress? {
        get async { await listener.address }
    }

    /// Serves until a signal or `stop()`, then finishes the record and the report.
    public func run() async throws(ListenerError) -> ListenerOutcome {
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        let summary = try listener.finish()
        return ListenerOutcome(
            summary: summary,
            failureLines: listener.store.failureLines(),
            nonEventRequests: listener.store.nonEventRequests,
            failure: failure,
            recordPath: listener.configuration.recordPath,
            junitPath: listener.configuration.junitPath
        )
    }

    /// Stops the listener gracefully: no new connections, requests in flight answered.
    public func stop() async {
        await group.triggerGracefulShutdown()
    }
}

/// What a run of the listener ended with.
public struct ListenerOutcome: Sendable {
    public var summary: ListenerSummary
    /// One line per invalid event or rejected request (at most 20).
    public var failureLines: [String]
    /// Requests that were not events (unknown paths, wrong methods, unserved versions): counted, never invalid.
    public var nonEventRequests: Int = 0
    /// Why the listener stopped before it was asked to (a port in use, a certificate that cannot be used).
    public var failure: (any Error)?
    public var recordPath: String?
    public var junitPath: String?

    /// What `ves-listener` prints at exit: the summary, the failures, and where the record and report are.
    public var reportLines: [String] {
        guard failure == nil else { return [summary.description] }
        var lines = [summary.description] + failureLines.map { "  " + $0 }
        if nonEventRequests > 0 {
            lines.append("\(nonEventRequests) requests were not events (see nonEventRequests in /testControl/v1/stats)")
        }
        if let recordPath { lines.append("record: \(recordPath)") }
        if let junitPath { lines.append("junit: \(junitPath)") }
        return lines
    }

    /// 2 when the listener failed, 1 under `strict` when an event was invalid, else 0.
    public func exitStatus(strict: Bool) -> Int32 {
        if failure != nil { return 2 }
        return strict && summary.invalid > 0 ? 1 : 0
    }
}

extension ListenerRunner {
    /// Runs Swift concurrency's tasks on SwiftNIO's event loops, so a request's handler runs on the thread that
    /// read it, with no hop to the global pool and back (a quarter of the listener's CPU per event, see
    /// BENCHMARKS.md). Process-wide, and only once, from the main thread before any task starts: the first thing
    /// `ves-listener`'s `main` does. Returns whether it took effect.
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
