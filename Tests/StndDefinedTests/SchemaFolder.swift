import Foundation

/// A throwaway folder laid out like ONAP's external schema repository: a `schema-map.json` and the files it
/// names, written from text in the tests.
struct SchemaFolder {
    let path: String

    /// Writes each `relative path: text` pair under a new temporary folder.
    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stnd-\(UUID().uuidString)").path
        for (relative, text) in files {
            let file = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// A `schema-map.json` mapping each public URL to a path under the folder.
    static func map(_ entries: [(publicURL: String, localURL: String)]) -> String {
        let items = entries.map { #"{"publicURL": "\#($0.publicURL)", "localURL": "\#($0.localURL)"}"# }
        return "[\n" + items.joined(separator: ",\n") + "\n]\n"
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
