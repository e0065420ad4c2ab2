import FuzzDriver
import JSON
import JSONSchema
import VESModel

/// The listener's parser: its depth limit and intern table of VES field names.
let parser = JSONParser(maxDepth: 64, internTable: KnownNames.table)

/// The JSON parser, the writer and the built-in VES field sets, as the listener uses them on a request body.
///
/// The first byte picks the field set (value % 3: 1.1, 5.4.1, 7.2.1); the rest is the body. A body that parses is
/// written back and parsed again, which must give the same value (the writer's promise), then validated as a
/// single event and, when it has an `eventList`, item by item as a batch.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let version = VESVersion.allCases[Int(data[0] % 3)]
    guard let body = try? parser.parse(UnsafeRawBufferPointer(start: data + 1, count: size - 1)) else { return 0 }
    do {
        let written = body.jsonBytes()
        let reread = try parser.parse(written)
        precondition(reread == body, "written JSON reads back as another value: \(body.jsonString())")
    } catch {
        preconditionFailure("written JSON does not parse: \(error) \(body.jsonString())")
    }
    _ = PythonJSON.dumpsBytes(body)
    let validator = version.fieldSet.validator
    _ = validator.validate(body)
    if let items = body["eventList"]?.arrayValue, validator.hasDefinition("event") {
        for (index, item) in items.enumerated() {
            _ = validator.validate(item, definition: "event", pointer: JSONPointer.appending(index, to: "/eventList"))
        }
    }
    return 0
}
