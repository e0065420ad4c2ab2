import Foundation
import Testing
import VESMapping

/// Broken files fail at load with an error naming the file, the line and the tag or key at fault.
@Suite("ves_app mapping files: errors at load")
struct MappingErrorTests {
    /// A small valid file; `body` goes under the event's measurementsForVfScalingFields.
    static func measurements(_ body: String, select: String = "plugin: memory") -> String {
        """
        ---
        header: &header
          domain: measurementsForVfScaling
          eventId: "{system.id}"
          eventName: ""
          priority: Normal
          reportingEntityName: "{system.hostname}"
          sequence: 0
          sourceName: "{vl.host}"
          version: 2.0
        Test Measurements: !Measurements
          - ITEM-DESC:
              event:
                commonEventHeader:
                  <<: *header
                  sourceName: "{vl.host}"
                measurementsForVfScalingFields:
                  measurementsForVfScalingVersion: 2.0
                  measurementInterval: !Number "{vl.interval}"
        \(body)
          - SELECT:
              \(select)

        """
    }

    /// Loads `yaml` from a temporary file and returns its error, failing the test when it loads.
    func failure(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (String, MappingError) {
        let (path, error) = try TemporaryMapping.error(yaml)
        let found = try #require(error, "the file loaded", sourceLocation: sourceLocation)
        #expect(found.path == path, sourceLocation: sourceLocation)
        #expect(found.description.hasPrefix(path + ":"), sourceLocation: sourceLocation)
        return (path, found)
    }

    @Test("the valid base loads")
    func baseLoads() throws {
        let (_, error) = try TemporaryMapping.error(Self.measurements(""))
        #expect(error == nil, "\(String(describing: error))")
    }

    @Test("an unknown tag names the file, its line and the tag")
    func unknownTag() throws {
        let yaml = Self.measurements("          memoryFree: !Nubmer \"{vl.value}\"")
        let (path, error) = try failure(yaml)
        #expect(error.code == .unknownTag)
        #expect(error.line == 20)
        #expect(error.message.contains("'!Nubmer'"))
        #expect(error.description.hasPrefix("\(path):20:"))
    }

    @Test("an unknown tag in an anchor-only entry is found too")
    func unknownTagInAnchors() throws {
        let yaml = "---\nmapping: &m\n  A: !Severity B\n" + Self.measurements("").dropFirst(4)
        let (_, error) = try failure(yaml)
        #expect(error.code == .unknownTag)
        #expect(error.line == 3)
        #expect(error.message.contains("!Severity"))
    }

    @Test(
        "broken templates name the line and what is wrong",
        arguments: [
            // An ArrayItem without ITEM-DESC.
            (
                "          cpuUsageArray: !ArrayItem\n            - SELECT:\n                plugin: cpu", 20,
                "ITEM-DESC"
            ),
            // A key the tag does not take.
            (
                "          cpuUsageArray: !ArrayItem\n            - SELECT:\n                plugin: cpu\n"
                    + "            - ITEM: {}",
                23, "'ITEM'"
            ),
            // A ValueItem without SELECT.
            ("          memoryUsed: !ValueItem\n            - DEFAULT: 0", 20, "no SELECT"),
            // A notification reference in a measurement.
            ("          alarm: \"{n.message}\"", 20, "{n.message}"),
            // An INDEX-KEY item using a field it does not index.
            (
                "          additionalMeasurements: !ArrayItem\n            - SELECT:\n                plugin: load\n"
                    + "            - INDEX-KEY:\n                - plugin\n            - ITEM-DESC:\n"
                    + "                name: \"{vl.type}\"",
                26, "INDEX-KEY knows only plugin"
            ),
            // An unknown reference.
            ("          name: \"{vl.hostname}\"", 20, "{vl.hostname}"),
            // A format spec Python would apply and this language does not have.
            ("          name: \"{vl.value:.2f}\"", 20, "not a reference"),
            // A constant !Number that is not a number.
            ("          count: !Number \"many\"", 20, "'many'"),
            // !MapValue without TO.
            ("          state: !MapValue\n            VALUE: \"{vl.type}\"", 20, "VALUE and TO"),
        ]
    )
    func brokenTemplate(body: String, line: Int, words: String) throws {
        let (_, error) = try failure(Self.measurements(body))
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(words), "\(error)")
        #expect([.badTemplate, .badNumber].contains(error.code), "\(error)")
    }

