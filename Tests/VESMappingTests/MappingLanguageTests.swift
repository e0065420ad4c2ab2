import Collectd
import JSON
import JSONSchema
import Testing
import VESMapping
import VESModel

/// The language's semantics on small files written here: selections, INDEX-KEY, helper tags, references, and
/// what a run does where ves_app stopped (a value missing, several selected, NaN).
@Suite("ves_app mapping language")
struct MappingLanguageTests {
    /// A 5.4.1 measurement file: one event per host with a `memory/free` value; `fields` goes under
    /// measurementsForVfScalingFields (indented by ten spaces).
    static func file(_ fields: String, limits: MappingLimits = .standard) throws -> MappingFile {
        let yaml = """
            ---
            Test: !Measurements
              - ITEM-DESC:
                  event:
                    commonEventHeader:
                      domain: measurementsForVfScaling
                      eventId: "{system.id}"
                      eventName: "{system.date}"
                      priority: Normal
                      reportingEntityName: "{system.hostname}"
                      sequence: 0
                      sourceName: "{vl.host}"
                      version: 3.0
                    measurementsForVfScalingFields:
                      measurementsForVfScalingVersion: 2.0
                      measurementInterval: !Number "{config.interval}"
            \(fields)
              - SELECT:
                  plugin: memory
                  type_instance: free

            """
        return try MappingFile(yaml: yaml, path: "test.yaml", limits: limits)
    }

    static func value(
        _ host: String = "h1",
        _ plugin: String,
        _ instance: String = "",
        _ type: String,
        _ typeInstance: String = "",
        ds: String = "value",
        _ value: Double,
        time: Double = 1_800_000_000
    ) -> MappingValue {
        MappingValue(
            host: host,
            plugin: plugin,
            pluginInstance: instance,
            type: type,
            typeInstance: typeInstance,
            dsName: ds,
            value: value,
            time: time,
            interval: 10
        )
    }

    static let memory = [
        value("h1", "memory", "", "memory", "free", 2048), value("h2", "memory", "", "memory", "free", 4096),
    ]
    static let settings = MappingSettings(hostname: "agent-host", sendInterval: 30)

    /// A 5.4.1 fault file; `fields` goes under faultFields (indented by ten spaces), then any CONDITION.
    static func faultFile(_ fields: String) -> String {
        """
        Faults: !Events
          - ITEM-DESC:
              event:
                commonEventHeader:
                  domain: fault
                  eventId: "{system.id}"
                  eventName: "Fault_{n.plugin}"
                  priority: High
                  reportingEntityName: "{system.hostname}"
                  sequence: 0
                  sourceName: "{n.host}"
                  version: 3.0
                faultFields:
        \(fields)
        """
    }

    func run(_ file: MappingFile, _ values: [MappingValue]) -> MappingOutput {
        var ids: UInt64 = 41
        return file.measurements(
            values: Self.memory + values,
            now: 1_800_000_005,
            settings: Self.settings,
            eventIds: &ids
        )
    }

