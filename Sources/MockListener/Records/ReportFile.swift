import Platform

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a report (the JUnit XML) atomically: into a new file beside it, made durable, then renamed over it, so
/// a reader sees the old report or the whole new one, never half. The new file is created exclusively and without
/// following links (a link planted at the temporary name cannot redirect the write; the rename replaces a link at
/// the report's own path instead of writing through it), with mode 0644: a report is for everyone to read.
enum ReportFile {
    static func write(_ path: String, contents: [UInt8]) throws(ListenerError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw failure(path, String(cString: strerror(errno)))
        }
        var reason = FileBytes.writeAll(contents, to: descriptor)
        if reason == nil, fsync(descriptor) != 0 {
            reason = "fsync: " + String(cString: strerror(errno))
        }
        if close(descriptor) != 0, reason == nil {
            reason = String(cString: strerror(errno))
        }
        if reason == nil, rename(temporary, path) != 0 {
            reason = String(cString: strerror(errno))
        }
        if let reason {
            _ = unlink(temporary)
            throw failure(path, reason)
        }
    }

    private static func failure(_ path: String, _ reason: String) -> ListenerError {
        ListenerError(
            code: .report,
            message: "cannot write '\(path)': \(reason); give --junit a path in a folder you can write"
        )
    }
}
