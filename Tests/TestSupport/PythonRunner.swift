public import Foundation

/// Runs `python3` (found on PATH) and collects what it prints. It blocks until python exits: call it through
/// `offCooperativePool`.
public enum PythonRunner {
    public struct Run: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Nil when python3 is not on PATH or cannot start.
    public static func run(_ arguments: [String], input: Data, workingDirectory: String? = nil) -> Run? {
        guard let executable else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return nil
        }
        // Drain both pipes while writing, so a chatty child cannot block on a full pipe.
        let outputBox = DataBox()
        let errorBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outputBox), (stderr, errorBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: String(decoding: outputBox.data, as: UTF8.self),
            errors: String(decoding: errorBox.data, as: UTF8.self)
        )
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
