public import Collectd

/// A trace read from a file.
public struct LoadedTrace: Sendable {
    public var path: String
    public var format: TraceFormat
    public var entries: [TraceEntry]

    public init(path: String, format: TraceFormat, entries: [TraceEntry]) {
        self.path = path
        self.format = format
        self.entries = entries
    }

    public static func load(path: String, typesDB: TypesDB) throws(ReplayError) -> LoadedTrace {
        do {
            let (format, entries) = try TraceFile.read(path: path, typesDB: typesDB)
            return LoadedTrace(path: path, format: format, entries: entries)
        } catch {
            throw ReplayError(code: .trace, message: error.message)
        }
    }
}

/// A trace to send: loaded whole (fast to walk, and looped from memory), or read from its file as it is sent, so
/// memory stays flat however long the trace is.
public enum ReplayTrace: Sendable {
    case loaded(LoadedTrace)
    case streamed(StreamedTrace)

    /// Traces larger than this are streamed when the choice is left to `ves-replay`: loaded, a trace takes about
    /// 1.4 times its file size in memory.
    public static let streamingThreshold = 128 << 20

    public var path: String {
        switch self {
        case .loaded(let trace): trace.path
        case .streamed(let trace): trace.path
        }
    }
}

/// What the pacing needs to know of traces before sending: how many entries, the first and last times, and the
/// usual interval. Summed the same way over a loaded trace's entries and over a streamed trace's first pass.
public struct TraceSpan: Sendable {
    public private(set) var entryCount = 0
    /// The earliest and latest entry times, nil when no entry has one.
    public private(set) var times: ClosedRange<Double>?
    /// The interval of the first value list that has one.
    public private(set) var typicalInterval: Double?

    init() {}

    mutating func add(_ entry: TraceEntry, decoder: inout NetworkDecoder) {
        entryCount += 1
        if let time = Stepper.time(of: entry, decoder: &decoder) { include(time...time) }
        if typicalInterval == nil { typicalInterval = Stepper.interval(of: entry) }
    }

    /// Adds a span that comes after this one.
    mutating func add(_ other: TraceSpan) {
        entryCount += other.entryCount
        if let times = other.times { include(times) }
        if typicalInterval == nil { typicalInterval = other.typicalInterval }
    }

    private mutating func include(_ range: ClosedRange<Double>) {
        guard let times else {
            self.times = range
            return
        }
        self.times = min(times.lowerBound, range.lowerBound)...max(times.upperBound, range.upperBound)
    }
}

/// A trace file read as it is sent. One pass over it beforehand checks every line and learns its ``TraceSpan``.
public struct StreamedTrace: Sendable {
    public let path: String
    public let format: TraceFormat
    public let span: TraceSpan
    let typesDB: TypesDB
    /// What PUTVAL's `N` stands for, the same on every pass.
    let now: CollectdTime

    /// Reads the whole trace once (checking it as a load would), keeping only its span; with `showProgress`, a bar
    /// or a line every 5 s on stderr says how far it got.
    public static func scan(
        path: String,
        typesDB: TypesDB,
        authFile: AuthFile? = nil,
        showProgress: Bool = false
    ) throws(ReplayError) -> StreamedTrace {
        let now = CollectdTime.now()
        var decoder = NetworkDecoder(securityLevel: .none, authFile: authFile)
        var span = TraceSpan()
        let format: TraceFormat
        do {
            let reader = try TraceReader(path: path, typesDB: typesDB, now: now)
            format = reader.format
            var progress = ProgressReporter(total: reader.progress.size)
            defer { if showProgress { progress.finish() } }
            while let entry = try reader.next() {
                span.add(entry, decoder: &decoder)
                if showProgress {
                    progress.update(done: reader.progress.read, detail: "checking \(path): \(span.entryCount) entries")
                }
            }
        } catch {
            throw ReplayError(code: .trace, message: error.message)
        }
        return StreamedTrace(path: path, format: format, span: span, typesDB: typesDB, now: now)
    }

    /// A reader at the start of the file.
    func open() throws(ReplayError) -> TraceReader {
        do {
            return try TraceReader(path: path, typesDB: typesDB, now: now)
        } catch {
            throw ReplayError(code: .trace, message: error.message)
        }
    }
}

/// One trace's entries in order, with the next one visible before it is taken.
final class TraceCursor {
    private let reader: TraceReader?
    private let entries: [TraceEntry]
    private var index = 0
    private var lookahead: TraceEntry?

    init(_ trace: ReplayTrace) throws(ReplayError) {
        switch trace {
        case .loaded(let loaded):
            reader = nil
            entries = loaded.entries
        case .streamed(let streamed):
            reader = try streamed.open()
            entries = []
        }
    }

    func peek() throws(ReplayError) -> TraceEntry? {
        guard let reader else { return index < entries.count ? entries[index] : nil }
        if lookahead == nil {
            do {
                lookahead = try reader.next()
            } catch {
                throw ReplayError(code: .trace, message: error.message)
            }
        }
        return lookahead
    }

    func take() throws(ReplayError) -> TraceEntry? {
        let entry = try peek()
        if reader == nil {
            if entry != nil { index += 1 }
        } else {
            lookahead = nil
        }
        return entry
    }
}
