import Platform

/// What a UDP receiver on this machine has queued and dropped, read from the kernel's socket table
/// (`/proc/net/udp` and `/proc/net/udp6`): the only word a UDP sender can get from its receiver.
///
/// `ves-replay --speed max` to a loopback port would otherwise outrun any receiver and lose datagrams in its
/// socket buffer; with this it waits while the receiver's queue is full, and it can say how many the receiver
/// dropped.
struct ReceiverBacklog: Sendable {
    let port: Int
    let tables: [String]

    struct Reading: Sendable, Equatable {
        /// Bytes in the receive queues of the sockets bound to the port (the kernel's count, headers included).
        var queuedBytes: Int
        /// Datagrams those sockets dropped since they were opened.
        var drops: Int
    }

    /// nil unless `host` is this machine's loopback and the kernel's table can be read.
    init?(host: String, port: Int, tables: [String] = ["/proc/net/udp", "/proc/net/udp6"]) {
        guard Self.isLoopback(host), (1...65535).contains(port) else { return nil }
        self.port = port
        self.tables = tables
        guard read() != nil else { return nil }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The sockets bound to the port, summed; nil when no table could be read.
    func read() -> Reading? {
        var reading = Reading(queuedBytes: 0, drops: 0)
        var readAny = false
        for table in tables {
            guard let bytes = try? FileBytes.read(table) else { continue }
            readAny = true
            Self.add(bytes, port: port, to: &reading)
        }
        return readAny ? reading : nil
    }

    /// Adds the lines of one table whose local port is `port`. A line reads
    /// `sl local_address rem_address st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ref pointer drops`,
    /// addresses as `HEXADDRESS:HEXPORT`, the queues in hex, drops in decimal.
    static func add(_ table: [UInt8], port: Int, to reading: inout Reading) {
        for line in table.split(separator: 0x0A).dropFirst() {
            let fields = line.split(separator: 0x20)
            guard fields.count >= 13, let colon = fields[1].lastIndex(of: 0x3A),
                let localPort = Int(hex: fields[1][(colon + 1)...]), localPort == port,
                let queueColon = fields[4].firstIndex(of: 0x3A),
                let queued = Int(hex: fields[4][(queueColon + 1)...]),
                let drops = Int(decimal: fields[12])
            else { continue }
            reading.queuedBytes += queued
            reading.drops += drops
        }
    }
}

extension Int {
    /// Reads 1 to 16 hex digits; nil for anything else.
    fileprivate init?(hex digits: ArraySlice<UInt8>) {
        guard (1...16).contains(digits.count) else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            switch digit {
            case 0x30...0x39: value = value << 4 | UInt64(digit - 0x30)
            case 0x41...0x46: value = value << 4 | UInt64(digit - 0x41 + 10)
            case 0x61...0x66: value = value << 4 | UInt64(digit - 0x61 + 10)
            default: return nil
            }
        }
        guard value <= UInt64(Int.max) else { return nil }
        self = Int(value)
    }

    /// Reads 1 to 18 decimal digits; nil for anything else.
    fileprivate init?(decimal digits: ArraySlice<UInt8>) {
        guard (1...18).contains(digits.count) else { return nil }
        var value = 0
        for digit in digits {
            guard (0x30...0x39).contains(digit) else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        self = value
    }
}

/// Holds a sender back while its loopback receiver's queue is above a limit. The receiver's buffer size cannot be
/// read, so the limit is found: it halves whenever the receiver drops (and never grows past that again) and
/// doubles after a run of readings without drops, so a small buffer is paced and a large one is read seldom.
struct ReceiverPacing: Sendable {
    let backlog: ReceiverBacklog
    /// Queued bytes above which sending waits.
    private(set) var limit: Int
    /// The most the limit may grow to: lowered to where drops were seen.
    private var ceiling = Self.largestLimit
    private var readingsWithoutDrops = 0
    /// Bytes sent since the queue was last read (each datagram counted with the kernel's overhead).
    private var sentSinceReading = 0
    private var lastDrops: Int
    /// Drops seen while sending.
    private(set) var drops = 0
    /// True once the receiver's queue stayed full without going down for `stallLimit`; from then on nothing waits.
    private(set) var gaveUp = false

    static let startLimit = 256 << 10
    static let smallestLimit = 16 << 10
    static let largestLimit = 4 << 20
    /// Readings without drops before the limit doubles.
    static let readingsBeforeGrowth = 64
    /// What the kernel counts for a datagram beyond its payload (buffer and header overhead, near enough).
    static let overheadPerDatagram = 1024
    static let pause = Duration.microseconds(200)
    static let stallLimit = Duration.seconds(5)

    init(backlog: ReceiverBacklog) {
        self.backlog = backlog
        self.limit = Self.startLimit
        self.lastDrops = backlog.read()?.drops ?? 0
    }

    /// Called after each datagram sent; reads the queue every quarter of the limit, and waits while it is full.
    mutating func sent(payloadBytes: Int) async throws {
        guard !gaveUp else { return }
        sentSinceReading += payloadBytes + Self.overheadPerDatagram
        guard sentSinceReading >= limit / 4 else { return }
        sentSinceReading = 0
        let clock = ContinuousClock()
        // since when the queue has not gone down
        var stalledSince = clock.now
        var lastQueued = Int.max
        while let reading = backlog.read() {
            let dropped = reading.drops > lastDrops
            if dropped {
                drops += reading.drops - lastDrops
                limit = max(Self.smallestLimit, limit / 2)
                ceiling = limit
                readingsWithoutDrops = 0
            }
            lastDrops = reading.drops
            guard reading.queuedBytes > limit else {
                // only a receiver keeping up earns a larger limit, not one the sender is waiting for
                if !dropped {
                    readingsWithoutDrops += 1
                    if readingsWithoutDrops >= Self.readingsBeforeGrowth {
                        limit = min(ceiling, limit * 2)
                        readingsWithoutDrops = 0
                    }
                }
                return
            }
            if reading.queuedBytes < lastQueued { stalledSince = clock.now }
            lastQueued = reading.queuedBytes
            if clock.now - stalledSince > Self.stallLimit {
                gaveUp = true
                return
            }
            try await Task.sleep(for: Self.pause)
        }
    }

    /// Reads the drops once more at the end (the receiver may still be draining what was queued).
    mutating func finish() {
        if let reading = backlog.read(), reading.drops > lastDrops {
            drops += reading.drops - lastDrops
            lastDrops = reading.drops
        }
    }
}
