import Foundation
import Testing
import VESModel

/// Finds the third-party reference material (`../shared`) and this package's root, wherever the tests run.
///
/// The shared directory is `VES_SHARED_DIR` when set; otherwise the walk goes up from this source file (with
/// symlinks resolved) to the first directory holding `Package.swift` with a sibling `../shared/DESIGN.md`;
/// failing both, `/work/shared`. The package root is found the same way: the first directory above this file
/// holding `Package.swift` and `Fixtures/`.
enum SharedMaterial {
    /// The directories above this source file, nearest first, with symlinks resolved.
    static let ancestors: [URL] = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        var found: [URL] = []
        while directory.path != "/" {
            found.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        return found
    }()

    static func exists(_ url: URL, _ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(relative).path)
    }

    static let packageRoot: String? = {
        ancestors.first { exists($0, "Package.swift") && exists($0, "Fixtures") }?.path
    }()

    static let sharedDirectory: String = {
        if let configured = ProcessInfo.processInfo.environment["VES_SHARED_DIR"], !configured.isEmpty {
            return configured
        }
        let sibling = ancestors.first { exists($0, "Package.swift") && exists($0, "../shared/DESIGN.md") }
        if let sibling {
            return sibling.deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL.path
        }
        return "/work/shared"
    }()

    /// A path inside the shared directory.
    static func path(_ relative: String) -> String {
        sharedDirectory + "/" + relative
    }

    /// A path inside this package's `Fixtures/model`.
    static func fixture(_ name: String) throws -> String {
        let root = try #require(packageRoot, "cannot find the package root above \(#filePath)")
        return root + "/Fixtures/model/" + name
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return [UInt8](data)
    }

    static func json(_ path: String) throws -> JSONValue {
        try JSONParser().parse(bytes(path))
    }

    static let schemaFiles: [String: String] = [
        "ve-1.1 (att-2016-06)": "ves/schemas/ves-1.1_att-2016-06_event_format_updated.json",
        "27.2": "ves/schemas/CommonEventFormat_27.2.json",
        "28.4.1": "ves/schemas/CommonEventFormat_28.4.1.json",
        "30.2.1": "ves/schemas/CommonEventFormat_30.2.1_ONAP.json",
    ]

    /// The official schema files, compiled once for all tests.
    static let officialValidators: [String: JSONSchemaValidator] = {
        var validators: [String: JSONSchemaValidator] = [:]
        for (key, file) in schemaFiles {
            validators[key] = try? JSONSchemaValidator(contentsOfFile: path(file))
        }
        return validators
    }()

    static func officialValidator(_ key: String) throws -> JSONSchemaValidator {
        try #require(officialValidators[key], "cannot load the schema for \(key) from \(sharedDirectory)")
    }
}
