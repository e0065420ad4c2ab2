#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file read a piece at a time, so an input larger than memory can still be walked from start to end.
public final class ChunkedFile {
    private let file: UnsafeMutablePointer<FILE>
    /// The file's size when it was opened, in bytes.
    public let size: Int
    /// Bytes handed out so far.
    public private(set) var bytesRead = 0

    public init(path: String) throws(FileReadError) {
        guard let file = fopen(path, "rb") else {
            throw FileReadError(message: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fileno(file), &info) == 0 else {
            let reason = String(cString: strerror(errno))
            fclose(file)
            throw FileReadError(message: reason)
        }
        self.file = file
        self.size = Int(info.st_size)
    }

    deinit { fclose(file) }

    /// Appends up to `count` bytes to `buffer`; returns how many it appended, 0 at the end of the file.
    public func read(upTo count: Int, into buffer: inout [UInt8]) throws(FileReadError) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: max(0, count)))
        let got = buffer.withUnsafeMutableBytes { bytes in
            fread(bytes.baseAddress! + start, 1, max(0, count), file)
        }
        buffer.removeLast(max(0, count) - got)
        if got < count, ferror(file) != 0 {
            throw FileReadError(message: String(cString: strerror(errno)))
        }
        bytesRead += got
        return got
    }
}
