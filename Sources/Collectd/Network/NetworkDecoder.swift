#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes collectd network-protocol datagrams into value lists and notifications, as collectd's network plugin
/// (src/network.c, `parse_packet`) reads them.
///
/// Parsing is a state machine over parts: string and time parts set the current identifier, each values part
/// delivers a value list, each message part a notification. A signature part covers the rest of the datagram and
/// an encryption part its own payload; both start a fresh state, as in collectd. A bad datagram never stops the
/// stream: what came before the bad part is delivered, the reason is returned and counted.
///
/// Speed: parts are read in place from the buffer; identifier strings are built only when a string part arrives
/// (value lists then share their storage), so a value list costs its values array and little else.
public struct NetworkDecoder: Sendable {
    /// What must be signed or encrypted.
    public let securityLevel: SecurityLevel
    /// Users and passwords for signed and encrypted data.
    public let authFile: AuthFile?
    /// Datagrams larger than this are not read (`tooLarge`). The default takes any UDP datagram.
    public var maxDatagramSize: Int
    /// Totals since the decoder was made.
    public private(set) var counters = DecodeCounters()

    private var recentStrings = RecentStrings()
    /// The values of the value list being read. A record shares it; once the record is gone the next value list
    /// reuses its storage (a record kept by the caller keeps its own copy: arrays copy on write), so a value list
    /// costs no allocation of its own, and none of the runtime's generic metadata lookup that comes with one.
    private var valueBuffer: [Value] = []

    public init(securityLevel: SecurityLevel = .none, authFile: AuthFile? = nil, maxDatagramSize: Int = 65535) {
        self.securityLevel = securityLevel
        self.authFile = authFile
        self.maxDatagramSize = maxDatagramSize
    }

    /// Decodes one datagram: calls `emit` for each value list / notification; returns nil on success or the reason
    /// (part of) it was skipped (records before the bad part are still emitted, as collectd does).
    public mutating func decode(_ datagram: UnsafeRawBufferPointer, emit: (CollectdRecord) -> Void) -> DecodeFailure? {
        decode(datagram, emitWithOrigin: { record, _ in emit(record) })
    }

    /// As ``decode(_:emit:)``, also telling for each record whether it was signed or encrypted, and by whom.
    public mutating func decode(
        _ datagram: UnsafeRawBufferPointer,
        emitWithOrigin emit: (CollectdRecord, RecordOrigin) -> Void
    ) -> DecodeFailure? {
        counters.datagrams += 1
        counters.bytes += datagram.count
        var failure: DecodeFailure? = nil
        if datagram.count > maxDatagramSize {
            failure = .tooLarge
        } else if let base = datagram.baseAddress {
            failure = parse(base, count: datagram.count, signed: false, encrypted: false, user: nil, emit: emit)
        }
        if let failure {
            counters.count(failure)
        } else {
            counters.ok += 1
        }
        return failure
    }

    /// Decodes one datagram into an array (convenient in tests and tools; the closure form avoids the array).
    public mutating func decode(_ datagram: [UInt8]) -> (records: [CollectdRecord], failure: DecodeFailure?) {
        var records: [CollectdRecord] = []
        let failure = datagram.withUnsafeBytes { bytes in
            decode(bytes) { records.append($0) }
        }
        return (records, failure)
    }

    /// The state `parse_packet` keeps while it walks a datagram.
    private struct PartState {
        var host = ""
        var plugin = ""
        var pluginInstance = ""
        var type = ""
        var typeInstance = ""
        var time: UInt64 = 0
        var interval: UInt64 = 0
        var severity = 0
    }

