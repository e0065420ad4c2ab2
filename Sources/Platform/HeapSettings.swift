#if canImport(Glibc)
    import Glibc
#endif

/// glibc's malloc gives memory back to the system as soon as the free top of a heap passes 128 KiB, and serves
/// blocks of 128 KiB or more with mmap. A server that allocates and frees a request's worth of memory thousands of
/// times a second then spends a tenth of its time growing and shrinking its heaps (mprotect, page faults, zeroed
/// pages). Keeping some freed memory for reuse costs a bounded amount of resident memory instead.
public enum HeapSettings {
    #if canImport(Glibc)
        private typealias Option = @convention(c) (Int32, Int32) -> Int32
        // mallopt is in glibc but not in Swift's Glibc module: look it up once.
        private static let option: Option? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
            return unsafeBitCast(symbol, to: Option.self)
        }()
    #endif

    /// Keeps up to `keptBytes` of freed heap before giving it back (a quarter of it as padding when a heap grows),
    /// and takes blocks under 4 MiB from the heap instead of mmap. Process-wide; a no-op without glibc. Returns
    /// whether the C library took the settings.
    @discardableResult
    public static func keepFreedMemory(upTo keptBytes: Int32 = 64 << 20) -> Bool {
        #if canImport(Glibc)
            guard let option, keptBytes > 0 else { return false }
            // M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3 (malloc.h)
            return option(-1, keptBytes) == 1 && option(-2, keptBytes / 4) == 1 && option(-3, 4 << 20) == 1
        #else
            return false
        #endif
    }
}
