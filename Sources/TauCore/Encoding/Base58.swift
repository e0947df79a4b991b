/// Base58 with the Bitcoin alphabet ("base58btc"), as used by multibase `z`,
/// did:key and did:tau identifiers.
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()

    /// Encodes bytes; each leading zero byte becomes a leading `1`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix { $0 == 0 }.count
        // Big-number base conversion, base 256 → base 58, least significant digit first.
        var digits: [UInt8] = []
        digits.reserveCapacity(input.count * 138 / 100 + 1)
        for byte in input[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var output = [UInt8](repeating: alphabet[0], count: zeros)
        output.append(contentsOf: digits.reversed().map { alphabet[Int($0)] })
        return String(decoding: output, as: UTF8.self)
    }

    /// The longest string ``decode(_:)`` accepts. Decoding is quadratic in the length and
    /// every base58 value tau-node reads (keys, hashes, signatures, SCIDs) is far shorter.
    public static let maximumDecodedLength = 1024

    /// Decodes a base58btc string.
    /// - Throws: ``CoreError`` `base58_invalid_character` for characters outside the alphabet,
    ///   `base58_too_long` beyond ``maximumDecodedLength`` characters.
    public static func decode(_ text: String) throws(CoreError) -> [UInt8] {
        guard text.utf8.count <= maximumDecodedLength else {
            throw CoreError("base58_too_long", "base58btc values longer than \(maximumDecodedLength) characters are refused")
        }
        let input = Array(text.utf8)
        let ones = input.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count * 733 / 1000 + 1)
        for character in input[ones...] {
            guard character < 128, case let value = decodeTable[Int(character)], value >= 0 else {
                throw CoreError("base58_invalid_character", "invalid base58btc character")
            }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: ones) + bytes.reversed()
    }
}
