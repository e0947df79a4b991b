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

    /// Decodes unpadded (or padded) base64url; nil if the text is not base64url. Padding, if
    /// any, must end the text and make its length a multiple of four; the unused low bits of
    /// the last character are ignored, as Foundation's decoder ignores them.
    public static func decode(_ text: String) -> [UInt8]? {
        // Table-driven over the UTF-8 bytes: every received message's payload and signature
        // pass through here, and Foundation's decoder needs the alphabet swapped into a copy.
        var text = text
        return text.withUTF8 { decode(utf8: $0) }
    }

    private static func decode(utf8 input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var count = input.count
        if count % 4 == 0 {
            if count > 0, input[count - 1] == UInt8(ascii: "=") { count -= 1 }
            if count > 0, input[count - 1] == UInt8(ascii: "=") { count -= 1 }
        }
        guard count % 4 != 1 else { return nil }
        let outputCount = count / 4 * 3 + max(0, count % 4 - 1)
        var valid = true
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            decodingTable.withUnsafeBufferPointer { table in
                var read = 0
                var written = 0
                // Four digits make three bytes; a digit's value is below 64, so OR-ing them
                // tells whether any of the four was not a digit.
                while read + 4 <= count {
                    let a = table[Int(input[read])], b = table[Int(input[read + 1])]
                    let c = table[Int(input[read + 2])], d = table[Int(input[read + 3])]
                    guard (a | b | c | d) < 64 else { valid = false; return }
                    let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: chunk)
                    read += 4
                    written += 3
                }
                var chunk: UInt32 = 0
                var bits = 0
                while read < count {
                    let value = table[Int(input[read])]
                    guard value < 64 else { valid = false; return }
                    chunk = chunk << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[written] = UInt8(truncatingIfNeeded: chunk >> UInt32(bits))
                        written += 1
                    }
                    read += 1
                }
                initialized = written
            }
        }
        return valid ? output : nil
    }

    /// The value of each byte as a base64url digit; 255 for bytes that are not one.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
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

    /// Whether `byte` is a hexadecimal digit, either case.
    public static func isDigit(_ byte: UInt8) -> Bool { value(byte) != nil }

    private static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
