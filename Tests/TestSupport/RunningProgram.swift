public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One of this package's executables started for a test, its stdout read line by line. Blocking reads and waits
/// run off the cooperative pool, so in-process servers keep running meanwhile.
///
/// The pipes are read with `read(2)`, going on after interruptions (a signal sent to the child can interrupt
/// the parent's read too), and stderr is drained on a thread of its own, so a chatty child never blocks on a full
/// pipe while the test waits for its stdout.
public final class RunningProgram: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    /// stdout read but not yet handed out as lines; touched only by the one blocking reader at a time.
    private var buffer: [UInt8] = []
    private let errorText = Mutex<[UInt8]>([])
    private let errorsDrained = DispatchSemaphore(value: 0)

    /// The built executable `name`: beside the test bundle, else in `.build/debug`.
    public static func binary(_ name: String) -> URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: SharedMaterial.packageRoot).appendingPathComponent(".build/debug/\(name)")
    }

    /// Starts `name` with `arguments`; `environment` adds to (or replaces) the test's own variables.
    public init(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.binary(name)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let descriptor = errors.fileHandleForReading.fileDescriptor
        let thread = Thread { [self] in
            while let chunk = Self.readChunk(descriptor) {
                errorText.withLock { $0 += chunk }
            }
            errorsDrained.signal()
        }
        thread.start()
    }

    /// The next line of stdout, nil at its end.
    public func readLine() async throws -> String? {
        try await offCooperativePool { self.readLineBlocking() }
    }

    /// Reads stdout and stderr to their end and waits for the exit status.
    public func finish() async throws -> (status: Int32, rest: String, errors: String) {
        try await offCooperativePool { self.finishBlocking() }
    }

    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Up to 64 KiB from `descriptor`; nil at the end of the pipe (or on an error other than an interruption).
    private static func readChunk(_ descriptor: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Array(chunk[..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private func readLineBlocking() -> String? {
        let descriptor = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            guard let chunk = Self.readChunk(descriptor) else { return nil }
            buffer += chunk
        }
    }

    private func finishBlocking() -> (status: Int32, rest: String, errors: String) {
        let descriptor = output.fileHandleForReading.fileDescriptor
        while let chunk = Self.readChunk(descriptor) {
            buffer += chunk
        }
        errorsDrained.wait()
        process.waitUntilExit()
        let rest = String(decoding: buffer, as: UTF8.self)
        buffer = []
        return (process.terminationStatus, rest, String(decoding: errorText.withLock { $0 }, as: UTF8.self))
    }
}
