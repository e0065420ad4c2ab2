#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read, in the C library's words.
public struct FileReadError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Whole-file reads with the C library, so loading a schema needs no Foundation.
public enum FileBytes {
    public static func read(_ path: String) throws(FileReadError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw FileReadError(message: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                fread(buffer.baseAddress, 1, buffer.count, file)
            }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            }
            if count < chunk.count {
                if ferror(file) != 0 {
                    throw FileReadError(message: String(cString: strerror(errno)))
                }
                return bytes
            }
        }
    }
}
