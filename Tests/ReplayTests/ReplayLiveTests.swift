import Collectd
import Foundation
import Logging
import NIOCore
import Replay
import ServiceLifecycle
import TestSupport
import Testing

/// Receives datagrams on 127.0.0.1 port 0 until `count` value lists arrived.
struct CountingReceiver {
    let socket: DatagramSocket
    var port: Int { socket.localAddress.port ?? 0 }

    static func start() async throws -> CountingReceiver {
        CountingReceiver(socket: try await DatagramSocket.receiver(host: "127.0.0.1", port: 0))
    }

    /// Collects datagrams until `valueLists` value lists (and `notifications`) arrived.
    func collect(valueLists: Int, notifications: Int = 0, authFile: AuthFile? = nil) async throws
        -> (datagrams: [[UInt8]], records: [CollectdRecord])
    {
        try await socket.withStreams { inbound, _ in
            var decoder = NetworkDecoder(securityLevel: .none, authFile: authFile)
            var datagrams: [[UInt8]] = []
            var records: [CollectdRecord] = []
            for try await envelope in inbound {
                let bytes = Array(envelope.data.readableBytesView)
                datagrams.append(bytes)
                records += decoder.decode(bytes).records
                let lists = records.count { if case .values = $0 { true } else { false } }
                if lists >= valueLists && records.count - lists >= notifications { break }
            }
            return (datagrams, records)
        }
    }
}

func replay(_ paths: [String], configure: (inout ReplayOptions) -> Void) async throws -> ReplaySummary {
    var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: 9))
    options.speed = nil
    configure(&options)
    let traces = try paths.map { try LoadedTrace.load(path: $0, typesDB: options.typesDB) }
    let session = ReplaySession(traces: traces, options: options, showProgress: false, logger: Logger(label: "test"))
    try await session.run()
    return session.summary
}

func records(of path: String) throws -> [CollectdRecord] {
    try LoadedTrace.load(path: path, typesDB: .systemOrBuiltIn()).entries.flatMap { entry -> [CollectdRecord] in
        guard case .records(let records) = entry.payload else { return [] }
        return records
    }
}

func sortedDescriptions(_ records: [CollectdRecord]) -> [String] {
    records.map { "\($0)" }.sorted()
}

@Suite("ves-replay send, live over loopback UDP")
struct ReplayLiveTests {
    let trace = SharedMaterial.fixture("model/virt-and-host.jsonl")

    @Test("what arrives is what the trace holds, value lists and notifications")
    func sendsTheTrace() async throws {
        let expected = try records(of: trace)
        let receiver = try await CountingReceiver.start()
        async let received = receiver.collect(valueLists: 175, notifications: 1)
        let summary = try await replay([trace]) { $0.target = .udp(host: "127.0.0.1", port: receiver.port) }
        let (datagrams, arrived) = try await received
        #expect(summary.valueLists == 175)
        #expect(summary.notifications == 1)
        #expect(summary.datagrams == datagrams.count)
        #expect(datagrams.allSatisfy { $0.count <= 1452 })
        #expect(sortedDescriptions(arrived) == sortedDescriptions(expected))
    }

    @Test("captured datagrams go out byte for byte; rewritten ones carry shifted times and renamed hosts")
    func rawAndRewritten() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hexTrace = directory.appendingPathComponent("trace.hex").path
        let loaded = try LoadedTrace.load(path: trace, typesDB: .systemOrBuiltIn())
        try TraceFile.write(loaded.entries, format: .hex, to: hexTrace, typesDB: .systemOrBuiltIn())
        let captured = try LoadedTrace.load(path: hexTrace, typesDB: .systemOrBuiltIn()).entries.compactMap { entry in
            if case .datagram(let bytes) = entry.payload { bytes } else { nil }
        }

        let receiver = try await CountingReceiver.start()
        async let received = receiver.collect(valueLists: 175, notifications: 1)
        _ = try await replay([hexTrace]) { $0.target = .udp(host: "127.0.0.1", port: receiver.port) }
        #expect(try await received.datagrams == captured)

        let shifted = try await CountingReceiver.start()
        async let shiftedArrival = shifted.collect(valueLists: 175, notifications: 1)
        let before = CollectdTime.now().seconds
        _ = try await replay([hexTrace]) {
            $0.target = .udp(host: "127.0.0.1", port: shifted.port)
            $0.shiftTimeToNow = true
            $0.renamedHosts = ["compute-0": "compute-9"]
        }
        let after = CollectdTime.now().seconds
        let arrived = try await shiftedArrival.records
        #expect(arrived.allSatisfy { $0.host == "compute-9" })
        let times = arrived.map { $0.time.seconds }
        // the trace starts at the moment the replay began, however long a loaded machine took to get there
        let start = times.min() ?? 0
        #expect(start >= before - 0.001 && start <= after, "start \(start), replay ran from \(before) to \(after)")
        // the gaps are kept: the trace spans 60 s
        #expect(abs((times.max() ?? 0) - (times.min() ?? 0) - 60) < 0.001)
    }

    @Test("signed and encrypted sends decode with the password, and only with it")
    func signedAndEncrypted() async throws {
        for security in [EncoderSecurity.sign(user: "ves", password: "pw"), .encrypt(user: "ves", password: "pw")] {
            let receiver = try await CountingReceiver.start()
            let auth = AuthFile(users: ["ves": "pw"])
            async let received = receiver.collect(valueLists: 175, notifications: 1, authFile: auth)
            _ = try await replay([trace]) {
                $0.target = .udp(host: "127.0.0.1", port: receiver.port)
                $0.security = security
            }
            let (datagrams, arrived) = try await received
            #expect(arrived.count == 176)
            var strict = NetworkDecoder(securityLevel: .encrypt, authFile: AuthFile(users: ["ves": "wrong"]))
            #expect(datagrams.allSatisfy { strict.decode($0).records.isEmpty })
        }
    }

    @Test("pacing: speed 60 plays a 60 s trace in about a second; a rate cap slows a max-speed send")
    func pacing() async throws {
        let receiver = try await CountingReceiver.start()
        async let received = receiver.collect(valueLists: 175, notifications: 1)
        let paced = try await replay([trace]) {
            $0.target = .udp(host: "127.0.0.1", port: receiver.port)
            $0.speed = 60
        }
        _ = try await received
        #expect(paced.seconds >= 0.99)

        let capped = try await CountingReceiver.start()
        async let cappedArrival = capped.collect(valueLists: 350, notifications: 2)
        let rated = try await replay([trace]) {
            $0.target = .udp(host: "127.0.0.1", port: capped.port)
            $0.rate = 500
            $0.loops = 2
        }
        _ = try await cappedArrival
        #expect(rated.valueLists == 350)
        // 350 value lists at 500/s: the last step may start after 325 of them went out
        #expect(rated.seconds >= 0.6)
    }
}

