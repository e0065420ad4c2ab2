#if canImport(Glibc)
    import Glibc
#endif

/// Gives freed heap pages back to the system. glibc keeps freed memory for reuse, so a burst (10,000 events
/// built in one tick, a trace decoded at once) would otherwise stay resident after the events are sent.
public enum MemoryRelease {
    #if canImport(Glibc)
        private typealias Trim = @convention(c) (Int) -> Int32
        // malloc_trim is in glibc but not in Swift's Glibc module: look it up once.
        private static let trim: Trim? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: Trim.self)
        }()
    #endif

    /// Returns free heap memory to the system; a no-op where the C library has no `malloc_trim`.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
            _ = trim?(0)
        #endif
    }
}
