import Collectd
import FuzzDriver

/// collectd's JSON (write_http `Format "JSON"`): the input as one line, an object or an array of value lists and
/// notifications, with the built-in types; what reads is written back as JSON and as PUTVAL.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let records = try? CollectdJSON.decode(line: line, typesDB: .builtIn) else { return 0 }
    _ = CollectdJSON.encodeArray(records, typesDB: .builtIn)
    for record in records {
        _ = PutvalText.format(record)
        if case .notification(let notification) = record { _ = CollectdJSON.encodeAlert(notification) }
    }
    return 0
}
