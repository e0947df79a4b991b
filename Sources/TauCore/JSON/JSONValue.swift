/// A JSON value as defined by RFC 8259, restricted to I-JSON (RFC 7493):
/// numbers are IEEE-754 doubles and object member names are unique.
///
/// Objects keep their members in a dictionary; the order in which members were
/// written is not significant anywhere in tau-node, because everything that is
/// hashed or signed is serialized with ``canonicalString()`` (RFC 8785).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension JSONValue {
    /// The string, if this is a JSON string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is a JSON boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number, if this is a JSON number.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an integer, if this is a JSON number with no fractional part
    /// that fits in an `Int` exactly.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded(.towardZero) == value,
            abs(value) <= 9_007_199_254_740_991
        else { return nil }
        return Int(value)
    }

    /// The elements, if this is a JSON array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is a JSON object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// Returns a copy in which every string equal to `placeholder`, or containing it,
    /// has it replaced by `replacement` (in values only; member names are kept).
    public func replacingOccurrences(of placeholder: String, with replacement: String) -> JSONValue {
        switch self {
        case .string(let text):
            return .string(text.replacingAll(placeholder, with: replacement))
        case .array(let elements):
            return .array(elements.map { $0.replacingOccurrences(of: placeholder, with: replacement) })
        case .object(let members):
            return .object(members.mapValues { $0.replacingOccurrences(of: placeholder, with: replacement) })
        default:
            return self
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` without depending on Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
