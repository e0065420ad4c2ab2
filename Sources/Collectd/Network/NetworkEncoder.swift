internal import Crypto

/// How an encoder protects the datagrams it sends, as collectd's `<Server>` `SecurityLevel` with `Username` and
/// `Password`.
public enum EncoderSecurity: Sendable, Hashable {
    case none
    /// HMAC-SHA-256 signature part in front of the data.
    case sign(user: String, password: String)
    /// The data in one AES-256-OFB encryption part, with a SHA-1 check and a random IV.
    case encrypt(user: String, password: String)

    /// Wraps a plain datagram as collectd's client does under this security; `.none` returns it unchanged.
    /// Lets a tool sign or encrypt datagrams it replays as captured.
    public func seal(_ payload: [UInt8]) -> [UInt8] {
        DatagramSealer(self).seal(payload)
    }

    /// Bytes the security part adds to a datagram.
    public var overhead: Int {
        DatagramSealer(self).overhead
    }
}

/// Packs value lists and notifications into collectd network-protocol datagrams the way collectd's network plugin
/// does (src/network.c, `add_to_buffer` and `network_notification`).
///
/// - A value list's host, time, interval, plugin, plugin instance, type and type instance are written only when
///   they differ from the previous value list in the same datagram; each datagram starts from empty fields.
/// - Value lists fill a datagram up to the maximum size less collectd's 106-byte security reserve (so plain
///   datagrams are at most 1346 bytes by default, as collectd sends them); one that does not fit starts the next.
/// - A notification travels alone in its own datagram, at once, as collectd sends it.
/// - Identifier strings longer than collectd's 127-byte fields (255 for a message) are cut, as collectd's fixed
///   fields cut them; a value list too big for any datagram is dropped and counted in ``droppedRecords``.
///
/// Speed: the datagram is built in one reused buffer; a completed datagram is the only allocation.
public struct NetworkEncoder: Sendable {
    /// The largest datagram this encoder produces.
    public let maxDatagramSize: Int
    /// The protection applied to each datagram.
    public let security: EncoderSecurity
    /// Records that could not be sent (a value list with no values, or a record too big for a datagram).
    public private(set) var droppedRecords = 0

    private let sealer: DatagramSealer
    private let payloadLimit: Int
    private var buffer: [UInt8]
    private var fill = 0
    private var last = WrittenFields()

    /// The fields already written in the current datagram (collectd's `send_buffer_vl`).
    private struct WrittenFields {
        var host = ""
        var plugin = ""
        var pluginInstance = ""
        var type = ""
        var typeInstance = ""
        var time: UInt64 = 0
        var interval: UInt64 = 0
    }

    /// - Parameters:
    ///   - maxDatagramSize: collectd's `MaxPacketSize` (default 1452), clamped to 65535.
    ///   - security: signing or encryption of every datagram.
    public init(maxDatagramSize: Int = NetworkLimits.defaultMaxDatagramSize, security: EncoderSecurity = .none) {
        let size = min(maxDatagramSize, 65535)
        self.maxDatagramSize = size
        self.security = security
        sealer = DatagramSealer(security)
        payloadLimit = max(size - max(NetworkLimits.securityReserve, sealer.overhead), 32)
        buffer = [UInt8](repeating: 0, count: payloadLimit)
    }

    /// Adds a record; returns the datagrams completed by it (usually none: value lists wait for a full datagram
    /// or ``flush()``; a notification comes back at once in its own datagram).
    public mutating func add(_ record: CollectdRecord) -> [[UInt8]] {
        switch record {
        case .values(let list):
            return add(list)
        case .notification(let notification):
            return add(notification)
        }
    }

    /// Adds a value list; returns the datagram it completed, if any.
    public mutating func add(_ list: ValueList) -> [[UInt8]] {
        let valueCount = list.values.count
        guard valueCount > 0, 6 + 9 * valueCount <= payloadLimit else {
            droppedRecords += 1
            return []
        }
        var completed: [[UInt8]] = []
        var changes = changedFields(list)
        if fill + changes.size > payloadLimit {
            if fill > 0 { completed.append(finishDatagram()) }
            changes = changedFields(list)
            if changes.size > payloadLimit {
                droppedRecords += 1
                return completed
            }
        }
        write(list, changes)
        return completed
    }

    /// Encodes a notification in a datagram of its own, as collectd does.
    public mutating func add(_ notification: Notification) -> [[UInt8]] {
        var writer = PartWriter(capacity: maxDatagramSize)
        writer.number(PartType.timeHighResolution, notification.time.raw)
        writer.number(PartType.severity, UInt64(notification.severity.rawValue))
        let fields: [(UInt16, String)] = [
            (PartType.host, notification.host),
            (PartType.plugin, notification.plugin),
            (PartType.pluginInstance, notification.pluginInstance),
            (PartType.type, notification.type),
            (PartType.typeInstance, notification.typeInstance),
        ]
        for (type, text) in fields where !text.isEmpty {
            writer.string(type, text, limit: NetworkLimits.maxIdentifierBytes)
        }
        writer.string(PartType.message, notification.message, limit: NetworkLimits.maxMessageBytes)
        guard writer.bytes.count + sealer.overhead <= maxDatagramSize else {
            droppedRecords += 1
            return []
        }
        return [sealer.seal(writer.bytes)]
    }

