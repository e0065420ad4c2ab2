import Collectd
import FuzzDriver

/// The trace reader as ves-replay uses it: the format recognised from the content (collectd JSON lines,
/// PUTVAL/PUTNOTIF, hex, TSV, pcap), then read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    _ = try? TraceFile.parse(bytes, typesDB: .builtIn, now: CollectdTime(wholeSeconds: 1_700_000_000))
    return 0
}
