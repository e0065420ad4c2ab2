import Collectd
import CurlClient
import Foundation
import MockListener
import Platform
import TestSupport
import Testing
import VESAgent

@Suite("/metrics on the agent (MetricsListen): counts that move with what it received, built and sent")
struct AgentMetricsTests {
    static let start = 1_795_570_000.0

    static func load(_ at: Double) -> CollectdRecord {
        .load(at: at, [at - start, 1, 2])
    }

    static func scrape(_ address: ServiceAddress) async throws -> PrometheusText {
        let response = try await CurlClient().send(CurlRequest(method: "GET", url: "\(address)/metrics"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(response.text)
    }

    @Test("values received, events built, sends by status (503 injected, then 202), retries, queue and ticks")
    func countersMove() async throws {
        try await Pipeline.run(
            agent: {
                $0.guestRunning = true
                $0.metricsHost = "127.0.0.1"
                $0.metricsPort = 0
            }
        ) { pipeline in
            let address = try #require(await pipeline.agent.metricsAddress)
            #expect(address.scheme == "http" && address.port > 0)
            let before = try await Self.scrape(address)
            #expect(before.value("ves_agent_value_lists_received_total") == 0)

            // the listener holds the queue with 503s until they are deleted
            #expect(pipeline.listener.control.enqueue(fault: InjectedFault(status: 503, count: 1_000_000)))
            try await pipeline.send((0...6).map { Self.load(Self.start + Double($0) * 10) })
            let held = await pipeline.agent.stats.wait { $0.ticks >= 3 && $0.eventsBuilt >= 3 && $0.retries >= 2 }
            let holding = try await Self.scrape(address)
            #expect(holding.value("ves_agent_value_lists_received_total") == 7)
            #expect(holding.value("ves_agent_series_cached") == 1)
            #expect(holding.value("ves_agent_queue_events") >= 1)
            #expect(holding.value("ves_agent_sends_total", ["status": "503"]) >= 2)
            #expect(holding.value("ves_agent_sends_total", ["status": "202"]) == 0)
            #expect(holding.value("ves_agent_retries_total") >= Double(held.retries))
            #expect(holding.value("ves_agent_tick_duration_seconds_count") >= 3)

            let cleared = try await CurlClient().send(
                CurlRequest(method: "DELETE", url: "http://127.0.0.1:\(pipeline.listenerPort)/testControl/v1/faults")
            )
            #expect(cleared.status == 200)
            let counters = await pipeline.agent.stats.wait { $0.eventsSent >= $0.eventsBuilt && $0.queueDepth == 0 }
            let after = try await Self.scrape(address)
            #expect(after.value("ves_agent_queue_events") == 0)
            #expect(after.value("ves_agent_sends_total", ["status": "202"]) == Double(counters.eventsSent))
            #expect(
                after.value("ves_agent_events_built_total", ["domain": "measurementsForVfScaling"])
                    == Double(counters.eventsBuilt)
            )
            #expect(after.value("ves_agent_events_sent_total") == Double(counters.eventsSent))
            #expect(after.value("ves_agent_retries_total") == Double(counters.retries))
            #expect(after.value("ves_agent_sends_total", ["status": "503"]) == Double(counters.retries))
            #expect(after.value("ves_agent_tick_duration_seconds_count") == Double(counters.ticks))
            #expect(after.value("ves_agent_spool_bytes") == 0)
            for family in after.types.keys {
                #expect(family.hasPrefix("ves_agent_"), "\(family)")
                #expect(!(after.help[family] ?? "").isEmpty, "\(family)")
            }
            #expect(after.types["ves_agent_tick_duration_seconds"] == "histogram")
            #expect(after.types["ves_agent_sends_total"] == "counter")
            #expect(after.types["ves_agent_queue_events"] == "gauge")

            // anything but GET or HEAD /metrics
            let client = CurlClient()
            #expect(try await client.send(CurlRequest(method: "GET", url: "\(address)/other")).status == 404)
            let post = try await client.send(CurlRequest(method: "POST", url: "\(address)/metrics", body: [1, 2]))
            #expect(post.status == 405)
            #expect(try await client.send(CurlRequest(method: "HEAD", url: "\(address)/metrics")).status == 200)
        }
    }

    @Test("ves-agent --metrics-listen prints 'metrics on URL' after its 'listening on' line, and serves it")
    func executable() async throws {
        let program = try RunningProgram(
            "ves-agent",
            ["--port", "1", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--log-level", "error"]
        )
        let first = try #require(try await program.readLine())
        #expect(first.hasPrefix("listening on udp://127.0.0.1:"))
        let second = try #require(try await program.readLine())
        #expect(second.hasPrefix("metrics on http://127.0.0.1:") && second.hasSuffix("/metrics"), "\(second)")
        let url = String(second.dropFirst("metrics on ".count))
        let response = try await CurlClient().send(CurlRequest(method: "GET", url: url))
        #expect(response.status == 200)
        let scrape = try PrometheusText(response.text)
        #expect(scrape.types["ves_agent_value_lists_received_total"] == "counter")
        program.signal(SIGTERM)
        #expect(try await program.finish().status == 0)
    }

    @Test("MetricsListen is off by default; the key takes HOST:PORT with a port up to 65535, empty turns it off")
    func offByDefault() async throws {
        #expect(AgentConfiguration().metricsHost == nil)
        #expect(try AgentConfiguration.load().metricsHost == nil)
        try await Pipeline.run { pipeline in
            #expect(await pipeline.agent.metricsAddress == nil)
        }
        let set = try AgentConfiguration.load(flags: ["MetricsListen": "[::1]:9100"])
        #expect(set.metricsHost == "::1" && set.metricsPort == 9100)
        let environment = try AgentConfiguration.load(environment: ["VES_METRICS_LISTEN": "http://127.0.0.1:0"])
        #expect(environment.metricsHost == "127.0.0.1" && environment.metricsPort == 0)
        #expect(try AgentConfiguration.load(flags: ["MetricsListen": ""]).metricsHost == nil)
        for bad in ["127.0.0.1:65536", "127.0.0.1", ":9100", "127.0.0.1:-1", "127.0.0.1:x"] {
            #expect(throws: AgentError.self, "\(bad)") { try AgentConfiguration.load(flags: ["MetricsListen": bad]) }
        }
    }
}