    /// Ends the current datagram; returns it (or nothing when it is empty).
    public mutating func flush() -> [[UInt8]] {
        fill > 0 ? [finishDatagram()] : []
    }

    /// Bytes waiting in the current datagram.
    public var pendingBytes: Int {
        fill
    }

    private mutating func finishDatagram() -> [UInt8] {
        let payload = Array(buffer[0..<fill])
        fill = 0
        last = WrittenFields()
        return sealer.seal(payload)
    }

    /// Which fields a value list must write, and the bytes that takes.
    private struct Changes {
        var host = false
        var time = false
        var interval = false
        var plugin = false
        var pluginInstance = false
        var type = false
        var typeInstance = false
        var size: Int
    }

    /// Compares with the fields already written (a method, not an initializer: initializers take their arguments
    /// owned, which would copy the value list).
    private func changedFields(_ list: ValueList) -> Changes {
        var changes = Changes(size: 6 + 9 * list.values.count)
        let limit = NetworkLimits.maxIdentifierBytes
        if list.host != last.host {
            changes.host = true
            changes.size += PartWriter.stringPartSize(list.host, limit: limit)
        }
        if list.time.raw != last.time {
            changes.time = true
            changes.size += 12
        }
        if list.interval.raw != last.interval {
            changes.interval = true
            changes.size += 12
        }
        if list.plugin != last.plugin {
            changes.plugin = true
            changes.size += PartWriter.stringPartSize(list.plugin, limit: limit)
        }
        if list.pluginInstance != last.pluginInstance {
            changes.pluginInstance = true
            changes.size += PartWriter.stringPartSize(list.pluginInstance, limit: limit)
        }
        if list.type != last.type {
            changes.type = true
            changes.size += PartWriter.stringPartSize(list.type, limit: limit)
        }
        if list.typeInstance != last.typeInstance {
            changes.typeInstance = true
            changes.size += PartWriter.stringPartSize(list.typeInstance, limit: limit)
        }
        return changes
    }

    /// Writes the parts in collectd's order: host, time, interval, plugin, plugin instance, type, type instance,
    /// values.
    private mutating func write(_ list: ValueList, _ changes: Changes) {
        var offset = fill
        let limit = NetworkLimits.maxIdentifierBytes
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            if changes.host { PartWriter.writeString(base, &offset, PartType.host, list.host, limit: limit) }
            if changes.time { PartWriter.writeNumber(base, &offset, PartType.timeHighResolution, list.time.raw) }
            if changes.interval {
                PartWriter.writeNumber(base, &offset, PartType.intervalHighResolution, list.interval.raw)
            }
            if changes.plugin { PartWriter.writeString(base, &offset, PartType.plugin, list.plugin, limit: limit) }
            if changes.pluginInstance {
                PartWriter.writeString(base, &offset, PartType.pluginInstance, list.pluginInstance, limit: limit)
            }
            if changes.type { PartWriter.writeString(base, &offset, PartType.type, list.type, limit: limit) }
            if changes.typeInstance {
                PartWriter.writeString(base, &offset, PartType.typeInstance, list.typeInstance, limit: limit)
            }
            PartWriter.writeValues(base, &offset, list.values)
        }
        fill = offset
        if changes.host { last.host = list.host }
        if changes.time { last.time = list.time.raw }
        if changes.interval { last.interval = list.interval.raw }
        if changes.plugin { last.plugin = list.plugin }
        if changes.pluginInstance { last.pluginInstance = list.pluginInstance }
        if changes.type { last.type = list.type }
        if changes.typeInstance { last.typeInstance = list.typeInstance }
    }
}

