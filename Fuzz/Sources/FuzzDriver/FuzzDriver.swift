import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts libFuzzer from a target's own `main`.
///
/// SwiftPM links an executable with `main` aliased to `<module>_main`, so libFuzzer's own `main` is never linked,
/// even under `-parse-as-library`. Each target therefore keeps a `main.swift` that calls ``run(_:)`` with its
/// `LLVMFuzzerTestOneInput`, and takes libFuzzer's usual flags (`-runs=`, `-max_total_time=`, corpus folders).
public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments and exits with its status.
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}

/// The fuzz input as bytes.
public func inputBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}
