internal import Crypto
internal import Foundation
internal import _CryptoExtras

/// The primitives of collectd's network security: HMAC-SHA-256 (SecurityLevel Sign), and AES-256-OFB with a SHA-1
/// check (SecurityLevel Encrypt).
enum NetworkCrypto {
    /// HMAC-SHA-256 of the concatenated parts.
    static func hmacSHA256(key: [UInt8], _ parts: UnsafeRawBufferPointer...) -> [UInt8] {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        for part in parts where part.count > 0 {
            mac.update(data: part)
        }
        return Array(mac.finalize())
    }

    /// SHA-1 of the bytes.
    static func sha1(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hash = Insecure.SHA1()
        if bytes.count > 0 { hash.update(bufferPointer: bytes) }
        return Array(hash.finalize())
    }

    /// Encrypts or decrypts in place with AES-256 in OFB mode (the two are the same operation).
    ///
    /// OFB's keystream is the block cipher applied to the IV, then to its own output, block after block; swift-crypto
    /// has no OFB mode, so this chains its raw block permutation. Returns false if the key or IV has a wrong size.
    static func aes256OFB(_ data: UnsafeMutableRawBufferPointer, key: [UInt8], iv: UnsafeRawBufferPointer) -> Bool {
        guard key.count == 32, iv.count == 16 else { return false }
        let symmetricKey = SymmetricKey(data: key)
        var block = [UInt8](iv)
        var offset = 0
        while offset < data.count {
            do {
                try AES.permute(&block, key: symmetricKey)
            } catch {
                return false
            }
            let count = min(16, data.count - offset)
            for index in 0..<count {
                data[offset + index] ^= block[index]
            }
            offset += 16
        }
        return true
    }

    /// Compares two byte ranges in time that does not depend on where they differ.
    static func constantTimeEqual(_ left: UnsafeRawBufferPointer, _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<right.count {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    /// 16 random bytes for an encryption IV.
    static func randomIV() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let (high, low) = (generator.next(), generator.next())
        return (0..<16).map { index in
            UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> UInt64(8 * (index % 8)))
        }
    }
}
