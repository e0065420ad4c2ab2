import Collectd
import JSON
import TestSupport
import Testing
import VESMapping
import VESModel

@Suite("ves_app mapping files: the reference files load", .needsShared("reference/ves_app"))
struct MappingFileTests {
    @Test("every YAML file in the reference folder loads")
    func everyFileLoads() throws {
        let files = try MappingMaterial.yamlFiles()
        #expect(files.count == 5, "\(files)")
        for file in files {
            let mapping = try MappingMaterial.load(file)
            #expect(!mapping.measurementNames.isEmpty, "\(file) has no !Measurements")
        }
    }

    @Test(
        "each file's target version, templates and events",
        arguments: [
            ("host.yaml", VESVersion.ves541, ["Host Measurements"], [String]()),
            ("guest.yaml", .ves541, ["Host Measurements"], ["Guest Events"]),
            ("hypervisor.yaml", .ves541, ["Host Measurements"], ["Virt Events", "Host Events"]),
            ("node.yaml", .ves541, ["Host Measurements", "Guest Measurements", "Hypervisor Measurements"], []),
            (MappingMaterial.oranFile, .ves721, ["Host Measurements"], []),
        ]
    )
    func targets(file: String, version: VESVersion, measurements: [String], events: [String]) throws {
        let mapping = try MappingMaterial.load(file)
        #expect(mapping.version == version)
        #expect(mapping.measurementNames == measurements)
        #expect(mapping.eventNames == events)
    }
}
