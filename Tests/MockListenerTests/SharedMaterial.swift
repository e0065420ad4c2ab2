import Foundation

/// Finds `../shared` (reference material kept outside the project) and the package root.
enum SharedMaterial {
    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["VES_SHARED_DIR"] { return URL(fileURLWithPath: path) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static func schema(_ name: String) -> String {
        root.appendingPathComponent("ves/schemas").appendingPathComponent(name).path
    }
}
