/// Unsigned LEB128 varints as used by multiformats.
public enum Varint {
    /// Encodes an unsigned integer.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var value = value
        var output: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            output.append(byte)
        } while value != 0
        return output
    }

    /// Decodes a varint at the start of `bytes`; returns the value and how many bytes it used.
    /// - Throws: ``CoreError`` `varint_invalid` for truncated, over-long or non-minimal input.
    public static func decode(_ bytes: some Collection<UInt8>) throws(CoreError) -> (value: UInt64, length: Int) {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var length = 0
        for byte in bytes {
            length += 1
            // multiformats caps varints at 9 bytes (63 bits).
            guard length <= 9 else { break }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || length == 1 else { throw CoreError("varint_invalid", "non-minimal varint") }
                return (value, length)
            }
            shift += 7
        }
        throw CoreError("varint_invalid", "truncated or over-long varint")
    }
}

/// The multicodec codes tau-node uses.
public enum Multicodec: UInt64, Sendable {
    case ed25519Public = 0xed
    case x25519Public = 0xec
    case ed25519Private = 0x1300
    case sha2_256 = 0x12

    /// `varint(code) || payload`.
    public func prefixing(_ payload: some Collection<UInt8>) -> [UInt8] {
        Varint.encode(rawValue) + Array(payload)
    }

    /// Splits a multicodec-prefixed byte string; fails unless it starts with this codec
    /// and the payload has `expectedLength` bytes.
    public func strip(_ bytes: [UInt8], expectedLength: Int) throws(CoreError) -> [UInt8] {
        let (code, length) = try Varint.decode(bytes)
        guard code == rawValue else {
            throw CoreError("multicodec_mismatch", "expected multicodec 0x\(String(rawValue, radix: 16)), found 0x\(String(code, radix: 16))")
        }
        let payload = Array(bytes[length...])
        guard payload.count == expectedLength else {
            throw CoreError("multicodec_length", "expected \(expectedLength) bytes after the multicodec prefix, found \(payload.count)")
        }
        return payload
    }
}

/// Multihash framing for a SHA2-256 digest (`0x12 0x20 || digest`).
public enum Multihash {
    /// Frames a 32-byte SHA2-256 digest.
    public static func sha2_256(digest: [UInt8]) -> [UInt8] {
        [0x12, 0x20] + digest
    }
}