    @Test("one event per selected value; system and config references; eventIds continue the counter")
    func eventsPerValue() throws {
        let output = run(try Self.file(""), [])
        #expect(output.events.map(\.sourceName) == ["h1", "h2"])
        #expect(output.events.map(\.eventId) == ["42", "43"])
        let header = try #require(output.events.first?.event["commonEventHeader"])
        #expect(header["eventName"]?.stringValue == "2027-01-15")
        #expect(header["reportingEntityName"]?.stringValue == "agent-host")
        #expect(
            output.events.first?.event[path: "measurementsForVfScalingFields", "measurementInterval"] == .integer(30)
        )
        // The period of the one value used: its interval up to its time.
        #expect(header["startEpochMicrosec"] == .integer(1_799_999_990_000_000))
        #expect(header["lastEpochMicrosec"] == .integer(1_800_000_000_000_000))
        #expect(output.events.first?.version == .ves541)
    }

    @Test("INDEX-KEY makes one item per distinct key, and nested items select with the outer value")
    func indexKey() throws {
        let file = try Self.file(
            """
                      additionalMeasurements: !ArrayItem
                        - SELECT:
                            host: "{vl.host}"
                            plugin: "/^(?!memory).*$/"
                        - INDEX-KEY:
                            - host
                            - plugin
                            - plugin_instance
                        - ITEM-DESC:
                            name: !StripExtraDash "{vl.plugin}-{vl.plugin_instance}"
                            arrayOfFields: !ArrayItem
                              - SELECT:
                                  host: "{vl.host}"
                                  plugin: "{vl.plugin}"
                                  plugin_instance: "{vl.plugin_instance}"
                              - ITEM-DESC:
                                  name: !StripExtraDash "{vl.type}-{vl.type_instance}-{vl.ds_name}"
                                  value: "{vl.value}"
            """
        )
        let output = run(
            file,
            [
                Self.value("h1", "load", "", "load", ds: "shortterm", 0.5),
                Self.value("h1", "load", "", "load", ds: "midterm", 0.25),
                Self.value("h1", "df", "root", "df_complex", "free", 1e12),
                Self.value("h2", "load", "", "load", ds: "shortterm", 7),
            ]
        )
        let first = try #require(output.events.first?.event["measurementsForVfScalingFields"])
        #expect(first[path: "additionalMeasurements", 0, "name"]?.stringValue == "load")
        #expect(first[path: "additionalMeasurements", 0, "arrayOfFields"]?.arrayCount == 2)
        #expect(first[path: "additionalMeasurements", 0, "arrayOfFields", 1, "name"]?.stringValue == "load-midterm")
        #expect(first[path: "additionalMeasurements", 0, "arrayOfFields", 1, "value"]?.stringValue == "0.25")
        #expect(first[path: "additionalMeasurements", 1, "name"]?.stringValue == "df-root")
        #expect(first[path: "additionalMeasurements", 1, "arrayOfFields", 0, "value"]?.stringValue == "1000000000000")
        let second = try #require(output.events.last?.event["measurementsForVfScalingFields"])
        #expect(second["additionalMeasurements"]?.arrayCount == 1)
        #expect(second[path: "additionalMeasurements", 0, "arrayOfFields", 0, "value"]?.stringValue == "7")
    }

    @Test("ValueItem: VALUE, DEFAULT, the default !Number, nothing selected, several selected, NaN")
    func valueItems() throws {
        let file = try Self.file(
            """
                      memoryUsageArray: !ArrayItem
                        - SELECT:
                            host: "{vl.host}"
                            plugin: memory
                            type_instance: free
                        - ITEM-DESC:
                            vmIdentifier: "{vl.host}"
                            memoryFree: !Number "{vl.value}"
                            memoryUsed: !ValueItem
                              - SELECT:
                                  host: "{vl.host}"
                                  type_instance: used
                            memoryCached: !ValueItem
                              - SELECT:
                                  host: "{vl.host}"
                                  type_instance: cached
                              - VALUE: !Bytes2Kibibytes "{vl.value}"
                              - DEFAULT: -1
                            memorySlabRecl: !ValueItem
                              - SELECT:
                                  host: "{vl.host}"
                                  type_instance: "/slab.*/"
                            memoryBuffered: !ValueItem
                              - SELECT:
                                  host: "{vl.host}"
                                  type_instance: buffered
            """
        )
        let output = run(
            file,
            [
                Self.value("h1", "memory", "", "memory", "used", 10_240),
                Self.value("h1", "memory", "", "memory", "cached", 3_000),
                Self.value("h1", "memory", "", "memory", "slab_recl", 1_024),
                Self.value("h1", "memory", "", "memory", "slab_unrecl", 2_048),
                Self.value("h1", "memory", "", "memory", "buffered", .nan),
            ]
        )
        let first = try #require(
            output.events.first?.event[path: "measurementsForVfScalingFields", "memoryUsageArray", 0]
        )
        // collectd's memory type is bytes; VES memory fields are KiB.
        #expect(first["memoryFree"] == .number(2))
        #expect(first["memoryUsed"] == .number(10))
        #expect(first["memoryCached"] == .number(2.93))
        #expect(first["memorySlabRecl"] == .number(1))
        #expect(first["memoryBuffered"] == nil)
        let second = try #require(
            output.events.last?.event[path: "measurementsForVfScalingFields", "memoryUsageArray", 0]
        )
        #expect(second["memoryUsed"] == nil)
        #expect(second["memoryCached"] == .integer(-1))
        #expect(output.notes.contains { $0.contains("'memorySlabRecl'") && $0.contains("selected 2 values") })
        #expect(output.notes.contains { $0.contains("not a finite number") })
        #expect(output.notes.contains { $0.contains("'memoryUsed' selected no value and has no DEFAULT") })
    }

    @Test("several SELECTs are alternatives; MapValue; percentUsage from cpuIdle")
    func selectionsAndHelpers() throws {
        let file = try Self.file(
            """
                      cpuUsageArray: !ArrayItem
                        - SELECT:
                            host: "{vl.host}"
                            type_instance: idle
                        - SELECT:
                            host: "{vl.host}"
                            type_instance: active
                        - ITEM-DESC:
                            cpuIdentifier: !MapValue
                              VALUE: "{vl.plugin_instance}"
                              TO:
                                "0": first
                                "1": second
                            cpuIdle: !Number "{vl.value}"
                            percentUsage: 0.0
            """
        )
        let output = run(
            file,
            [
                Self.value("h1", "cpu", "0", "percent", "idle", 75),
                Self.value("h1", "cpu", "1", "percent", "active", 10),
                Self.value("h1", "cpu", "2", "percent", "idle", 1),
            ]
        )
        let cpus = try #require(output.events.first?.event[path: "measurementsForVfScalingFields", "cpuUsageArray"])
        #expect(cpus.arrayCount == 3)
        #expect(cpus[path: 0, "cpuIdentifier"]?.stringValue == "first")
        #expect(cpus[path: 0, "percentUsage"]?.doubleValue == 25)
        #expect(cpus[path: 1, "cpuIdentifier"]?.stringValue == "second")
        #expect(cpus[path: 2, "cpuIdentifier"] == nil)
        #expect(output.notes.contains { $0.contains("no row for '2'") })
    }

    @Test("limits on values, events and items per event hold, with a note")
    func runLimits() throws {
        let fields = """
                      cpuUsageArray: !ArrayItem
                        - SELECT:
                            plugin: cpu
                        - ITEM-DESC:
                            cpuIdentifier: "{vl.plugin_instance}"
                            percentUsage: !Number "{vl.value}"
            """
        let cpus = (0..<50).map { Self.value("h1", "cpu", "\($0)", "percent", "user", Double($0)) }
        let items = try Self.file(fields, limits: MappingLimits(maxItemsPerEvent: 10))
        let cut = run(items, cpus)
        #expect(cut.events.first?.event[path: "measurementsForVfScalingFields", "cpuUsageArray"]?.arrayCount == 10)
        #expect(cut.notes.contains { $0.contains("more than 10 array items") })

        let events = try Self.file(fields, limits: MappingLimits(maxEvents: 1))
        #expect(run(events, []).events.count == 1)

        let values = try Self.file(fields, limits: MappingLimits(maxValues: 1))
        let few = run(values, cpus)
        #expect(few.events.count == 1)
        #expect(few.notes.contains { $0.contains("51 values beyond the limit") })
    }

    @Test("the same identity twice counts once, the later value")
    func repeatedIdentity() throws {
        let file = try Self.file(
            """
                      memoryUsageArray: !ArrayItem
                        - SELECT:
                            host: "{vl.host}"
                            type_instance: free
                        - ITEM-DESC:
                            memoryFree: !Bytes2Kibibytes "{vl.value}"
            """
        )
        let output = run(file, [Self.value("h1", "memory", "", "memory", "free", 8192)])
        #expect(output.events.count == 2)
        #expect(
            output.events.first?.event[path: "measurementsForVfScalingFields", "memoryUsageArray", 0, "memoryFree"]
                == .number(8)
        )
    }

    @Test("a 7.2.1 file is recognised by vesEventListenerVersion")
    func sevenTwoOne() throws {
        let yaml = """
            Test: !Measurements
              - ITEM-DESC:
                  event:
                    commonEventHeader:
                      domain: measurement
                      eventId: "{system.id}"
                      eventName: "measurement_host"
                      priority: Normal
                      reportingEntityName: "{system.hostname}"
                      sequence: 0
                      sourceName: "{vl.host}"
                      version: "4.1"
                      vesEventListenerVersion: "7.2.1"
                    measurementFields:
                      measurementFieldsVersion: "4.0"
                      measurementInterval: !Number "{vl.interval}"
              - SELECT:
                  plugin: memory
            """
        let file = try MappingFile(yaml: yaml, path: "seven.yaml")
        #expect(file.version == .ves721)
        let output = run(file, [])
        #expect(output.events.count == 2)
        for event in output.events {
            #expect(
                VES721FieldSet.validator.validate(event.body).isEmpty,
                "\(VES721FieldSet.validator.validate(event.body))"
            )
        }
    }

    @Test("Events: CONDITION by regular expression and severity; severity tables in collectd's other spellings")
    func eventConditions() throws {
        let yaml = Self.faultFile(
            """
                      alarmCondition: "{n.type_instance}"
                      eventSeverity: !MapValue
                        VALUE: "{n.severity}"
                        TO:
                          FAILURE: MAJOR
                          WARNING: MINOR
                          OKAY: NORMAL
                      eventSourceType: host
                      faultFieldsVersion: 2.0
                      specificProblem: "{n.message}"
                      vfStatus: Active
              - CONDITION:
                  plugin: "/^(memory|load)$/"
                  severity: "/NOTIF_(FAILURE|OKAY)/"
            """
        )
        let file = try MappingFile(yaml: yaml, path: "faults.yaml")
        var ids: UInt64 = 0
        func faults(_ plugin: String, _ severity: Collectd.Notification.Severity) -> [MappedEvent] {
            var notification = Collectd.Notification.test(
                severity,
                at: 1_800_000_000.5,
                plugin: plugin,
                typeInstance: "used",
                message: "over"
            )
            notification.host = "h9"
            return file.faults(notification: notification, now: 1_800_000_001, settings: Self.settings, eventIds: &ids)
                .events
        }
        #expect(faults("memory", .failure).first?.event[path: "faultFields", "eventSeverity"]?.stringValue == "MAJOR")
        #expect(faults("load", .okay).first?.event[path: "faultFields", "eventSeverity"]?.stringValue == "NORMAL")
        #expect(faults("load", .warning).isEmpty)
        #expect(faults("cpu", .failure).isEmpty)
        let event = try #require(faults("memory", .failure).first)
        #expect(event.event[path: "commonEventHeader", "eventName"]?.stringValue == "Fault_memory")
        #expect(event.event[path: "commonEventHeader", "startEpochMicrosec"] == .integer(1_800_000_000_500_000))
        #expect(VES541FieldSet.validator.validate(event.body).isEmpty)
    }

    @Test("a severity table lacking a severity is an error at load")
    func incompleteSeverityTable() {
        let yaml = Self.faultFile(
            """
                      eventSeverity: !MapValue
                        VALUE: "{n.severity}"
                        TO:
                          NOTIF_FAILURE: CRITICAL
            """
        )
        #expect(throws: MappingError.self) { try MappingFile(yaml: yaml, path: "faults.yaml") }
        do {
            _ = try MappingFile(yaml: yaml, path: "faults.yaml")
        } catch {
            #expect(error.line == 14)
            #expect(error.message.contains("NOTIF_WARNING"))
            #expect(error.message.contains("'eventSeverity'"))
        }
    }
}
