import ArgumentParser
import Foundation
import JSON
import JSONSchema
import VESModel

/// Validation speed of a 5.4.1 measurement event with the built-in set and the official 28.4.1 file, beside
/// Python's jsonschema on the same event and file: the version ONAP's collector speaks on /v5.
struct VES541ValidationBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validation-5",
        abstract: "Parse+validate a 5.4.1 measurement event, against Python jsonschema."
    )

    @Option(help: "A 5.4.1 single-event body ({\"event\": ...}).")
    var event: String

    @Option(help: "The official CommonEventFormat_28.4.1.json, for the cross-check and Python.")
    var officialSchema: String

    @Option(help: "Python script that measures jsonschema on the same event (jsonschema_rate.py).")
    var pythonScript: String

    @Option(help: "Seconds per measurement.")
    var seconds = 3.0

    func run() async throws {
        guard (0.1...600).contains(seconds) else { throw ValidationError("--seconds takes 0.1 to 600") }
        let parser = JSONParser(internTable: KnownNames.table)
        let builtIn = VES541FieldSet.validator
        let official = try JSONSchemaValidator(contentsOfFile: officialSchema)
        let body = try Array(Data(contentsOf: URL(fileURLWithPath: event)))
        let document = try parser.parse(body)
        guard builtIn.validate(document).isEmpty, official.validate(document).isEmpty else {
            throw ValidationError("\(event) is not a valid 5.4.1 event under the built-in set and \(officialSchema)")
        }
        print("event: \(event) (\(body.count) bytes)")
        let rate = parseValidateRate(parser, body, seconds: seconds, batch: 1000) { builtIn.validate($0).count }
        print(rateLine("parse+validate 5.4.1 measurement, built-in ves-5.4.1, 1 core", rate))
        let validateOnly = itemsPerSecond(seconds: seconds, batch: 1000) { builtIn.validate(document).count }
        print(rateLine("validate only, built-in ves-5.4.1, 1 core", validateOnly))
        let officialRate = parseValidateRate(parser, body, seconds: seconds, batch: 1000) {
            official.validate($0).count
        }
        print(rateLine("parse+validate 5.4.1 measurement, official 28.4.1 file, 1 core", officialRate))
        try printGrowth(
            label: "built-in ves-5.4.1",
            document: document,
            bytes: body.count,
            rate: rate,
            parser: parser,
            seconds: seconds
        ) { builtIn.validate($0).count }
        guard
            let python = pythonEventsPerSecond(
                script: pythonScript,
                schema: officialSchema,
                event: event,
                seconds: seconds
            )
        else {
            print("python jsonschema (5.4.1): not measured (python3 with jsonschema is needed)")
            return
        }
        print(
            String(
                format: "python jsonschema (Draft4Validator, official 28.4.1 file): %.0f events/s; ratio %.1fx",
                python,
                rate / python
            )
        )
    }

}
