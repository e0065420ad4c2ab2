/// A 64-bit hash of a value in which the order of an object's members does not count, as `==` does not.
///
/// The listener tells an event sent again from a different event with the same eventId by this; hashing the
/// parsed value directly costs a small part of writing it out with sorted keys and hashing that. Not seeded and
/// not meant to resist chosen collisions: use it to compare values, not to key a table an attacker fills.
extension JSONValue {
    public var fingerprint: UInt64 {
        switch self {
        case .null: return Fingerprint.mix(1, 0)
        case .bool(let value): return Fingerprint.mix(2, value ? 1 : 0)
        case .integer(let value): return Fingerprint.mix(3, UInt64(bitPattern: value))
        // -0.0 == 0.0, so both hash alike
        case .number(let value): return Fingerprint.mix(4, value == 0 ? 0 : value.bitPattern)
        case .string(let text): return Fingerprint.mix(5, Fingerprint.bytes(text))
        case .largeInteger(let text): return Fingerprint.mix(6, Fingerprint.bytes(text))
        case .array(let items):
            var hash = Fingerprint.mix(7, UInt64(items.count))
            for item in items { hash = Fingerprint.mix(hash, item.fingerprint) }
            return hash
        case .object(let object):
            // members are summed, so any order gives the same hash
            var sum: UInt64 = 0
            for member in object.storage {
                sum &+= Fingerprint.mix(Fingerprint.bytes(member.key), member.value.fingerprint)
            }
            return Fingerprint.mix(Fingerprint.mix(8, UInt64(object.storage.count)), sum)
        }
    }
}

enum Fingerprint {
    /// Two words into one, every input bit reaching every output bit (the splitmix64 finalizer over their xor
    /// with the first rotated, so that mix(a, b) and mix(b, a) differ).
    @inline(__always)
    static func mix(_ first: UInt64, _ second: UInt64) -> UInt64 {
        var word = (((first << 23) | (first >> 41)) ^ second) &+ 0x9E37_79B9_7F4A_7C15
        word = (word ^ (word >> 30)) &* 0xBF58_476D_1CE4_E5B9
        word = (word ^ (word >> 27)) &* 0x94D0_49BB_1331_11EB
        return word ^ (word >> 31)
    }

    /// A string's UTF-8 bytes, hashed as the parser hashes keys.
    static func bytes(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hashBytes($0) }
    }
}
