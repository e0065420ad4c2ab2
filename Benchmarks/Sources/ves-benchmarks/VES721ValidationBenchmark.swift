import ArgumentParser
import Foundation
import JSON
import JSONSchema
import StndDefined
import VESModel

/// Validation speed of 7.2.1 events (a measurement, and a stndDefined event whose data is checked against its
/// 3GPP OpenAPI schema) with the built-in set, beside Python's jsonschema doing the same checks.
struct VES721ValidationBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validation-7",
        abstract: "Parse+validate a 7.2.1 measurement and a stndDefined event, against Python jsonschema."
    )

    @OptionGroup var events: VES721EventFiles

    @Option(help: "The official CommonEventFormat_30.2.1_ONAP.json, for the cross-check and Python.")
    var officialSchema: String

    @Option(help: "Python script that measures jsonschema on the same events (stnd_defined_rate.py).")
    var pythonScript: String

    @Option(help: "A 7.2.1 measurement of about the size of the 1.1 event (1.3 KB), for the rate at that size.")
    var sameSizeMeasurement: String?

    @Option(help: "Seconds per measurement.")
    var seconds = 3.0

    func run() async throws {
        let parser = JSONParser(internTable: KnownNames.table)
        let builtIn = VES721FieldSet.validator
        let official = try JSONSchemaValidator(contentsOfFile: officialSchema, formats: .checked)
        let schemas = try StndDefinedSchemas(folder: events.stndDefined)

        let measurementBody = try Array(Data(contentsOf: URL(fileURLWithPath: events.measurement)))
        let measurementDocument = try parser.parse(measurementBody)
        guard builtIn.validate(measurementDocument).isEmpty, official.validate(measurementDocument).isEmpty else {
            throw ValidationError("\(events.measurement) is not a valid 7.2.1 event")
        }
        print("measurement: \(events.measurement) (\(measurementBody.count) bytes)")
        let measurementRate = parseValidateRate(parser, measurementBody, seconds: seconds, batch: 500) {
            builtIn.validate($0).count
        }
        print(
            rateLine("parse+validate 7.2.1 measurement, built-in ves-7.2.1 (formats checked), 1 core", measurementRate)
        )
        if let sameSizeMeasurement {
            let body = try Array(Data(contentsOf: URL(fileURLWithPath: sameSizeMeasurement)))
            guard builtIn.validate(try parser.parse(body)).isEmpty, official.validate(try parser.parse(body)).isEmpty
            else {
                throw ValidationError("\(sameSizeMeasurement) is not a valid 7.2.1 event")
            }
            let rate = parseValidateRate(parser, body, seconds: seconds, batch: 500) { builtIn.validate($0).count }
            print(rateLine("parse+validate 7.2.1 measurement of \(body.count) bytes, built-in ves-7.2.1, 1 core", rate))
        }
        let officialRate = parseValidateRate(parser, measurementBody, seconds: seconds, batch: 500) {
            official.validate($0).count
        }
        print(rateLine("parse+validate 7.2.1 measurement, official 30.2.1 file, 1 core", officialRate))
        try printGrowth(
            label: "built-in ves-7.2.1",
            document: measurementDocument,
            bytes: measurementBody.count,
            rate: measurementRate,
            parser: parser,
            seconds: seconds
        ) { builtIn.validate($0).count }
        compare(python(event: events.measurement, stndDefined: false), measurementRate, "measurement")

        let stndBody = try Array(Data(contentsOf: URL(fileURLWithPath: events.stndDefinedEvent)))
        let stndDocument = try parser.parse(stndBody)
        guard let fields = stndDocument["event"]?["stndDefinedFields"], let data = fields["data"],
            let reference = fields["schemaReference"]?.stringValue
        else {
            throw ValidationError("\(events.stndDefinedEvent) has no stndDefinedFields with data and schemaReference")
        }
        let check = { (value: JSONValue, data: JSONValue) -> Int in
            var count = builtIn.validate(value).count
            switch schemas.check(data, schemaReference: reference, dataPointer: "/event/stndDefinedFields/data") {
            case .validated(let violations): count += violations.count
            case .unknownReference: count += 1
            }
            return count
        }
        guard check(stndDocument, data) == 0 else {
            throw ValidationError("\(events.stndDefinedEvent) is not valid (envelope or data)")
        }
        print("stndDefined: \(events.stndDefinedEvent) (\(stndBody.count) bytes), \(reference)")
        let stndRate = itemsPerSecond(seconds: seconds, batch: 500) {
            guard let value = try? parser.parse(stndBody), let data = value["event"]?["stndDefinedFields"]?["data"]
            else { return -1 }
            return check(value, data)
        }
        print(rateLine("parse+validate stndDefined (envelope + 3GPP data), 1 core", stndRate))
        compare(python(event: events.stndDefinedEvent, stndDefined: true), stndRate, "stndDefined")
    }

    private func compare(_ python: Double?, _ ours: Double, _ what: String) {
        guard let python else {
            print("python jsonschema (\(what)): not measured (python3 with jsonschema, referencing and PyYAML needed)")
            return
        }
        print(
            String(
                format: "python jsonschema (%@, same checks): %.0f events/s; ratio %.1fx",
                what,
                python,
                ours / python
            )
        )
    }

    private func python(event: String, stndDefined: Bool) -> Double? {
        pythonEventsPerSecond(
            script: pythonScript,
            schema: officialSchema,
            event: event,
            seconds: seconds,
            extra: stndDefined ? ["--stnd-defined", events.stndDefined] : []
        )
    }
}

/// The 7.2.1 bodies the validation and HTTP benchmarks share.
struct VES721EventFiles: ParsableArguments {
    @Option(help: "A 7.2.1 measurement body ({\"event\": ...}).")
    var measurement: String

    @Option(help: "A 7.2.1 stndDefined body whose schemaReference the --stnd-defined folder maps.")
    var stndDefinedEvent: String

    @Option(help: "Folder with schema-map.json and the 3GPP OpenAPI files.")
    var stndDefined: String
}
