#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of a long run on stderr: a bar redrawn in place on a terminal, a line every few seconds otherwise.
public struct ProgressReporter: Sendable {
    public var total: Int
    public let isTerminal: Bool
    private let clock = ContinuousClock()
    private var lastReport: ContinuousClock.Instant?
    private var drewBar = false

    /// Whether stderr is a terminal (then the bar is drawn in place).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    public init(total: Int, isTerminal: Bool = ProgressReporter.standardErrorIsTerminal) {
        self.total = total
        self.isTerminal = isTerminal
    }

    /// Reports `done` of `total` steps when it is time to.
    public mutating func update(done: Int, detail: @autoclosure () -> String) {
        let now = clock.now
        let every: Duration = isTerminal ? .milliseconds(100) : .seconds(5)
        if let lastReport, now - lastReport < every { return }
        lastReport = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r[\(bar)] \(Int(fraction * 100))% \(detail())\u{1B}[K")
            drewBar = true
        } else {
            write("progress: \(Int(fraction * 100))% \(detail())\n")
        }
    }

    /// Ends the bar's line so what follows starts on its own line.
    public mutating func finish() {
        if drewBar {
            write("\n")
            drewBar = false
        }
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