/// Writes network-protocol parts.
struct PartWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func number(_ type: UInt16, _ value: UInt64) {
        appendHeader(type, length: 12)
        appendBigEndian(value)
    }

    mutating func string(_ type: UInt16, _ text: String, limit: Int) {
        let count = Self.truncatedCount(text, limit: limit)
        appendHeader(type, length: count + 5)
        bytes.append(contentsOf: text.utf8.prefix(count))
        bytes.append(0)
    }

    private mutating func appendHeader(_ type: UInt16, length: Int) {
        bytes.append(UInt8(type >> 8))
        bytes.append(UInt8(type & 0xFF))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
    }

    private mutating func appendBigEndian(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// The UTF-8 length of `text` cut to at most `limit` bytes without splitting a character's encoding.
    static func truncatedCount(_ text: String, limit: Int) -> Int {
        let utf8 = text.utf8
        let count = utf8.count
        if count <= limit { return count }
        var cut = limit
        var index = utf8.index(utf8.startIndex, offsetBy: cut)
        while cut > 0, utf8[index] & 0xC0 == 0x80 {
            cut -= 1
            index = utf8.index(before: index)
        }
        return cut
    }

    static func stringPartSize(_ text: String, limit: Int) -> Int {
        5 + truncatedCount(text, limit: limit)
    }

    static func writeHeader(_ base: UnsafeMutableRawPointer, _ offset: inout Int, _ type: UInt16, _ length: Int) {
        base.storeBytes(of: type.bigEndian, toByteOffset: offset, as: UInt16.self)
        base.storeBytes(of: UInt16(truncatingIfNeeded: length).bigEndian, toByteOffset: offset + 2, as: UInt16.self)
        offset += 4
    }

    static func writeNumber(_ base: UnsafeMutableRawPointer, _ offset: inout Int, _ type: UInt16, _ value: UInt64) {
        writeHeader(base, &offset, type, 12)
        base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    static func writeString(
        _ base: UnsafeMutableRawPointer,
        _ offset: inout Int,
        _ type: UInt16,
        _ text: String,
        limit: Int
    ) {
        let count = truncatedCount(text, limit: limit)
        writeHeader(base, &offset, type, count + 5)
        let target = base + offset
        let copied = text.utf8.withContiguousStorageIfAvailable { source -> Bool in
            if let sourceBase = source.baseAddress, count > 0 {
                target.copyMemory(from: sourceBase, byteCount: count)
            }
            return true
        }
        if copied == nil {
            var index = 0
            for byte in text.utf8.prefix(count) {
                target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                index += 1
            }
        }
        target.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        offset += count + 1
    }

    static func writeValues(_ base: UnsafeMutableRawPointer, _ offset: inout Int, _ values: [Value]) {
        let count = values.count
        writeHeader(base, &offset, PartType.values, 6 + 9 * count)
        base.storeBytes(of: UInt16(truncatingIfNeeded: count).bigEndian, toByteOffset: offset, as: UInt16.self)
        offset += 2
        let numbers = offset + count
        for (index, value) in values.enumerated() {
            let bits: UInt64
            switch value {
            case .counter(let number): bits = number.bigEndian
            case .gauge(let number): bits = number.bitPattern.littleEndian
            case .derive(let number): bits = UInt64(bitPattern: number).bigEndian
            case .absolute(let number): bits = number.bigEndian
            }
            base.storeBytes(of: value.type.rawValue, toByteOffset: offset + index, as: UInt8.self)
            base.storeBytes(of: bits, toByteOffset: numbers + 8 * index, as: UInt64.self)
        }
        offset = numbers + 8 * count
    }
}

/// Applies collectd's client-side signing or encryption to a finished datagram.
struct DatagramSealer: Sendable {
    private enum Mode: Sendable {
        case none
        case sign
        case encrypt
    }

    private let mode: Mode
    private let user: [UInt8]
    private let password: [UInt8]
    private let encryptionKey: [UInt8]
    let overhead: Int

    init(_ security: EncoderSecurity) {
        switch security {
        case .none:
            mode = .none
            user = []
            password = []
        case .sign(let user, let password):
            mode = .sign
            self.user = Array(user.utf8)
            self.password = Array(password.utf8)
        case .encrypt(let user, let password):
            mode = .encrypt
            self.user = Array(user.utf8)
            self.password = Array(password.utf8)
        }
        encryptionKey = mode == .encrypt ? Array(SHA256.hash(data: password)) : []
        switch mode {
        case .none: overhead = 0
        case .sign: overhead = NetworkLimits.signatureHeaderSize + user.count
        case .encrypt: overhead = NetworkLimits.encryptionHeaderSize + user.count
        }
    }

    func seal(_ payload: [UInt8]) -> [UInt8] {
        switch mode {
        case .none:
            return payload
        case .sign:
            let length = NetworkLimits.signatureHeaderSize + user.count
            let mac = user.withUnsafeBytes { userBytes in
                payload.withUnsafeBytes { payloadBytes in
                    NetworkCrypto.hmacSHA256(key: password, userBytes, payloadBytes)
                }
            }
            var datagram: [UInt8] = [
                0x02, 0x00, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
            ]
            datagram.reserveCapacity(length + payload.count)
            datagram.append(contentsOf: mac)
            datagram.append(contentsOf: user)
            datagram.append(contentsOf: payload)
            return datagram
        case .encrypt:
            let length = NetworkLimits.encryptionHeaderSize + user.count + payload.count
            let iv = NetworkCrypto.randomIV()
            var datagram: [UInt8] = [
                0x02, 0x10, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
                UInt8(truncatingIfNeeded: user.count >> 8), UInt8(truncatingIfNeeded: user.count),
            ]
            datagram.reserveCapacity(length)
            datagram.append(contentsOf: user)
            datagram.append(contentsOf: iv)
            let encryptedStart = datagram.count
            datagram.append(contentsOf: payload.withUnsafeBytes { NetworkCrypto.sha1($0) })
            datagram.append(contentsOf: payload)
            datagram.withUnsafeMutableBytes { bytes in
                let encrypted = UnsafeMutableRawBufferPointer(rebasing: bytes[encryptedStart...])
                iv.withUnsafeBytes { ivBytes in
                    _ = NetworkCrypto.aes256OFB(encrypted, key: encryptionKey, iv: ivBytes)
                }
            }
            return datagram
        }
    }
}
