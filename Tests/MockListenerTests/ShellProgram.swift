import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program started by `/bin/sh -c SCRIPT`, for tests that need what only a shell sets up (a file size limit,
/// an ignored signal) or a stderr that nobody reads. Its stdout is read for the first line only.
final class ShellProgram: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    /// With `unreadStandardError`, the program's stderr: held open and never read, so it fills up.
    private let errors = Pipe()

    init(_ script: String, unreadStandardError: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = output
        process.standardError = unreadStandardError ? errors : FileHandle.nullDevice
        try process.run()
    }

    /// The listener's URL from its first stdout line, `listening on URL`.
    func baseURL() async throws -> String {
        let descriptor = output.fileHandleForReading.fileDescriptor
        let line = try await offCooperativePool { () -> String in
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 || byte == 0x0A { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard line.hasPrefix("listening on ") else {
            throw ShellProgramError(message: "expected 'listening on URL', got '\(line)'")
        }
        return String(line.dropFirst("listening on ".count))
    }

    /// Kills the program and waits for it.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

struct ShellProgramError: Error {
    var message: String
}
