/// A strict RFC 8259 / I-JSON parser for untrusted bytes.
///
/// Strict on purpose, because what it reads is later hashed and signed: it rejects
/// duplicate member names, lone surrogates, invalid UTF-8, numbers that overflow a
/// double, trailing bytes and nesting deeper than `maxDepth`. It never traps.
public struct JSONParser: Sendable {
    /// Maximum nesting of arrays and objects.
    public var maxDepth: Int

    public init(maxDepth: Int = 128) {
        self.maxDepth = maxDepth
    }

    /// Parses a complete JSON text.
    /// - Throws: ``CoreError`` with a `json_*` code that says what was wrong and where.
    public func parse(_ bytes: some Collection<UInt8>) throws(CoreError) -> JSONValue {
        var reader = JSONReader(bytes: Array(bytes), maxDepth: maxDepth)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("json_trailing_data", "unexpected data after the JSON value") }
        return value
    }

    /// Parses a complete JSON text from a string.
    public func parse(_ text: String) throws(CoreError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

extension JSONValue {
    /// Parses JSON text with the default strict ``JSONParser``.
    public init(parsing text: String) throws(CoreError) {
        self = try JSONParser().parse(text)
    }

    /// Parses JSON bytes with the default strict ``JSONParser``.
    public init(parsing bytes: some Collection<UInt8>) throws(CoreError) {
        self = try JSONParser().parse(bytes)
    }
}

/// The strict reader behind ``JSONParser`` and ``JSONScanner``: a cursor over UTF-8 bytes.
struct JSONReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var isAtEnd: Bool { index >= bytes.count }

    func error(_ code: String, _ message: String) -> CoreError {
        CoreError(code, "\(message) at byte \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(CoreError) -> JSONValue {
        guard index < bytes.count else { throw error("json_unexpected_end", "unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("json_unexpected_character", "unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(CoreError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("json_invalid_literal", "invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw error("json_invalid_literal", "invalid literal")
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws(CoreError) -> JSONValue {
        guard depth <= maxDepth else { throw error("json_too_deep", "nesting deeper than \(maxDepth)") }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("json_expected_name", "expected a member name")
            }
            let name = try parseString()
            guard members[name] == nil else {
                throw error("json_duplicate_key", "duplicate member name \"\(name)\"")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("json_expected_colon", "expected ':'")
            }
            index += 1
            skipWhitespace()
            members[name] = try parseValue(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw error("json_unexpected_end", "unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("json_expected_comma", "expected ',' or '}'") }
            index += 1
            return .object(members)
        }
    }

    mutating func parseArray(depth: Int) throws(CoreError) -> JSONValue {
        guard depth <= maxDepth else { throw error("json_too_deep", "nesting deeper than \(maxDepth)") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("json_unexpected_end", "unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw error("json_expected_comma", "expected ',' or ']'") }
            index += 1
            return .array(elements)
        }
    }

    mutating func parseNumber() throws(CoreError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("json_invalid_number", "invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("json_invalid_number", "invalid fraction") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("json_invalid_number", "invalid exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("json_number_out_of_range", "number \(text.prefix(40)) does not fit an IEEE-754 double")
        }
        return value
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(CoreError) -> String {
        index += 1  // opening quote
        // Fast path: a run of printable ASCII without escapes (nearly every string in a
        // message) becomes a String in one step instead of scalar by scalar.
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { break }
            index += 1
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes[start..<index].map { Unicode.Scalar($0) })
        while let scalar = try nextStringScalar() { scalars.append(scalar) }
        return String(scalars)
    }

    /// Checks the string that starts at the current quote as ``parseString()`` does, without
    /// building it.
    mutating func skipString() throws(CoreError) {
        index += 1  // opening quote
        while try nextStringScalar() != nil {}
    }

    /// The next scalar of the string being read (an escape decoded), or nil after its closing quote.
    mutating func nextStringScalar() throws(CoreError) -> Unicode.Scalar? {
        guard index < bytes.count else { throw error("json_unterminated_string", "unterminated string") }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
            index += 1
            return nil
        case UInt8(ascii: "\\"):
            index += 1
            return try parseEscape()
        case 0x00..<0x20:
            throw error("json_control_character", "unescaped control character in string")
        case 0x00..<0x80:
            index += 1
            return Unicode.Scalar(byte)
        default:
            return try decodeUTF8Scalar()
        }
    }

    mutating func parseEscape() throws(CoreError) -> Unicode.Scalar {
        guard index < bytes.count else { throw error("json_unterminated_string", "unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            if (0xD800...0xDBFF).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("json_lone_surrogate", "high surrogate without a low surrogate")
                }
                index += 2
                let second = try parseHex4()
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw error("json_lone_surrogate", "high surrogate followed by a non-low surrogate")
                }
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw error("json_invalid_escape", "invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw error("json_lone_surrogate", "low surrogate without a high surrogate")
            }
            return scalar
        default:
            throw error("json_invalid_escape", "invalid escape character")
        }
    }

    mutating func parseHex4() throws(CoreError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("json_invalid_escape", "truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("json_invalid_escape", "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Decodes one multi-byte UTF-8 sequence, rejecting overlong forms and surrogates.
    mutating func decodeUTF8Scalar() throws(CoreError) -> Unicode.Scalar {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: throw error("json_invalid_utf8", "invalid UTF-8 lead byte")
        }
        guard index + length <= bytes.count else { throw error("json_invalid_utf8", "truncated UTF-8 sequence") }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { throw error("json_invalid_utf8", "invalid UTF-8 continuation byte") }
            value = value << 6 | UInt32(next & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : (length == 3 ? 0x800 : 0x10000)
        guard value >= minimum, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else {
            throw error("json_invalid_utf8", "overlong or out-of-range UTF-8 sequence")
        }
        index += length
        return scalar
    }
}
