#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileBytes {
    /// The first line of the file at `path`, without its line end (`\n` or `\r\n`), for files that hold one
    /// secret such as a password. Reading stops at the first line end, so a wrong path such as `/dev/zero` or a
    /// large file costs at most `limit` bytes: a first line longer than that is an error.
    public static func firstLine(_ path: String, limit: Int = 4096) throws(FileReadError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw FileReadError(message: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var line: [UInt8] = []
        while true {
            let character = getc(file)
            if character == EOF {
                if ferror(file) != 0 { throw FileReadError(message: String(cString: strerror(errno))) }
                break
            }
            if character == 0x0A { break }
            guard line.count < limit else {
                throw FileReadError(message: "its first line is longer than \(limit) bytes")
            }
            line.append(UInt8(truncatingIfNeeded: character))
        }
        if line.last == 0x0D { line.removeLast() }
        return line
    }
}
