#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `fstat`/`lstat` say about a file, for the modules that must check a file before trusting it. Kept here,
/// where no Foundation is imported, so the C `stat` structure is the C library's in every build.
public enum FileStatus {
    /// The size of the open file, or nil with `errno` set.
    public static func size(of descriptor: Int32) -> Int64? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// The size of the file at `path` (a link is followed), or nil when it cannot be read.
    public static func size(atPath path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// What `path` is, without following a link.
    public enum FolderCheck: Equatable, Sendable {
        /// A folder of this process's user.
        case ownFolder
        /// Not a folder (a file, or a link to one).
        case notFolder
        /// A folder of another user.
        case otherOwner
        /// `lstat` failed with this errno.
        case unreadable(Int32)
    }

    /// Whether `path` itself (a link is not followed) is a folder that belongs to this process's user.
    public static func folder(_ path: String) -> FolderCheck {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .unreadable(errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return .notFolder }
        return info.st_uid == getuid() ? .ownFolder : .otherOwner
    }
}
