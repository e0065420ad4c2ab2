#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a message to standard error (file descriptor 2, not stdio's shared `stderr`).
func complain(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    complain("usage: fuzz-seeds FIXTURES_DIR OUT_DIR\nwrites a seed corpus per fuzz target from the fixtures")
    exit(64)
}
do {
    let counts = try SeedWriter(fixtures: arguments[1], output: arguments[2]).writeAll()
    for (target, count) in counts { print("\(target): \(count) seeds") }
} catch {
    complain("fuzz-seeds: \(error)")
    exit(1)
}
