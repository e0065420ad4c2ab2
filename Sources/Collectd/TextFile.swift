internal import Foundation

/// Reads and writes whole files for the loaders, turning I/O failures into errors a person can act on.
enum TextFile {
    static func readBytes(path: String, what: String) throws(CollectdError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CollectdError(code: .fileMissing, message: "\(what) \(path) does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CollectdError(code: .fileRead, message: "cannot read \(what) \(path) (check its permissions)")
        }
        return [UInt8](data)
    }

    static func readString(path: String, what: String) throws(CollectdError) -> String {
        let bytes = try readBytes(path: path, what: what)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ bytes: [UInt8], path: String, what: String) throws(CollectdError) {
        let url = URL(fileURLWithPath: path)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw CollectdError(
                code: .fileWrite,
                message: "cannot write \(what) \(path): \(error.localizedDescription)"
            )
        }
    }

    /// Splits text into lines (LF or CRLF), numbered from 1.
    static func lines(_ text: String) -> [(number: Int, text: Substring)] {
        var result: [(number: Int, text: Substring)] = []
        var number = 0
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var end = newline
            if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
            number += 1
            result.append((number, Substring(utf8[start..<end])))
            start = newline == utf8.endIndex ? newline : utf8.index(after: newline)
        }
        return result
    }
}
