/// Reads a JSON text member by member, without building a ``JSONValue``.
///
/// For hot paths that look at a few members of a known shape (a chat-completions stream
/// chunk) and fall back to ``JSONParser`` for anything else: building the dictionaries of a
/// ``JSONValue`` costs more than the rest of such a chunk's trip through the gateway. It is as
/// strict as ``JSONParser`` about what it reads (strings, numbers, literals, structure,
/// trailing bytes) but does not check member names for duplicates: callers that care track
/// the names they accept. Containers are entered, never skipped.
public struct JSONScanner {
    /// What the next value is, from its first byte.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    private var reader: JSONReader
    /// Open containers.
    private var depth = 0
    /// Bit `d` (of container depth `d + 1`): whether its next member or element is its first.
    /// Bits rather than an array: no allocation per scan.
    private var first: UInt64 = 0

    /// The deepest nesting a scanner reads (one bit per open container).
    public static let deepestNesting = 64

    /// A scanner positioned before the single value of `bytes`; it refuses nesting deeper than
    /// `maxDepth`, at most ``deepestNesting``.
    public init(_ bytes: [UInt8], maxDepth: Int = 64) {
        reader = JSONReader(bytes: bytes, maxDepth: min(maxDepth, Self.deepestNesting))
        reader.skipWhitespace()
    }

    /// The kind of the next value, or nil at the end of input or at a byte no value starts with.
    public var next: Kind? {
        guard reader.index < reader.bytes.count else { return nil }
        switch reader.bytes[reader.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// Enters the object that is the next value.
    /// - Throws: ``CoreError`` `json_unexpected_character` when the next value is not an object,
    ///   `json_too_deep` past the nesting limit.
    public mutating func enterObject() throws(CoreError) {
        try enter(.object)
    }

    /// Enters the array that is the next value.
    public mutating func enterArray() throws(CoreError) {
        try enter(.array)
    }

    /// The name of the next member of the current object, with the scanner before its value;
    /// nil after the object's closing brace.
    public mutating func nextMember() throws(CoreError) -> String? {
        guard try advance(closing: UInt8(ascii: "}")) else { return nil }
        guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\"") else {
            throw reader.error("json_expected_name", "expected a member name")
        }
        let name = try reader.parseString()
        reader.skipWhitespace()
        guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else {
            throw reader.error("json_expected_colon", "expected ':'")
        }
        reader.index += 1
        reader.skipWhitespace()
        return name
    }

    /// Whether the current array has another element (the scanner is then before it); false
    /// after the array's closing bracket.
    public mutating func nextElement() throws(CoreError) -> Bool {
        try advance(closing: UInt8(ascii: "]"))
    }

    /// Reads the next value, which must be a string.
    public mutating func readString() throws(CoreError) -> String {
        guard next == .string else { throw reader.error("json_unexpected_character", "expected a string") }
        return try reader.parseString()
    }

    /// Reads the next value, which must be a number.
    public mutating func readNumber() throws(CoreError) -> Double {
        guard next == .number else { throw reader.error("json_unexpected_character", "expected a number") }
        return try reader.parseNumber()
    }

    /// Reads the next value, which must be `null`.
    public mutating func readNull() throws(CoreError) {
        guard next == .null else { throw reader.error("json_unexpected_character", "expected null") }
        try reader.expectLiteral("null")
    }

    /// Reads the next value, which must be a string, number, boolean or null.
    public mutating func skipScalar() throws(CoreError) {
        switch next {
        case .string: try reader.skipString()
        case .number: _ = try reader.parseNumber()
        case .bool, .null: _ = try reader.parseValue(depth: depth)
        case .object, .array, nil: throw reader.error("json_unexpected_character", "expected a string, number, boolean or null")
        }
    }

    /// Checks that nothing but whitespace follows the value and every container was closed.
    /// - Throws: ``CoreError`` `json_trailing_data`, or `json_unexpected_end` when a container is still open.
    public mutating func finish() throws(CoreError) {
        guard depth == 0 else { throw reader.error("json_unexpected_end", "unterminated container") }
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("json_trailing_data", "unexpected data after the JSON value") }
    }

    private mutating func enter(_ kind: Kind) throws(CoreError) {
        guard next == kind else { throw reader.error("json_unexpected_character", "expected an \(kind)") }
        guard depth < reader.maxDepth else { throw reader.error("json_too_deep", "nesting deeper than \(reader.maxDepth)") }
        reader.index += 1
        first |= 1 << UInt64(depth)
        depth += 1
    }

    /// Moves past the separator before the next member or element, or past `closing`
    /// (returning false, and leaving the container).
    private mutating func advance(closing: UInt8) throws(CoreError) -> Bool {
        guard depth > 0 else { throw reader.error("json_unexpected_character", "not in a container") }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        reader.skipWhitespace()
        guard reader.index < reader.bytes.count else { throw reader.error("json_unexpected_end", "unterminated container") }
        let byte = reader.bytes[reader.index]
        if byte == closing {
            reader.index += 1
            depth -= 1
            reader.skipWhitespace()
            return false
        }
        if first & bit != 0 {
            first &= ~bit
        } else {
            guard byte == UInt8(ascii: ",") else { throw reader.error("json_expected_comma", "expected ',' or a closing bracket") }
            reader.index += 1
            reader.skipWhitespace()
        }
        return true
    }
}
