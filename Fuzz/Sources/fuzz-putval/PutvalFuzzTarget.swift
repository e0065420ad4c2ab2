import Collectd
import FuzzDriver

/// collectd's text protocol (exec plugin, unixsock): every line of the input as PUTVAL or PUTNOTIF, with the
/// built-in types, and each record read written back as a line that must read back. (A time under half a
/// millisecond is written as `0.000`, as collectd prints it, and cannot be read back: those are not checked.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let now = CollectdTime(wholeSeconds: 1_700_000_000)
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        guard let records = try? PutvalText.parse(line: String(line), typesDB: .builtIn, now: now) else { continue }
        for record in records where record.time.seconds >= 0.0005 {
            let written = PutvalText.format(record)
            do {
                _ = try PutvalText.parse(line: written, typesDB: .builtIn, now: now)
            } catch {
                preconditionFailure("a written line does not read back: \(error) \(written)")
            }
        }
    }
    return 0
}
