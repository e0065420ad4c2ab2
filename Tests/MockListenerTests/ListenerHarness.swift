import CurlClient
import JSON
import Logging
import MockListener
import Platform
import Testing
import VESModel

/// Runs a listener in-process on port 0 for one test, talks real HTTP to it, and shuts it down gracefully.
struct ListenerHarness {
    let listener: EventListener
    let baseURL: String
    let port: Int
    let client: CurlClient

    /// Starts the listener, runs `body`, stops it and returns the shutdown summary with the body's result.
    @discardableResult
    static func run<T: Sendable>(
        configure: (inout ListenerConfiguration) -> Void = { _ in },
        client configuration: CurlClientConfiguration = .init(timeout: 20),
        _ body: (ListenerHarness) async throws -> T
    ) async throws -> (result: T, summary: ListenerSummary) {
        var config = ListenerConfiguration()
        config.port = 0
        configure(&config)
        var logger = Logger(label: "test-listener")
        logger.logLevel = .warning
        let runner = try ListenerRunner(configuration: config, logger: logger, handlesSignals: false)
        return try await withThrowingTaskGroup(of: ListenerOutcome.self) { tasks in
            tasks.addTask { try await runner.run() }
            guard let address = await runner.address else {
                let outcome = try await tasks.next()
                throw ListenerError(
                    code: .bind,
                    message: "listener stopped before it was listening: \(String(describing: outcome?.failure))"
                )
            }
            let harness = ListenerHarness(
                listener: runner.listener,
                baseURL: address.description,
                port: address.port,
                client: CurlClient(configuration: configuration)
            )
            let result: T
            do {
                result = try await body(harness)
            } catch {
                await runner.stop()
                _ = try await tasks.next()
                throw error
            }
            await runner.stop()
            guard let outcome = try await tasks.next() else {
                throw ListenerError(code: .bind, message: "the listener's run ended without an outcome")
            }
            return (result, outcome.summary)
        }
    }

    func post(
        _ path: String,
        json: String,
        contentType: String? = "application/json",
        username: String? = nil,
        password: String? = nil
    ) async throws -> CurlResponse {
        try await post(path, body: Array(json.utf8), contentType: contentType, username: username, password: password)
    }

    func post(
        _ path: String,
        body: [UInt8],
        contentType: String? = "application/json",
        username: String? = nil,
        password: String? = nil,
        headers extra: [(name: String, value: String)] = []
    ) async throws -> CurlResponse {
        // an empty value tells curl to send no Content-Type at all
        let headers = [(name: "Content-Type", value: contentType ?? "")] + extra
        return try await client.send(
            CurlRequest(
                method: "POST",
                url: baseURL + path,
                headers: headers,
                body: body,
                username: username,
                password: password
            )
        )
    }

    func get(_ path: String) async throws -> CurlResponse {
        try await client.send(CurlRequest(method: "GET", url: baseURL + path))
    }

    func delete(_ path: String) async throws -> CurlResponse {
        try await client.send(CurlRequest(method: "DELETE", url: baseURL + path))
    }

    /// The records the listener holds, as JSON objects.
    func records(_ query: String = "") async throws -> [JSONValue] {
        let response = try await get("/testControl/v1/events" + (query.isEmpty ? "" : "?" + query))
        #expect(response.status == 200)
        return try JSONParser().parse(response.body)["events"]?.arrayValue ?? []
    }
}

extension CurlResponse {
    var json: JSONValue? { try? JSONParser().parse(body) }

    /// The `requestError` in the body, if there is one.
    var requestError: RequestError? { json.flatMap(RequestError.init(json:)) }
}

/// Events shaped as the reference plugin sends them, valid under VES 1.1.
enum SampleEvents {
    static func fault(
        eventId: String = "1",
        source: String = "compute-0",
        severity: String = "CRITICAL",
        sequence: Int = 0
    )
        -> String
    {
        """
        {"commonEventHeader": {"version": 1.1, "eventType": "Fault", "domain": "fault", "eventId": "\(eventId)", \
        "sourceId": "\(source)", "sourceName": "\(source)", "functionalRole": "Collectd VES Agent", \
        "reportingEntityId": "\(source)", "reportingEntityName": "\(source)", "priority": "High", \
        "startEpochMicrosec": 1764030000000000, "lastEpochMicrosec": 1764030000000000, "sequence": \(sequence)}, \
        "faultFields": {"faultFieldsVersion": 1.1, "eventSeverity": "\(severity)", "eventSourceType": "host(3)", \
        "alarmCondition": "cpu", "specificProblem": "Host compute-0, plugin cpu type percent: threshold", \
        "vfStatus": "Active", "alarmInterfaceA": "", "alarmAdditionalInformation": []}}
        """
    }

    static func measurement(eventId: String = "2", source: String = "vm-1", start: Int64 = 1_764_030_000_000_000)
        -> String
    {
        """
        {"commonEventHeader": {"version": 1.1, "eventType": "Info", "domain": "measurementsForVfScaling", \
        "eventId": "\(eventId)", "sourceId": "\(source)", "sourceName": "\(source)", \
        "functionalRole": "Collectd VES Agent", "reportingEntityId": "compute-0", \
        "reportingEntityName": "compute-0", "priority": "Normal", "startEpochMicrosec": \(start), \
        "lastEpochMicrosec": \(start + 20_000_000), "sequence": 0}, \
        "measurementsForVfScalingFields": {"additionalMeasurements": [], "aggregateCpuUsage": 0, \
        "codecUsageArray": [], "concurrentSessions": 0, "configuredEntities": 0, \
        "cpuUsageArray": [{"cpuIdentifier": "0", "percentUsage": 12.5}], "errors": [], "featureUsageArray": [], \
        "filesystemUsageArray": [], "latencyDistribution": [], "meanRequestLatency": 0, \
        "measurementFieldsVersion": 1.1, "measurementInterval": 20, "memoryConfigured": 2048, "memoryUsed": 512, \
        "numberOfMediaPortsInUse": 0, "requestRate": 0, "vnfcScalingMetric": 0, "vNicUsageArray": []}}
        """
    }

    static func body(_ event: String) -> String { "{\"event\": \(event)}" }

    static func batch(_ events: [String]) -> String { "{\"eventList\": [\(events.joined(separator: ", "))]}" }
}
