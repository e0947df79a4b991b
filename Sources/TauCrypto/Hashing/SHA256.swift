import CSodium
import TauCore

/// SHA-256 (FIPS 180-4) via libsodium.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        _ = Sodium.ready
        let input = Array(bytes)
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        _ = input.withUnsafeBufferPointer { inputBuffer in
            crypto_hash_sha256(&digest, inputBuffer.baseAddress, UInt64(inputBuffer.count))
        }
        return digest
    }

    /// The multihash (`0x12 0x20 || digest`) of `bytes`.
    public static func multihash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        Multihash.sha2_256(digest: hash(bytes))
    }
}

/// Cryptographically secure random bytes from the operating system (libsodium `randombytes_buf`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        _ = Sodium.ready
        var output = [UInt8](repeating: 0, count: count)
        output.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
        return output
    }
}

/// Constant-time comparison, for secrets and MACs.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    _ = Sodium.ready
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
            sodium_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
        }
    }
}
