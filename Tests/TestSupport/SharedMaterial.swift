import Foundation

/// Finds the third-party reference material (`../shared`, read in place, never copied) and this package's own
/// files (`Fixtures/`), wherever the tests run.
///
/// The package root is the first directory above this source file (symlinks resolved) that holds
/// `Package.swift`. The shared directory is `VES_SHARED_DIR` when set and not empty, else the package root's
/// sibling `shared`.
public enum SharedMaterial {
    /// This package's root directory.
    public static let packageRoot: String = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The reference material directory (`../shared` beside the package unless `VES_SHARED_DIR` says otherwise).
    public static let sharedDirectory: String = {
        if let configured = ProcessInfo.processInfo.environment["VES_SHARED_DIR"], !configured.isEmpty {
            return configured
        }
        return URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared")
            .standardizedFileURL.path
    }()

    /// A path inside the shared directory, e.g. `path("collectd/types.db")`.
    public static func path(_ relative: String) -> String {
        sharedDirectory + "/" + relative
    }

    /// A path inside this package's `Fixtures/`, e.g. `fixture("model/measurement-1.3k.json")`.
    public static func fixture(_ relative: String) -> String {
        packageRoot + "/Fixtures/" + relative
    }

    /// The bytes of a file.
    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The text of a file, as UTF-8.
    public static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }
}

extension SharedMaterial {
    /// Whether every one of `relatives` exists in the shared directory.
    public static func has(_ relatives: [String]) -> Bool {
        relatives.allSatisfy { FileManager.default.fileExists(atPath: path($0)) }
    }
}
