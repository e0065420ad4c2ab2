/// Part types of collectd's binary network protocol (src/network.h).
enum PartType {
    static let host: UInt16 = 0x0000
    static let time: UInt16 = 0x0001
    static let plugin: UInt16 = 0x0002
    static let pluginInstance: UInt16 = 0x0003
    static let type: UInt16 = 0x0004
    static let typeInstance: UInt16 = 0x0005
    static let values: UInt16 = 0x0006
    static let interval: UInt16 = 0x0007
    static let timeHighResolution: UInt16 = 0x0008
    static let intervalHighResolution: UInt16 = 0x0009
    static let message: UInt16 = 0x0100
    static let severity: UInt16 = 0x0101
    static let signSHA256: UInt16 = 0x0200
    static let encryptAES256: UInt16 = 0x0210
}

/// Sizes collectd's network plugin uses.
public enum NetworkLimits {
    /// collectd's default `MaxPacketSize`: Ethernet MTU minus IPv6 and UDP headers.
    public static let defaultMaxDatagramSize = 1452
    /// Room collectd reserves in every datagram it sends for a signature or encryption header
    /// (`BUFF_SIG_SIZE`: 42 bytes of encryption header and a 64-byte user name).
    public static let securityReserve = 106
    /// collectd's identifier fields (host, plugin, ...) hold 127 bytes and a NUL.
    public static let maxIdentifierBytes = 127
    /// collectd's notification message holds 255 bytes and a NUL.
    public static let maxMessageBytes = 255
    /// Fixed part of a signature part: header and HMAC; the user name follows.
    static let signatureHeaderSize = 36
    /// Fixed part of an encryption part: header, user name length, IV and SHA-1; the user name sits in between.
    static let encryptionHeaderSize = 42
}

/// What a collectd network server requires of what it receives (`SecurityLevel` in `<Plugin network>`).
public enum SecurityLevel: String, Sendable, CaseIterable {
    /// Everything is accepted; signatures are checked when an auth file is given, else ignored, and encrypted
    /// parts are decrypted when their user is known.
    case none
    /// Only signed or encrypted data is used; other parts are skipped.
    case sign
    /// Only encrypted data is used; other parts are skipped.
    case encrypt
}

/// Who vouched for a decoded record: the security it arrived under and the user that signed or encrypted it.
public struct RecordOrigin: Sendable, Hashable {
    /// `.sign` for verified signed data, `.encrypt` for decrypted data, `.none` otherwise.
    public var security: SecurityLevel
    /// The user of the signature or encryption part, nil for plain data.
    public var user: String?

    public init(security: SecurityLevel, user: String?) {
        self.security = security
        self.user = user
    }

    public static let plain = RecordOrigin(security: .none, user: nil)
}

/// Why (part of) a datagram was skipped, counted by reason. Records before the bad part are still delivered, as
/// collectd delivers them.
public enum DecodeFailure: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The datagram ends inside a part: a part's length runs past the end (a short read, or a length that lies),
    /// or 1 to 4 stray bytes follow the last part. collectd logs "Received truncated packet".
    case truncated
    /// A part's length cannot be right for its type: shorter than its 4-byte header, a number part that is not
    /// 12 bytes, a string part with no content, or a values part whose length disagrees with its value count.
    case badLength
    /// A string part that does not end in NUL, or longer than collectd's fields (127 bytes; 255 for a message).
    case badString
    /// A values part with no values or an unknown data source type.
    case badValues
    /// A signature part that is malformed or whose HMAC-SHA-256 does not match: the signed data was dropped.
    case badSignature
    /// Signed or encrypted by a user the auth file does not know (or no auth file was given for encrypted data).
    case unknownUser
    /// An encryption part that is malformed or whose SHA-1 check fails after decryption (a wrong password).
    case decryptFailed
    /// Parts were skipped because they were not signed or encrypted as the security level requires.
    case securityLevel
    /// A value list without time, host, plugin or type, or a notification without a known severity, a time or a
    /// message, was dropped (collectd drops these too); the rest of the datagram was used.
    case missingFields
    /// The datagram is larger than the decoder's `maxDatagramSize` and was not read.
    case tooLarge

    public var description: String {
        rawValue
    }

    /// One line for a log, saying what was wrong with the datagram.
    public var explanation: String {
        switch self {
        case .truncated: "the datagram ends inside a part (cut short, or a part length runs past the end)"
        case .badLength: "a part's length does not fit its type"
        case .badString: "a string part is not NUL-terminated or is longer than collectd's fields"
        case .badValues: "a values part holds no values or an unknown data source type"
        case .badSignature: "the HMAC-SHA-256 signature does not match (wrong password or altered data)"
        case .unknownUser: "signed or encrypted by a user the auth file does not list"
        case .decryptFailed: "the encrypted part does not decrypt to data with a matching SHA-1 (wrong password?)"
        case .securityLevel: "parts that are not signed or encrypted as the security level requires were skipped"
        case .missingFields: "a value list or notification lacked fields collectd requires and was dropped"
        case .tooLarge: "the datagram is larger than the decoder accepts"
        }
    }

    var index: Int {
        switch self {
        case .truncated: 0
        case .badLength: 1
        case .badString: 2
        case .badValues: 3
        case .badSignature: 4
        case .unknownUser: 5
        case .decryptFailed: 6
        case .securityLevel: 7
        case .missingFields: 8
        case .tooLarge: 9
        }
    }
}

/// Running totals of a decoder: every datagram is either ok or counted once under its first failure.
public struct DecodeCounters: Sendable, Hashable {
    /// Datagrams handed to the decoder.
    public internal(set) var datagrams = 0
    /// Bytes handed to the decoder.
    public internal(set) var bytes = 0
    /// Datagrams decoded without any failure.
    public internal(set) var ok = 0
    /// Value lists delivered.
    public internal(set) var valueLists = 0
    /// Notifications delivered.
    public internal(set) var notifications = 0
    private var failures = [Int](repeating: 0, count: DecodeFailure.allCases.count)

    public init() {}

    /// Datagrams with a failure (of any reason).
    public var bad: Int {
        failures.reduce(0, +)
    }

    /// Datagrams whose first failure was this reason.
    public subscript(reason: DecodeFailure) -> Int {
        failures[reason.index]
    }

    /// The non-zero failure counts.
    public var badByReason: [DecodeFailure: Int] {
        var result: [DecodeFailure: Int] = [:]
        for reason in DecodeFailure.allCases where failures[reason.index] > 0 {
            result[reason] = failures[reason.index]
        }
        return result
    }

    mutating func count(_ failure: DecodeFailure) {
        failures[failure.index] += 1
    }
}