    private mutating func parse(
        _ base: UnsafeRawPointer,
        count: Int,
        signed: Bool,
        encrypted: Bool,
        user: String?,
        emit: (CollectdRecord, RecordOrigin) -> Void
    ) -> DecodeFailure? {
        var state = PartState()
        let origin = RecordOrigin(security: encrypted ? .encrypt : (signed ? .sign : .none), user: user)
        var failure: DecodeFailure? = nil
        var offset = 0
        while count - offset > 4 {
            let part = base + offset
            let remaining = count - offset
            let type = UInt16(bigEndian: part.loadUnaligned(as: UInt16.self))
            let length = Int(UInt16(bigEndian: part.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            if length > remaining { return failure ?? .truncated }
            if length < 4 { return failure ?? .badLength }

            if type == PartType.encryptAES256 {
                switch decrypt(part, length: length, remaining: remaining, signed: signed, emit: emit) {
                case .failure(let reason):
                    return failure ?? reason
                case .success(let nestedFailure):
                    if failure == nil { failure = nestedFailure }
                }
                offset += length
                continue
            }
            if securityLevel == .encrypt && !encrypted {
                if failure == nil { failure = .securityLevel }
                offset += length
                continue
            }
            if type == PartType.signSHA256 {
                if length <= NetworkLimits.signatureHeaderSize { return failure ?? .badSignature }
                guard let authFile else {
                    if securityLevel == .none {
                        // collectd without an AuthFile accepts signed data unverified and reads on.
                        offset += length
                        continue
                    }
                    return failure ?? .unknownUser
                }
                let nestedFailure = verify(
                    part,
                    length: length,
                    remaining: remaining,
                    authFile: authFile,
                    encrypted: encrypted,
                    emit: emit
                )
                return failure ?? nestedFailure
            }
            if securityLevel == .sign && !signed && !encrypted {
                if failure == nil { failure = .securityLevel }
                offset += length
                continue
            }

            switch type {
            case PartType.values:
                guard length >= 6 else { return failure ?? .badLength }
                let valueCount = Int(UInt16(bigEndian: part.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
                guard length == 6 + 9 * valueCount else { return failure ?? .badLength }
                guard valueCount > 0, Self.readValues(part + 6, count: valueCount, into: &valueBuffer) else {
                    return failure ?? .badValues
                }
                if state.time == 0 || state.host.isEmpty || state.plugin.isEmpty || state.type.isEmpty {
                    if failure == nil { failure = .missingFields }
                } else {
                    counters.valueLists += 1
                    let list = ValueList(
                        host: state.host,
                        plugin: state.plugin,
                        pluginInstance: state.pluginInstance,
                        type: state.type,
                        typeInstance: state.typeInstance,
                        time: CollectdTime(raw: state.time),
                        interval: CollectdTime(raw: state.interval),
                        values: valueBuffer
                    )
                    emit(.values(list), origin)
                }

            case PartType.time, PartType.timeHighResolution, PartType.interval, PartType.intervalHighResolution,
                PartType.severity:
                guard length == 12 else { return failure ?? .badLength }
                let number = UInt64(bigEndian: part.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
                switch type {
                case PartType.time: state.time = number &<< 30
                case PartType.timeHighResolution: state.time = number
                case PartType.interval: state.interval = number &<< 30
                case PartType.intervalHighResolution: state.interval = number
                default: state.severity = Int(Int32(truncatingIfNeeded: number))
                }

            case PartType.host, PartType.plugin, PartType.pluginInstance, PartType.type, PartType.typeInstance,
                PartType.message:
                guard length > 4 else { return failure ?? .badLength }
                let isMessage = type == PartType.message
                let capacity = (isMessage ? NetworkLimits.maxMessageBytes : NetworkLimits.maxIdentifierBytes) + 1
                guard length - 4 <= capacity, part.load(fromByteOffset: length - 1, as: UInt8.self) == 0 else {
                    return failure ?? .badString
                }
                let field: Int
                switch type {
                case PartType.host: field = 0
                case PartType.plugin: field = 1
                case PartType.pluginInstance: field = 2
                case PartType.type: field = 3
                case PartType.typeInstance: field = 4
                default: field = 5
                }
                let text = recentStrings.string(field: field, bytes: part + 4, count: length - 5)
                switch type {
                case PartType.host: state.host = text
                case PartType.plugin: state.plugin = text
                case PartType.pluginInstance: state.pluginInstance = text
                case PartType.type: state.type = text
                case PartType.typeInstance: state.typeInstance = text
                default:
                    if let severity = Notification.Severity(rawValue: state.severity), state.time != 0,
                        !text.isEmpty
                    {
                        counters.notifications += 1
                        let notification = Notification(
                            severity: severity,
                            time: CollectdTime(raw: state.time),
                            message: text,
                            host: state.host,
                            plugin: state.plugin,
                            pluginInstance: state.pluginInstance,
                            type: state.type,
                            typeInstance: state.typeInstance
                        )
                        emit(.notification(notification), origin)
                    } else if failure == nil {
                        failure = .missingFields
                    }
                }

            default:
                break  // Unknown parts are skipped by their length.
            }
            offset += length
        }
        if offset < count { return failure ?? .truncated }
        return failure
    }

    /// Reads `count` values: a type byte each, then 8 bytes each (GAUGE little-endian, the rest big-endian).
    private static func readValues(_ start: UnsafeRawPointer, count: Int, into values: inout [Value]) -> Bool {
        if values.count == count {
            // The common case, a list as long as the one before: overwritten in place (copied first if a record
            // still holds the buffer), without the array's generic removal and appends.
            return values.withUnsafeMutableBufferPointer { buffer in
                let numbers = start + count
                for index in 0..<count {
                    let bits = numbers.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
                    switch start.load(fromByteOffset: index, as: UInt8.self) {
                    case 0: buffer[index] = .counter(UInt64(bigEndian: bits))
                    case 1: buffer[index] = .gauge(Double(bitPattern: UInt64(littleEndian: bits)))
                    case 2: buffer[index] = .derive(Int64(bitPattern: UInt64(bigEndian: bits)))
                    case 3: buffer[index] = .absolute(UInt64(bigEndian: bits))
                    default: return false
                    }
                }
                return true
            }
        }
        values.removeAll(keepingCapacity: true)
        values.reserveCapacity(count)
        let numbers = start + count
        for index in 0..<count {
            let bits = numbers.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
            switch start.load(fromByteOffset: index, as: UInt8.self) {
            case 0: values.append(.counter(UInt64(bigEndian: bits)))
            case 1: values.append(.gauge(Double(bitPattern: UInt64(littleEndian: bits))))
            case 2: values.append(.derive(Int64(bitPattern: UInt64(bigEndian: bits))))
            case 3: values.append(.absolute(UInt64(bigEndian: bits)))
            default: return false
            }
        }
        return true
    }

    /// Checks a signature part and, when it holds, decodes the rest of the datagram as signed data.
    private mutating func verify(
        _ part: UnsafeRawPointer,
        length: Int,
        remaining: Int,
        authFile: AuthFile,
        encrypted: Bool,
        emit: (CollectdRecord, RecordOrigin) -> Void
    ) -> DecodeFailure? {
        let header = NetworkLimits.signatureHeaderSize
        let user = Self.userName(part + header, count: length - header)
        guard let credentials = authFile.credentials(for: user) else { return .unknownUser }
        // The HMAC covers the user name and everything after the signature part.
        let mac = NetworkCrypto.hmacSHA256(
            key: credentials.passwordBytes,
            UnsafeRawBufferPointer(start: part + header, count: remaining - header)
        )
        guard NetworkCrypto.constantTimeEqual(UnsafeRawBufferPointer(start: part + 4, count: 32), mac) else {
            return .badSignature
        }
        return parse(
            part + length,
            count: remaining - length,
            signed: true,
            encrypted: encrypted,
            user: user,
            emit: emit
        )
    }

    /// Decrypts an encryption part and decodes its payload; `.success` carries the payload's own failure, if any.
    private mutating func decrypt(
        _ part: UnsafeRawPointer,
        length: Int,
        remaining: Int,
        signed: Bool,
        emit: (CollectdRecord, RecordOrigin) -> Void
    ) -> Result<DecodeFailure?, DecodeFailure> {
        let header = NetworkLimits.encryptionHeaderSize
        guard remaining > header, length > header else { return .failure(.decryptFailed) }
        let userLength = Int(UInt16(bigEndian: part.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
        guard userLength > 0, userLength <= length - header - 1 else { return .failure(.decryptFailed) }
        let user = Self.userName(part + 6, count: userLength)
        guard let credentials = authFile?.credentials(for: user) else { return .failure(.unknownUser) }
        let iv = UnsafeRawBufferPointer(start: part + 6 + userLength, count: 16)
        let encryptedStart = 6 + userLength + 16
        var plain = [UInt8](UnsafeRawBufferPointer(start: part + encryptedStart, count: length - encryptedStart))
        let decrypted = plain.withUnsafeMutableBytes { bytes in
            NetworkCrypto.aes256OFB(bytes, key: credentials.encryptionKey, iv: iv)
        }
        guard decrypted else { return .failure(.decryptFailed) }
        return plain.withUnsafeBytes { bytes in
            let payload = UnsafeRawBufferPointer(rebasing: bytes[20...])
            let hash = NetworkCrypto.sha1(payload)
            guard NetworkCrypto.constantTimeEqual(UnsafeRawBufferPointer(rebasing: bytes[0..<20]), hash),
                let payloadBase = payload.baseAddress
            else {
                return .failure(.decryptFailed)
            }
            return .success(
                parse(payloadBase, count: payload.count, signed: signed, encrypted: true, user: user, emit: emit)
            )
        }
    }

    /// A user name from the wire; like collectd, it ends at a NUL if one occurs.
    private static func userName(_ start: UnsafeRawPointer, count: Int) -> String {
        let bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
        let end = bytes.firstIndex(of: 0) ?? count
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }
}

extension DecodeFailure: Error {}

/// Strings seen lately, by field and bytes, so the names a datagram repeats (a host, the plugins, the types and their
/// instances, which collectd writes again whenever they change from one value list to the next) are compared, not
/// built again: building a String validates and copies its bytes, and was a fifth of decoding.
private struct RecentStrings: Sendable {
    /// A power of two: slots are picked by the low bits of a hash of the field and the bytes.
    private static let slotCount = 512
    /// Longer strings are built every time (collectd's names are at most 63 bytes).
    private static let longest = 64
    /// Per slot: the field (-1 when empty), the length, the bytes (at slot * longest in `pool`) and the string.
    private var fields = [Int](repeating: -1, count: slotCount)
    private var lengths = [Int](repeating: 0, count: slotCount)
    private var pool = [UInt8](repeating: 0, count: slotCount * longest)
    private var strings = [String](repeating: "", count: slotCount)

    /// The string of a string part's payload (without its final NUL), cut at the first NUL as C would read it.
    mutating func string(field: Int, bytes start: UnsafeRawPointer, count: Int) -> String {
        let bytes = start.assumingMemoryBound(to: UInt8.self)
        var length = 0
        var hash = UInt64(field) &+ 0x9E37_79B9_7F4A_7C15
        // Eight bytes at a time until a word holds a NUL, then byte by byte.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while length + 8 <= count {
            let word = start.loadUnaligned(fromByteOffset: length, as: UInt64.self)
            if (word &- ones) & ~word & highs != 0 { break }
            hash = (hash ^ word) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 32
            length += 8
        }
        while length < count && bytes[length] != 0 {
            hash = (hash ^ UInt64(bytes[length])) &* 0x0000_0100_0000_01B3
            length += 1
        }
        let text = UnsafeBufferPointer(start: bytes, count: length)
        guard length <= Self.longest else { return String(decoding: text, as: UTF8.self) }
        let slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & (Self.slotCount - 1)
        let matches =
            fields.withUnsafeBufferPointer { $0[slot] } == field
            && lengths.withUnsafeBufferPointer { $0[slot] } == length
            && pool.withUnsafeBufferPointer { memcmp($0.baseAddress! + slot * Self.longest, bytes, length) == 0 }
        if matches { return strings[slot] }
        let fresh = String(decoding: text, as: UTF8.self)
        fields[slot] = field
        lengths[slot] = length
        pool.withUnsafeMutableBufferPointer { pool in
            _ = memcpy(pool.baseAddress! + slot * Self.longest, bytes, length)
        }
        strings[slot] = fresh
        return fresh
    }
}
