import ArgumentParser
import Foundation
import JSON
import MockListener
import Platform
import StndDefined

/// ves-listener over HTTP with VES 7.2.1 bodies (one measurement, batches of growing size, a stndDefined event with
/// its 3GPP data validated), and the O-RAN SC test collector loaded with the same wrk settings and the same event.
struct Listener721Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listener-7",
        abstract: "ves-listener over HTTP with 7.2.1 events and batches, beside the O-RAN SC VES 7 collector."
    )

    @OptionGroup var events: VES721EventFiles

    @Option(help: "The O-RAN SC collector's start script (run-collector.sh PORT, prints the pid when ready).")
    var peerScript: String?

    @Option(help: "Events per batch, comma separated (each a 10x step of the last shows the growth).")
    var batchSizes = "10,100,1000"

    @OptionGroup var http: HTTPLoadOptions

    /// Both servers check the same Basic credentials (the collector cannot run without them).
    static let user = "user"
    static let password = "password"

    func run() async throws {
        HeapSettings.keepFreedMemory()
        ListenerRunner.runTasksOnEventLoops()
        let sizes = try batchSizes.split(separator: ",").map { text -> Int in
            guard let size = Int(text), (1...100_000).contains(size) else {
                throw ValidationError("--batch-sizes takes counts from 1 to 100000, not '\(text)'")
            }
            return size
        }
        let measurementBody = try Array(Data(contentsOf: URL(fileURLWithPath: events.measurement)))
        let stndBody = try Array(Data(contentsOf: URL(fileURLWithPath: events.stndDefinedEvent)))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ves-bench7-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let load = http.load
        let authorization = "Basic " + Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
        print("load: \(load.settings), every request with Basic credentials; listener in this process with --record")

        var runs: [(name: String, path: String, body: [UInt8], events: Int)] = [
            ("7.2.1 measurement (\(measurementBody.count) bytes)", "/eventListener/v7", measurementBody, 1)
        ]
        for size in sizes {
            let batch = try Self.batch(of: measurementBody, count: size)
            runs.append(
                ("7.2.1 batch of \(size) (\(batch.count / 1024) KiB)", "/eventListener/v7/eventBatch", batch, size)
            )
        }
        runs.append(("stndDefined with 3GPP data (\(stndBody.count) bytes)", "/eventListener/v7", stndBody, 1))

        var listenerMeasurementRate: Double?
        for (index, run) in runs.enumerated() {
            let bodyFile = directory.appendingPathComponent("body-\(index).json")
            try Data(run.body).write(to: bodyFile)
            let script = try WrkLoad.script(posting: bodyFile, headers: ["Authorization": authorization])
            guard
                let result = try await listenerRun(
                    load: load,
                    script: script,
                    path: run.path,
                    record: directory.appendingPathComponent("record-\(index).jsonl").path,
                    expectedEvents: run.events
                )
            else { return }
            let events = result.wrk.requestsPerSecond * Double(run.events)
            let cpuPerEvent = result.wrk.cpuMicrosecondsPerRequest / Double(run.events)
            if index == 0 { listenerMeasurementRate = events }
            print(
                String(
                    format: "ves-listener, %@: %.0f events/s (%.0f requests/s), %.1f µs CPU per event; %@",
                    run.name,
                    events,
                    result.wrk.requestsPerSecond,
                    cpuPerEvent,
                    result.summary
                )
            )
            for error in result.wrk.errors { print("  wrk: \(error)") }
        }
        try await peerRun(
            load: load,
            body: measurementBody,
            directory: directory,
            authorization: authorization,
            ours: listenerMeasurementRate
        )
    }

    /// A batch body of `count` copies of the event, each with an eventId of its own.
    static func batch(of body: [UInt8], count: Int) throws -> [UInt8] {
        guard case .object(let document) = try JSONParser().parse(body), case .object(var fields)? = document["event"],
            case .object(let header)? = fields["commonEventHeader"]
        else { throw ValidationError("the event body has no event.commonEventHeader") }
        let eventId = header["eventId"]?.stringValue ?? "event"
        var list: [JSONValue] = []
        list.reserveCapacity(count)
        for index in 0..<count {
            var copy = header
            copy["eventId"] = .string("\(eventId)-\(index)")
            fields["commonEventHeader"] = .object(copy)
            list.append(.object(fields))
        }
        let batch: JSONObject = ["eventList": .array(list)]
        return JSONValue.object(batch).jsonBytes()
    }

    struct ListenerRun {
        var wrk: WrkResult
        var summary: String
    }

    /// One wrk run against a fresh listener that validates 7.2.1 events and stndDefined data and records them.
    private func listenerRun(load: WrkLoad, script: URL, path: String, record: String, expectedEvents: Int)
        async throws -> ListenerRun?
    {
        var configuration = ListenerConfiguration()
        configuration.port = 0
        configuration.recordPath = record
        configuration.credentials = Credentials(username: Self.user, password: Self.password)
        configuration.stndDefinedSchemas = try StndDefinedSchemas(folder: events.stndDefined)
        configuration.maxBodyBytes = 16 * 1024 * 1024
        guard let (result, summary, peak) = try await load.run(listener: configuration, path: path, script: script)
        else {
            print("http: not measured (wrk is needed: apt-get install -y wrk)")
            return nil
        }
        let lines = try ListenerBenchmark.lines(in: record)
        guard lines >= result.completed * expectedEvents else {
            throw ValidationError("the record has \(lines) lines for \(result.completed) requests")
        }
        return ListenerRun(
            wrk: result,
            summary: "\(summary.description); \(lines) record lines; peak resident \(Int(peak.rounded())) MB"
        )
    }

    /// The O-RAN SC collector under the same load and event, when its script is given and it starts.
    private func peerRun(load: WrkLoad, body: [UInt8], directory: URL, authorization: String, ours: Double?)
        async throws
    {
        guard let peerScript else {
            print("O-RAN SC collector: not measured (no --peer-script)")
            return
        }
        guard let port = FreePort.loopbackTCP() else {
            print("O-RAN SC collector: not measured (no free port)")
            return
        }
        guard let pid = await PeerProcess.start(script: peerScript, port: port) else {
            print("O-RAN SC collector: not measured (\(peerScript) did not start it; its messages are above)")
            return
        }
        defer { PeerProcess.stop(pid) }
        let bodyFile = directory.appendingPathComponent("peer.json")
        try Data(body).write(to: bodyFile)
        let script = try WrkLoad.script(posting: bodyFile, headers: ["Authorization": authorization])
        let cpuBefore = PeerProcess.cpuSeconds(pid: pid)
        guard let result = try await load.run(url: "http://127.0.0.1:\(port)/eventListener/v7/events", script: script)
        else {
            print("O-RAN SC collector: wrk failed against it")
            return
        }
        let cpu = (PeerProcess.cpuSeconds(pid: pid) ?? 0) - (cpuBefore ?? 0)
        print(
            String(
                format: "O-RAN SC VES 7 collector (monitor.py, one process), 7.2.1 measurement: %.0f events/s, "
                    + "%.1f µs CPU per event%@",
                result.requestsPerSecond,
                result.completed > 0 ? cpu / Double(result.completed) * 1e6 : 0,
                ours.map { String(format: "; ves-listener takes %.1fx as many", $0 / max(result.requestsPerSecond, 1)) }
                    ?? ""
            )
        )
        print("  wrk: \(result.requests)")
        for error in result.errors { print("  wrk: \(error)") }
    }
}

/// A loopback TCP port nobody listens on now (bound to port 0, read back, closed).
enum FreePort {
    static func loopbackTCP() -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}

/// A server started by a script that prints its pid once it is ready.
enum PeerProcess {
    /// Runs the script on a thread of its own (Foundation's wait for a child must not hold an event loop).
    static func start(script: String, port: Int) async -> pid_t? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: startWaiting(script: script, port: port)) }
        }
    }

    private static func startWaiting(script: String, port: Int) -> pid_t? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script, String(port)]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return nil }
        // one line, not to the end: the server it leaves running may hold the pipe open
        var line: [UInt8] = []
        while let byte = try? output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 0x0A {
            line.append(first)
        }
        // waitpid, not waitUntilExit: Foundation's wait never saw this script end (it stayed a zombie)
        var status: Int32 = 0
        let waited = waitpid(process.processIdentifier, &status, 0)
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard waited > 0, status == 0, let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    /// SIGTERM, then SIGKILL when it is still there after two seconds (a gevent server may not stop on SIGTERM).
    static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        for _ in 0..<20 where kill(pid, 0) == 0 {
            usleep(100_000)
        }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// User plus system CPU of a process, from /proc/PID/stat.
    static func cpuSeconds(pid: pid_t) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // the fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
