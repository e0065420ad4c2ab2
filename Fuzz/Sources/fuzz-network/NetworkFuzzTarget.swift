import Collectd
import FuzzCredentials
import FuzzDriver

/// The decoder's users: the one the target seals inputs with.
let authFile = AuthFile(users: [FuzzCredentials.user: FuzzCredentials.password])
let signing = EncoderSecurity.sign(user: FuzzCredentials.user, password: FuzzCredentials.password)
let encryption = EncoderSecurity.encrypt(user: FuzzCredentials.user, password: FuzzCredentials.password)

/// The collectd network decoder, plain, signed and encrypted.
///
/// The first byte picks the decoder's SecurityLevel (value % 3: None, Sign, Encrypt) and what is done to the rest
/// before decoding (value / 3 % 3: taken as it is, signed, or encrypted with the fixed user), so mutations reach
/// both the security parts themselves and the parts inside a valid signature or encryption. Bit 7 set leaves the
/// auth file out. The datagram is decoded twice by one decoder (its string cache carries over), and the records
/// are written back as PUTVAL and JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = Int(data[0] & 0x7F)
    var datagram = inputBytes(data + 1, size - 1)
    switch (mode / 3) % 3 {
    case 1: datagram = signing.seal(datagram)
    case 2: datagram = encryption.seal(datagram)
    default: break
    }
    let level = SecurityLevel.allCases[mode % 3]
    var decoder = NetworkDecoder(securityLevel: level, authFile: data[0] & 0x80 == 0 ? authFile : nil)
    let (records, _) = decoder.decode(datagram)
    let (again, _) = decoder.decode(datagram)
    precondition(records == again, "the same datagram decoded twice gave different records")
    for record in records {
        _ = PutvalText.format(record)
        _ = CollectdJSON.encode(record, typesDB: .builtIn)
    }
    return 0
}
