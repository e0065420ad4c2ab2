public import Foundation

/// One of this package's executables started for a test, its stdout read line by line. Blocking reads and waits
/// run off the cooperative pool, so in-process servers keep running meanwhile.
public final class RunningProgram: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffer: [UInt8] = []

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

    private func readLineBlocking() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
    }

    private func finishBlocking() -> (status: Int32, rest: String, errors: String) {
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            String(decoding: buffer + rest, as: UTF8.self),
            String(decoding: errorText, as: UTF8.self)
        )
    }
}