@Suite("ves-replay record")
struct RecorderTests {
    @Test("records what an encoder sends, with receive times, and stops at the count")
    func recordsFromEncoder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = RecorderOptions(outputPath: directory.appendingPathComponent("out.jsonl").path)
        options.port = 0
        options.count = 175
        options.securityLevel = .sign
        options.authFile = AuthFile(users: ["ves": "pw"])
        let recorder = Recorder(options: options, logger: Logger(label: "test"))
        let expected = try records(of: SharedMaterial.fixture("model/virt-and-host.jsonl"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await recorder.run() }
            let address = try #require(await recorder.address)
            let (socket, peer) = try await DatagramSocket.sender(to: "127.0.0.1", port: address.port ?? 0)
            var encoder = NetworkEncoder(security: .sign(user: "ves", password: "pw"))
            var datagrams: [[UInt8]] = []
            for record in expected { datagrams += encoder.add(record) }
            datagrams += encoder.flush()
            // an unsigned datagram is refused at SecurityLevel Sign and counted
            var plain = NetworkEncoder()
            datagrams.insert(contentsOf: plain.add(expected[0]) + plain.flush(), at: 0)
            try await socket.withStreams { _, outbound in
                for datagram in datagrams {
                    try await outbound.write(AddressedEnvelope(remoteAddress: peer, data: ByteBuffer(bytes: datagram)))
                }
            }
            try await group.waitForAll()
        }
        let summary = recorder.summary
        #expect(summary.counters.valueLists == 175)
        #expect(summary.counters.bad == 1)
        let written = try LoadedTrace.load(path: options.outputPath, typesDB: .systemOrBuiltIn())
        #expect(written.entries.allSatisfy { $0.receiveTime != nil })
        let lists = expected.filter { if case .values = $0 { true } else { false } }
        let recorded = try records(of: options.outputPath).filter { if case .values = $0 { true } else { false } }
        #expect(sortedDescriptions(recorded) == sortedDescriptions(lists))
    }

    static let collectdPath = "/usr/sbin/collectd"

    @Test(
        "records a real collectd",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: collectdPath),
            "collectd is not installed here (scripts/test.sh installs Debian's collectd-core)"
        )
    )
    func recordsRealCollectd() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collectd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = RecorderOptions(outputPath: directory.appendingPathComponent("live.jsonl").path)
        options.port = 0
        options.count = 12
        options.duration = 15
        let recorder = Recorder(options: options, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await recorder.run() }
            let port = try #require(await recorder.address?.port)
            let config = """
                Hostname "replay-test"
                FQDNLookup false
                Interval 1
                BaseDir "\(directory.path)"
                PIDFile "\(directory.path)/collectd.pid"
                TypesDB "/usr/share/collectd/types.db"
                LoadPlugin cpu
                LoadPlugin memory
                LoadPlugin load
                LoadPlugin network
                <Plugin network>
                  Server "127.0.0.1" "\(port)"
                </Plugin>

                """
            let configPath = directory.appendingPathComponent("collectd.conf").path
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let collectd = Process()
            collectd.executableURL = URL(fileURLWithPath: Self.collectdPath)
            collectd.arguments = ["-f", "-C", configPath]
            collectd.standardOutput = FileHandle.nullDevice
            let errorLog = directory.appendingPathComponent("collectd.err")
            _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
            collectd.standardError = try FileHandle(forWritingTo: errorLog)
            try collectd.run()
            // SIGKILL: a child of the test process may inherit a blocked SIGTERM and never see it
            defer { kill(collectd.processIdentifier, SIGKILL) }
            try await group.waitForAll()
            kill(collectd.processIdentifier, SIGKILL)
            try await offCooperativePool { collectd.waitUntilExit() }
        }
        let collectdErrors =
            (try? String(contentsOf: directory.appendingPathComponent("collectd.err"), encoding: .utf8)) ?? ""
        #expect(recorder.summary.counters.valueLists >= 12, "collectd said: \(collectdErrors)")
        let recorded = try records(of: options.outputPath)
        #expect(recorder.summary.counters.bad == 0)
        #expect(recorded.allSatisfy { $0.host == "replay-test" })
        let plugins = Set(recorded.compactMap { if case .values(let list) = $0 { list.plugin } else { nil } })
        #expect(plugins.isSubset(of: ["cpu", "memory", "load"]) && !plugins.isEmpty)
    }
}
