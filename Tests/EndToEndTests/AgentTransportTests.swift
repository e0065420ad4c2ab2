import Foundation
import JSON
import MockListener
import TestSupport
import Testing
import VESAgent
import VESModel

@Suite("Agent transport and clocks", .serialized)
struct AgentTransportTests {
    /// A pipeline whose listener serves HTTPS with a new self-signed certificate for 127.0.0.1.
    static func withHTTPSPipeline(
        agent configure: @escaping (inout AgentConfiguration, _ certificatePath: String) -> Void,
        _ body: (Pipeline) async throws -> Void
    ) async throws {
        let made = try await TestCertificate.make()
        let tls = try #require(made, "openssl could not make a test certificate")
        defer { tls.remove() }
        try await Pipeline.run(
            listener: {
                $0.tlsCertificatePath = tls.certificatePath
                $0.tlsKeyPath = tls.keyPath
            },
            agent: {
                $0.useHttps = true
                configure(&$0, tls.certificatePath)
            },
            body
        )
    }

    @Test("https verified against CA certificate") func httpsVerifiedAgainstCACertificate() async throws {
        try await Self.withHTTPSPipeline(agent: { $0.caCertificate = $1 }) { pipeline in
            #expect(pipeline.agent.core.configuration.eventListenerURL.hasPrefix("https://"))
            try await pipeline.replay([SendingTests.virtTrace])
            await pipeline.stopAgent()
            await pipeline.waitForEvents(SendingTests.virtEventCount)
            #expect(pipeline.agent.stats.snapshot.retries == 0)
        }
    }

    @Test("https refuses an untrusted certificate") func httpsRefusesAnUntrustedCertificate() async throws {
        try await Self.withHTTPSPipeline(agent: { configuration, _ in configuration.shutdownTimeout = 0.2 }) {
            pipeline in
            try await pipeline.replay([SendingTests.virtTrace])
            _ = await pipeline.agent.stats.wait { $0.retries >= 2 }
            await pipeline.stopAgent()
            #expect(
                pipeline.agent.stats.snapshot.eventsSent == 0,
                "the system store does not trust a self-signed certificate"
            )
            #expect(try pipeline.events.isEmpty)
        }
    }

    @Test("wall clock ticks every interval") func wallClockTicksEveryInterval() async throws {
        try await Pipeline.run(
            agent: {
                $0.clock = .wall
                $0.guestRunning = true
                $0.sendEventInterval = 0.2
            }
        ) { pipeline in
            await pipeline.waitForEvents(3)
            let starts = try pipeline.events.prefix(3).compactMap {
                $0["commonEventHeader"]?["startEpochMicrosec"]?.doubleValue
            }
            #expect(starts.count == 3)
            // Ticks keep to a 0.2 s schedule: a tick that ran late on a busy machine is followed by one on time, so
            // one gap may be short, but each is positive and bounded, and the two together span more than one
            // interval (the first tick is late by less than one).
            for (earlier, later) in zip(starts, starts.dropFirst()) {
                #expect((1...1_000_000).contains(later - earlier), "\(later - earlier) µs between ticks")
            }
            if let first = starts.first, let last = starts.last, starts.count == 3 {
                #expect(last - first >= 200_000, "\(last - first) µs over two ticks")
            }
        }
    }
}
