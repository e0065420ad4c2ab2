import Collectd
import FuzzDriver

/// The classic pcap reader: link layers, IPv4/IPv6 and UDP headers, keeping datagrams to collectd's port.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? TraceFile.parse(inputBytes(data, size), format: .pcap, typesDB: .builtIn)
    return 0
}
