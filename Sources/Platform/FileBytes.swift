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
        let file = try ChunkedFile(path: path)
        var bytes: [UInt8] = []
        while try file.read(upTo: 64 * 1024, into: &bytes) > 0 {}
        return bytes
    }

    /// The size of the regular file (or link to one) at `path`; nil when there is none.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Whether a regular file (or a link to one) is at `path`.
    public static func exists(_ path: String) -> Bool {
        size(path) != nil
    }

    /// Writes every byte to a file descriptor, going on after short writes and interruptions; returns the C
    /// library's reason when it cannot, nil when all was written.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}
