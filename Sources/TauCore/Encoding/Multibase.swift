import Foundation

/// Multibase-prefixed encodings (the subset tau-node reads and writes).
public enum Multibase {
    /// Encodes with the base58btc prefix `z`.
    public static func base58btc(_ bytes: some Collection<UInt8>) -> String {
        "z" + Base58.encode(bytes)
    }

    /// Decodes a multibase string with prefix `z` (base58btc), `u` (base64url, no padding)
    /// or `f` (lower-case base16).
    /// - Throws: ``CoreError`` `multibase_unsupported` or `multibase_invalid`.
    public static func decode(_ text: String) throws(CoreError) -> [UInt8] {
        guard let prefix = text.first else { throw CoreError("multibase_invalid", "empty multibase string") }
        let body = String(text.dropFirst())
        switch prefix {
        case "z":
            do { return try Base58.decode(body) } catch { throw CoreError("multibase_invalid", "invalid base58btc body") }
        case "u":
            guard let bytes = Base64URL.decode(body) else { throw CoreError("multibase_invalid", "invalid base64url body") }
            return bytes
        case "f":
            guard let bytes = Hex.decode(body) else { throw CoreError("multibase_invalid", "invalid base16 body") }
            return bytes
        default:
            throw CoreError("multibase_unsupported", "unsupported multibase prefix '\(prefix)'")
        }
    }
}

/// Unpadded base64url (RFC 4648 section 5), as used by JWS.
public enum Base64URL {
    /// Encodes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        // Table-driven: every signed message is encoded this way, and Foundation's string
        // replacements cost more than the signature itself.
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let chunk = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            if rest == 2 { output.append(alphabet[Int(chunk >> 6 & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes unpadded (or padded) base64url; nil if the text is not base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isBase64URLCharacter($0) }) else { return nil }
        var standard = text.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        let remainder = standard.count % 4
        guard remainder != 1 else { return nil }
        if remainder > 0 { standard += Array(repeating: UInt8(ascii: "="), count: 4 - remainder) }
        return Data(base64Encoded: Data(standard)).map { Array($0) }
    }

    private static func isBase64URLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}

/// Standard base64 with padding (for sealed files).
public enum Base64 {
    /// Encodes with padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String { Data(bytes).base64EncodedString() }
    /// Decodes; nil if the text is not base64.
    public static func decode(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map { Array($0) } }
}

/// Lower-case hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes as lower-case hex.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hex of either case; nil if malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 2 == 0 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(input.count / 2)
        var index = 0
        while index < input.count {
            guard let high = value(input[index]), let low = value(input[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
