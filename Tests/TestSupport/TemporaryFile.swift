import Foundation

/// Files the tests write for the programs to read (configuration, auth files), each under a fresh name.
public enum TemporaryFile {
    /// Writes `text` to a new file in the temporary directory and returns its path.
    public static func write(_ text: String, suffix: String = ".conf") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ves-\(UUID().uuidString)\(suffix)")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