    @Test(
        "bad SELECTs name the line and the key",
        arguments: [
            ("plugin: \"/^(?!memory.*$/\"", 22, "does not compile"),
            ("plugins: memory", 22, "'plugins'"),
            ("value: 3", 22, "'value'"),
        ]
    )
    func badSelect(select: String, line: Int, words: String) throws {
        let (_, error) = try failure(Self.measurements("", select: select))
        #expect(error.code == .badSelect)
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(words), "\(error)")
    }

    @Test("a nested SELECT with a bad regular expression is found at load, not at the first tick")
    func nestedBadSelect() throws {
        let body = """
                      cpuUsageArray: !ArrayItem
                        - SELECT:
                            plugin: cpu
                            type_instance: "/[idle/"
                        - ITEM-DESC:
                            cpuIdentifier: "{vl.plugin_instance}"
            """
        let (_, error) = try failure(Self.measurements(body))
        #expect(error.code == .badSelect)
        #expect(error.line == 23)
        #expect(error.message.contains("type_instance"))
    }

    @Test("headers the targeted version cannot accept are errors at load")
    func badHeaders() throws {
        let noName = Self.measurements("").replacingOccurrences(of: "  eventName: \"\"\n", with: "")
        let (_, missing) = try failure(noName)
        #expect(missing.message.contains("'eventName'"))
        #expect(missing.line == 14, "the header that lacks it: \(missing)")

        let stringVersion = Self.measurements("").replacingOccurrences(
            of: "version: 2.0\nTest",
            with: "version: \"2.0\"\nTest"
        )
        let (_, version) = try failure(stringVersion)
        #expect(version.message.contains("a VES 5.x header 'version' is a number"))

        let sevenWithoutListener = Self.measurements("").replacingOccurrences(
            of: "domain: measurementsForVfScaling",
            with: "domain: measurement"
        )
        let (_, seven) = try failure(sevenWithoutListener)
        #expect(seven.message.contains("vesEventListenerVersion"))
        #expect(seven.code == .badTemplate)
    }

    @Test("files that are not one YAML mapping of templates")
    func notTemplates() throws {
        let (_, empty) = try failure("---\nname: value\n")
        #expect(empty.code == .noTemplates)
        let (_, twoDocuments) = try failure(Self.measurements("") + "---\nmore: 1\n")
        #expect(twoDocuments.code == .badYAML)
        let (_, syntax) = try failure("---\nkey: [unclosed\n")
        #expect(syntax.code == .badYAML)
        #expect(syntax.message.contains("3:1") || syntax.message.contains("2:"), "\(syntax)")
        let (_, nested) = try failure(Self.measurements("          inner: !Events []"))
        #expect(nested.message.contains("top-level"))
    }

    @Test("limits: size, depth and alias expansion")
    func limits() throws {
        let big = String(repeating: "# padding\n", count: 120_000)
        let (_, tooLarge) = try failure(Self.measurements("") + big)
        #expect(tooLarge.code == .tooLarge)

        var deep = "---\nx: "
        for _ in 0..<70 { deep += "[" }
        for _ in 0..<70 { deep += "]" }
        let (_, tooDeep) = try failure(deep + "\n")
        #expect(tooDeep.code == .tooLarge)
        #expect(tooDeep.message.contains("deeper"))

        var bomb = "---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<8 {
            let previous = "*a\(level - 1)"
            bomb += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let (_, expanded) = try failure(bomb)
        #expect(expanded.code == .tooLarge)
        #expect(expanded.message.contains("nodes"))
    }

    @Test("a missing file")
    func missingFile() {
        #expect(throws: MappingError.self) { try MappingFile.load(path: "/nonexistent/host.yaml") }
        do {
            _ = try MappingFile.load(path: "/nonexistent/host.yaml")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.description.hasPrefix("/nonexistent/host.yaml: "))
        }
    }
}
