import Collectd
import Foundation
import JSON
import MockListener
import Replay
import TestSupport
import Testing
import VESAgent
import VESModel

/// The listener's commandList, in every shape the specs use, changes what the agent sends.
@Suite("Listener commands", .serialized)
struct CommandListTests {
    static func records(_ trace: String) throws -> [CollectdRecord] {
        try LoadedTrace.load(path: SharedMaterial.fixture("traces/\(trace).jsonl"), typesDB: .systemOrBuiltIn())
            .entries.flatMap { entry -> [CollectdRecord] in
                if case .records(let records) = entry.payload { return records }
                return []
            }
    }

    static let commandList: JSONValue = [
        "commandList": [
            // the Rev 3.1 shape, with the interval written as a string as in the spec's example
            [
                "commandListEntry": [
                    "command": ["commandType": "measurementIntervalChange", "measurementInterval": "10"]
                ]
            ],
            // the evel shape
            [
                "command": [
                    "commandType": "throttlingSpecification",
                    "eventDomainThrottleSpecification": [
                        "eventDomain": "measurementsForVfScaling",
                        // memoryUsed is required: it must stay
                        "suppressedFieldNames": ["additionalMeasurements", "memoryUsed"],
                    ],
                ]
            ],
            // a bare command
            ["commandType": "provideThrottlingState"],
            ["commandType": "heartbeatIntervalChange", "heartbeatInterval": 60],
            ["commandType": "dodgyCommand"],
        ]
    ]

    @Test("interval change throttling and state") func intervalChangeThrottlingAndState() async throws {
        let records = try Self.records("guest")
        let firstTime = try #require(records.first?.time.seconds)
        // the first tick is at the first time + 20 s: phase one reaches a little past it
        let phaseOne = records.filter { $0.time.seconds < firstTime + 25 }
        let phaseTwo = Array(records.dropFirst(phaseOne.count))
        let log = CapturedLog()
        try await Pipeline.run(agent: { $0.guestRunning = true }, logger: log.logger) { pipeline in
            pipeline.listener.control.enqueue(commandList: try #require(Self.commandList["commandList"]))
            try await pipeline.send(phaseOne)
            _ = await pipeline.agent.stats.wait { $0.eventsSent >= 1 }
            #expect(pipeline.agent.core.interval == 10)
            let states = try pipeline.listener.store.lines(matching: RecordFilter(kind: .throttlingState))
                .map { try JSONParser().parse($0) }
            let state = try #require(states.first?["event"]?["eventThrottlingState"])
            #expect(state["eventThrottlingMode"] == "throttled")
            let specification = state["eventDomainThrottleSpecificationList"]?[0]?["eventDomainThrottleSpecification"]
            #expect(specification?["eventDomain"] == "measurementsForVfScaling")

            try await pipeline.send(phaseTwo)
            await pipeline.stopAgent()
            let stats = await pipeline.agent.stats.wait { $0.queueDepth == 0 && $0.eventsSent == $0.eventsBuilt }
            await pipeline.waitForEvents(stats.eventsBuilt)
            let events = try pipeline.events
            // ticks every 10 s after the change instead of 20: more events than the reference plugin's 3
            #expect(events.count >= 5)
            let first = try #require(events.first?["measurementsForVfScalingFields"])
            #expect(first["additionalMeasurements"] != nil)
            #expect(first["measurementInterval"] == .number(20))
            for event in events.dropFirst() {
                let fields = try #require(event["measurementsForVfScalingFields"])
                #expect(fields["additionalMeasurements"] == nil, "suppressed")
                #expect(fields["memoryUsed"] != nil, "required fields are never suppressed")
                #expect(fields["measurementInterval"] == .number(10))
            }
            let starts = events.compactMap { $0["commonEventHeader"]?["startEpochMicrosec"]?.doubleValue }
            #expect(starts.count >= 3 && starts[2] - starts[1] == 10_000_000)
        }
        #expect(log.messages.contains { $0.contains("ignoring an unknown listener command: dodgyCommand") })
        #expect(log.messages.contains { $0.contains("heartbeats every 60 s") })
    }

    @Test("interval change to zero is refused") func intervalChangeToZeroIsRefused() {
        let commands = ListenerCommand.parse(
            body: Array(
                #"{"commandList": [{"command": {"commandType": "measurementIntervalChange", "measurementInterval": 0}}]}"#
                    .utf8
            )
        )
        #expect(commands == [.refusedIntervalChange(value: "0")], "0 is outside 1...86400 s (issue 15, H1)")
        let throttling = ListenerCommand.parse(
            body: Array(
                #"""
                {"commandList": [{"commandListEntry": {"command": {"commandType": "throttlingSpecification",
                "eventDomainThrottleSpecification": {"eventDomain": "fault", "suppressedFieldNames": ["alarmInterfaceA"],
                "suppressedNvPairsList": [{"suppressedNvPairs": {"nvPairFieldName": "alarmAdditionalInformation",
                "suppressedNvPairNames": ["name1"]}}]}}}}]}
                """#.utf8
            )
        )
        guard case .throttlingSpecification(let specification)? = throttling.first else {
            Issue.record("not parsed: \(throttling)")
            return
        }
        #expect(specification.suppressedFieldNames == ["alarmInterfaceA"])
        #expect(specification.suppressedPairs.first?.field == "alarmAdditionalInformation")
        #expect(specification.suppressedPairs.first?.names == ["name1"])
        #expect(ListenerCommand.parse(body: Array("not json".utf8)).isEmpty)
        #expect(ListenerCommand.parse(body: []).isEmpty)
    }
}
