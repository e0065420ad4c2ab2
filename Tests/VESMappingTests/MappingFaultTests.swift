import Collectd
import JSON
import TestSupport
import Testing
import VESMapping
import VESModel

/// `!Events` templates built from collectd notifications: ves_app defined them and never sent one.
@Suite("ves_app mapping files: faults from notifications", .needsShared("reference/ves_app", "ves/schemas"))
struct MappingFaultTests {
    @Test("guest.yaml: each threshold notification of the recorded trace is a valid fault")
    func thresholdTrace() throws {
        let mapping = try MappingMaterial.load("guest.yaml")
        let trace = try TraceTicks.load("threshold.jsonl")
        #expect(trace.notifications.count == 32)
        var ids: UInt64 = 100
        for notification in trace.notifications {
            let output = mapping.faults(notification, eventIds: &ids)
            let event = try #require(output.events.first)
            #expect(output.events.count == 1)
            #expect(try MappingMaterial.violations(event).isEmpty)
            let expected = notification.severity == .failure ? "CRITICAL" : "WARNING"
            #expect(event.event[path: "faultFields", "eventSeverity"]?.stringValue == expected)
            #expect(event.event[path: "faultFields", "alarmCondition"]?.stringValue == notification.message)
            #expect(event.event[path: "faultFields", "eventSourceType"]?.stringValue == "guest")
            let microseconds = Int64((notification.time.seconds * 1_000_000).rounded())
            #expect(event.event[path: "commonEventHeader", "startEpochMicrosec"]?.intValue == microseconds)
            #expect(event.event[path: "commonEventHeader", "lastEpochMicrosec"]?.intValue == microseconds)
            #expect(event.event[path: "commonEventHeader", "sourceName"]?.stringValue == "mapping-test-host")
            #expect(event.event[path: "commonEventHeader", "reportingEntityName"]?.stringValue == "mapping-test-host")
        }
        #expect(ids == 132)
    }

    @Test("a failure and its clear from OKAY: CRITICAL then NORMAL, the alarm named by plugin and instance")
    func raiseAndClear() throws {
        let mapping = try MappingMaterial.load("guest.yaml")
        func notification(_ severity: Collectd.Notification.Severity, at seconds: Double) -> Collectd.Notification {
            .test(severity, at: seconds, plugin: "memory", type: "memory", typeInstance: "used", message: severity.name)
        }
        var ids: UInt64 = 0
        let raise = mapping.faults(notification(.failure, at: 1_795_570_694.25), eventIds: &ids)
        let clear = mapping.faults(notification(.okay, at: 1_795_570_720.5), eventIds: &ids)
        let raised = try #require(raise.events.first)
        let cleared = try #require(clear.events.first)
        #expect(raised.domain == "fault")
        #expect(raised.event[path: "faultFields", "eventSeverity"]?.stringValue == "CRITICAL")
        #expect(cleared.event[path: "faultFields", "eventSeverity"]?.stringValue == "NORMAL")
        #expect(raised.event[path: "faultFields", "alarmInterfaceA"]?.stringValue == "memory")
        #expect(raised.event[path: "faultFields", "specificProblem"]?.stringValue == "used")
        #expect(raised.event[path: "faultFields", "vfStatus"]?.stringValue == "Active")
        #expect(cleared.event[path: "commonEventHeader", "startEpochMicrosec"]?.intValue == 1_795_570_720_500_000)
        #expect([raised.eventId, cleared.eventId] == ["1", "2"])
        #expect(try MappingMaterial.violations(raised).isEmpty)
        #expect(try MappingMaterial.violations(cleared).isEmpty)
    }

    @Test("hypervisor.yaml: a virt notification is a hypervisor fault of the VM, any other a host fault")
    func hypervisorConditions() throws {
        let mapping = try MappingMaterial.load("hypervisor.yaml")
        var ids: UInt64 = 0
        let virt = Collectd.Notification.test(
            .warning,
            at: 1_795_570_010,
            plugin: "virt",
            pluginInstance: "instance-00000002",
            type: "domain_state"
        )
        var other = virt
        other.plugin = "memory"
        other.pluginInstance = ""
        let virtFaults = mapping.faults(virt, eventIds: &ids)
        let hostFaults = mapping.faults(other, eventIds: &ids)
        #expect(virtFaults.events.map(\.template) == ["Virt Events"])
        #expect(hostFaults.events.map(\.template) == ["Host Events"])
        #expect(virtFaults.events.first?.sourceName == "instance-00000002")
        #expect(virtFaults.events.first?.event[path: "faultFields", "eventSourceType"]?.stringValue == "hypervisor")
        #expect(
            virtFaults.events.first?.event[path: "faultFields", "specificProblem"]?.stringValue == "instance-00000002"
        )
        #expect(hostFaults.events.first?.sourceName == "mapping-test-host")
        #expect(hostFaults.events.first?.event[path: "faultFields", "eventSourceType"]?.stringValue == "host")
        for event in virtFaults.events + hostFaults.events {
            #expect(try MappingMaterial.violations(event).isEmpty)
        }
    }

    @Test("a file without !Events builds no fault")
    func noEventTemplates() throws {
        let mapping = try MappingMaterial.load("host.yaml")
        var ids: UInt64 = 0
        let notification = Collectd.Notification.test(.failure, at: 1, plugin: "memory")
        let output = mapping.faults(notification, eventIds: &ids)
        #expect(output.events.isEmpty)
        #expect(ids == 0)
    }
}
