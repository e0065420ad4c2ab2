import JSON
import NIOCore
import Synchronization

/// The web view's live side, one per listener: the pages following the server-sent-event stream and the ticker
/// that tells them what arrived. Intake does nothing for it: the ticker looks at the store four times a second
/// while a page follows, and tells the pages only when something changed.
///
/// Each page has a bounded buffer; a page that does not keep up is dropped (its browser reconnects and reads
/// again). At most ``maxSubscribers`` follow at once, and ``close()`` ends them all so a shutdown does not wait.
final class WebViewHub: Sendable {
    static let maxSubscribers = 32
    /// Messages buffered for one page before it counts as too slow.
    static let bufferedMessages = 64
    static let tick: Duration = .milliseconds(250)
    /// A comment every so many quiet ticks, so a page that went away is noticed.
    static let heartbeatTicks = 60
    /// New rows one message lists at most; the page reads the rest.
    static let rowsPerMessage = 50

    private struct State: Sendable {
        var subscribers: [Int: AsyncStream<ByteBuffer>.Continuation] = [:]
        var nextId = 0
        var closed = false
        var ticker: Task<Void, Never>?
        /// What the pages were last told.
        var told: RecordStore.WebTick?
    }

    let store: RecordStore
    private let state = Mutex(State())
    /// The senders seen and the measurement values read, so the page's lists and charts cost little.
    let catalog: SourceCatalog

    init(store: RecordStore) {
        self.store = store
        self.catalog = SourceCatalog(store: store)
    }

    /// A stream of server-sent-event messages for one page, starting with a `hello` holding the counters; nil
    /// when ``maxSubscribers`` pages follow already or the listener is shutting down.
    func subscribe() -> AsyncStream<ByteBuffer>? {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self,
            bufferingPolicy: .bufferingOldest(Self.bufferedMessages)
        )
        let now = store.webTick
        let id: Int? = state.withLock { state in
            guard !state.closed, state.subscribers.count < Self.maxSubscribers else { return nil }
            state.nextId += 1
            state.subscribers[state.nextId] = continuation
            if state.ticker == nil {
                state.told = now
                state.ticker = Task { await self.runTicker() }
            }
            return state.nextId
        }
        guard let id else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        continuation.yield(ByteBuffer(bytes: Array("retry: 2000\n\n".utf8) + Self.message("hello", now, rows: [])))
        return stream
    }

    /// Pages following now.
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every stream and refuses new ones (at shutdown).
    func close() {
        let (continuations, ticker) = state.withLock { state in
            state.closed = true
            let continuations = Array(state.subscribers.values)
            state.subscribers = [:]
            defer { state.ticker = nil }
            return (continuations, state.ticker)
        }
        ticker?.cancel()
        for continuation in continuations { continuation.finish() }
    }

    private func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func runTicker() async {
        var quietTicks = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.tick)
            let now = store.webTick
            let told: RecordStore.WebTick?? = state.withLock { state in
                guard !state.subscribers.isEmpty, !state.closed else {
                    state.ticker = nil
                    return .none
                }
                defer { state.told = now }
                return .some(state.told)
            }
            guard case .some(let previous) = told else { return }
            if let previous, previous == now {
                quietTicks += 1
                if quietTicks % Self.heartbeatTicks == 0 { broadcast(Array(": keepalive\n\n".utf8)) }
                continue
            }
            quietTicks = 0
            let after = previous?.lastSeq ?? now.lastSeq
            let wanted = min(Self.rowsPerMessage, max(0, now.lastSeq - after))
            let rows = wanted == 0 ? [] : store.newestEntries(before: .max, maxTaken: wanted) { $0.seq > after }.entries
            broadcast(Self.message("update", now, rows: rows))
        }
    }

    /// Hands `bytes` to every page; a page whose buffer is full is dropped.
    private func broadcast(_ bytes: [UInt8]) {
        let buffer = ByteBuffer(bytes: bytes)
        let dropped = state.withLock { state in
            var dropped: [AsyncStream<ByteBuffer>.Continuation] = []
            for (id, continuation) in state.subscribers {
                switch continuation.yield(buffer) {
                case .enqueued: break
                case .dropped, .terminated:
                    dropped.append(continuation)
                    state.subscribers[id] = nil
                @unknown default: break
                }
            }
            return dropped
        }
        // outside the lock: finishing runs the stream's onTermination, which takes it
        for continuation in dropped { continuation.finish() }
    }

    /// `event: NAME` with the counters and the new rows (newest first) as its JSON data.
    static func message(_ name: String, _ tick: RecordStore.WebTick, rows: [RecordStore.Entry]) -> [UInt8] {
        let data = JSONValue.object(
            JSONObject([
                ("lastSeq", .integer(Int64(tick.lastSeq))),
                ("inMemory", .integer(Int64(tick.inMemory))),
                ("oldestSeq", tick.oldestSeq.map { .integer(Int64($0)) } ?? .null),
                ("events", .integer(Int64(tick.events))),
                ("valid", .integer(Int64(tick.valid))),
                ("invalid", .integer(Int64(tick.events - tick.valid))),
                ("lifetimeInvalid", .integer(Int64(tick.lifetimeInvalid))),
                ("rows", .array(rows.map(WebRow.json))),
            ])
        )
        return Array("event: \(name)\ndata: ".utf8) + data.jsonBytes() + Array("\n\n".utf8)
    }
}
