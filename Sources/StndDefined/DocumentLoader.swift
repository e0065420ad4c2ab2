import JSON
import JSONSchema
import Platform

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the schema files into one document set keyed by absolute path, so `$ref`s between files resolve
/// by path the way they are written (`provMnS.yaml#/...` beside the referring file).
struct DocumentLoader {
    private(set) var documents = SchemaDocuments()
    /// Every path already read or found missing, so a file is looked at once.
    private var attempted: Set<String> = []

    /// The folder as an absolute path with symbolic links resolved.
    static func absoluteFolder(_ folder: String) throws(StndDefinedError) -> String {
        guard let resolved = realpath(folder, nil) else {
            let reason = String(cString: strerror(errno))
            throw StndDefinedError(
                code: .missingMap,
                message: "cannot open the stndDefined schema folder '\(folder)': \(reason); give a folder that "
                    + "holds ONAP's schema-map.json"
            )
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func readMap(_ path: String, folder: String) throws(StndDefinedError) -> [UInt8] {
        do {
            return try FileBytes.read(path)
        } catch {
            throw StndDefinedError(
                code: .missingMap,
                message: "cannot read \(path) (\(error.message)); the folder '\(folder)' must hold ONAP's "
                    + "schema-map.json, a list of publicURL/localURL pairs"
            )
        }
    }

    /// Reads and converts the file at `key` unless it is loaded already; `reason` says why it is wanted.
    mutating func load(_ key: String, because reason: String) throws(StndDefinedError) {
        guard documents[key] == nil else { return }
        attempted.insert(key)
        guard documents.count < StndDefinedSchemas.maxDocuments else {
            throw StndDefinedError(
                code: .tooLarge,
                message: "more than \(StndDefinedSchemas.maxDocuments) schema files; \(key) is \(reason)"
            )
        }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(key)
        } catch {
            throw StndDefinedError(code: .unreadableFile, message: "cannot read \(key), \(reason): \(error.message)")
        }
        documents[key] = try YAMLReader.read(bytes, path: key)
    }

    /// Loads the files the loaded documents' `$ref`s name, and theirs in turn. A file that is not there is
    /// skipped: only a schema that reaches it fails, and it says so when it is used.
    mutating func loadReferencedDocuments() throws(StndDefinedError) {
        var pending = documents.keys
        while let key = pending.popLast() {
            guard let document = documents[key] else { continue }
            for reference in SchemaDocuments.references(in: document) {
                let target = SchemaDocuments.resolve(reference, against: key).document
                guard target.hasPrefix("/"), !attempted.contains(target) else { continue }
                attempted.insert(target)
                guard access(target, F_OK) == 0 else { continue }
                try load(target, because: "named by a $ref in \(key)")
                pending.append(target)
            }
        }
    }
}
