import Foundation
import Platform
import Synchronization

/// Log lines on their way to a file descriptor (stderr), written by a thread of their own. A caller only appends
/// to a bounded buffer and never waits for the output: when stderr is a pipe nobody reads, the writer blocks, the
/// buffer fills, and further lines are dropped and counted (the count is written once the output moves again)
/// while the listener goes on answering.
public final class LogLineQueue: Sendable {
    /// The process's standard error.
    public static let standardError = LogLineQueue(descriptor: 2)

    /// Lines and bytes held at most while the output is slow.
    static let maxLines = 10_000
    static let maxBytes = 4 * 1024 * 1024

    private struct State {
        var lines: [[UInt8]] = []
        var bytes = 0
        var dropped = 0
        var writing = false
        var writerIdle = false
        var started = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Queues one line (its newline included); drops it, counted, when the buffer is full. Never blocks on the
    /// output.
    public func enqueue(_ line: [UInt8]) {
        let (start, signal) = state.withLock { state -> (Bool, Bool) in
            guard state.lines.count < Self.maxLines, state.bytes + line.count <= Self.maxBytes else {
                state.dropped += 1
                return (false, false)
            }
            state.lines.append(line)
            state.bytes += line.count
            let start = !state.started
            state.started = true
            let signal = state.writerIdle
            state.writerIdle = false
            return (start, signal)
        }
        if start { startWriter() }
        if signal { wakeup.signal() }
    }

    /// Lines dropped so far because the output was not read fast enough.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Waits up to `timeout` for the queued lines to be written (at exit); false when they were not.
    @discardableResult
    public func drain(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let done = state.withLock { !$0.started || ($0.lines.isEmpty && !$0.writing) }
            if done { return true }
            usleep(5_000)
        }
        return false
    }

    private func startWriter() {
        let thread = Thread { [self] in writeForever() }
        thread.name = "log-writer"
        thread.start()
    }

    private func writeForever() {
        while true {
            let taken = state.withLock { state -> (lines: [[UInt8]], dropped: Int)? in
                if state.lines.isEmpty && state.dropped == 0 {
                    state.writerIdle = true
                    state.writing = false
                    return nil
                }
                defer {
                    state.lines = []
                    state.bytes = 0
                    state.dropped = 0
                    state.writing = true
                }
                return (state.lines, state.dropped)
            }
            guard let taken else {
                wakeup.wait()
                continue
            }
            var bytes: [UInt8] = []
            if taken.dropped > 0 {
                bytes += Array(
                    "\(taken.dropped) log lines dropped: the log output was not read fast enough\n".utf8
                )
            }
            for line in taken.lines { bytes += line }
            // a failing output (closed pipe) loses the lines; the listener goes on either way
            _ = FileBytes.writeAll(bytes, to: descriptor)
        }
    }
}
