import Collectd

/// One step to send: records to pack, or a datagram to send as captured (with its records for counting).
struct ReplayStep {
    var records: [CollectdRecord]
    var rawDatagram: [UInt8]?

    var valueListCount: Int { records.count { if case .values = $0 { true } else { false } } }
    var notificationCount: Int { records.count - valueListCount }
}

/// Walks the traces in order, loop after loop, pacing each step and applying the transform.
struct Stepper {
    let options: ReplayOptions
    let traces: [ReplayTrace]
    let forceDecode: Bool
    private(set) var doneSteps = 0
    private(set) var undecodable = 0
    let totalSteps: Int
    private var pacer: Pacer
    private var decoder: NetworkDecoder
    private var traceIndex = 0
    private var cursor: TraceCursor?
    private var loop = 0
    private var transform: TraceTransform
    private let loopStep: Double

    /// The most records packed into one step.
    static let recordsPerStep = 2000

    init(options: ReplayOptions, traces: [ReplayTrace], forceDecode: Bool = false) {
        self.options = options
        self.traces = traces
        self.forceDecode = forceDecode || options.security != .none
        var probe = NetworkDecoder(securityLevel: .none, authFile: options.authFile)
        var span = TraceSpan()
        for trace in traces {
            switch trace {
            case .loaded(let loaded):
                for entry in loaded.entries { span.add(entry, decoder: &probe) }
            case .streamed(let streamed):
                span.add(streamed.span)
            }
        }
        let (steps, overflow) = span.entryCount.multipliedReportingOverflow(by: max(1, options.loops))
        self.totalSteps = overflow ? .max : steps
        self.pacer = Pacer(speed: options.speed, rate: options.rate)
        self.decoder = NetworkDecoder(securityLevel: .none, authFile: options.authFile)
        self.loopStep = (span.times.map { $0.upperBound - $0.lowerBound } ?? 0) + (span.typicalInterval ?? 10)
        var transform = TraceTransform(renamedHosts: options.renamedHosts)
        if options.shiftTimeToNow, let first = span.times?.lowerBound {
            transform.timeOffset = TraceTransform.offset(startingAt: first, now: CollectdTime.now().seconds)
        }
        self.transform = transform
    }

    var elapsed: Double { pacer.elapsed }

    mutating func next() async throws -> ReplayStep? {
        while traceIndex < traces.count {
            let cursor = try self.cursor ?? TraceCursor(traces[traceIndex])
            self.cursor = cursor
            guard let entry = try cursor.take() else {
                self.cursor = nil
                loop += 1
                if loop >= max(1, options.loops) {
                    loop = 0
                    traceIndex += 1
                }
                continue
            }
            doneSteps += 1
            try Task.checkCancellation()
            let loopOffset = Double(loop) * loopStep
            var (step, recordedTime) = makeStep(entry, loopOffset: loopOffset)
            // Value lists collectd sent at one moment go out together, packed as collectd packs them, instead
            // of a datagram each.
            if step.rawDatagram == nil, let time = recordedTime {
                while step.records.count < Self.recordsPerStep, let next = try cursor.peek(),
                    case .records = next.payload, Self.time(of: next, decoder: &decoder) == time
                {
                    let (more, _) = makeStep(next, loopOffset: loopOffset)
                    step.records += more.records
                    _ = try cursor.take()
                    doneSteps += 1
                }
            }
            try await pacer.waitForTurn(
                traceTime: recordedTime.map { $0 + loopOffset },
                valueLists: step.valueListCount
            )
            if step.records.isEmpty && step.rawDatagram == nil { continue }
            return step
        }
        return nil
    }

    /// The step for an entry, and when the entry was recorded (before any shift).
    private mutating func makeStep(_ entry: TraceEntry, loopOffset: Double) -> (ReplayStep, Double?) {
        var transform = self.transform
        if loopOffset != 0 { transform.timeOffset = (transform.timeOffset ?? 0) + loopOffset }
        let records: [CollectdRecord]
        var raw: [UInt8]?
        switch entry.payload {
        case .records(let decoded):
            records = decoded
        case .datagram(let bytes):
            let (decoded, failure) = decoder.decode(bytes)
            records = decoded
            if transform.isIdentity && !forceDecode {
                raw = bytes
            } else if failure != nil {
                undecodable += 1
            }
        }
        let recordedTime = entry.receiveTime ?? records.first.map { $0.time.seconds }
        let sent = raw != nil || transform.isIdentity ? records : records.map(transform.apply)
        return (ReplayStep(records: sent, rawDatagram: raw), recordedTime)
    }

    /// When an entry happened: its receive time, else its first record's time.
    static func time(of entry: TraceEntry, decoder: inout NetworkDecoder) -> Double? {
        if let receiveTime = entry.receiveTime { return receiveTime }
        switch entry.payload {
        case .records(let records): return records.first.map { $0.time.seconds }
        case .datagram(let bytes): return decoder.decode(bytes).records.first.map { $0.time.seconds }
        }
    }

    /// The interval of the entry's first value list that has one.
    static func interval(of entry: TraceEntry) -> Double? {
        guard case .records(let records) = entry.payload else { return nil }
        for case .values(let list) in records where list.interval.raw > 0 { return list.interval.seconds }
        return nil
    }
}
