/// RFC 8785 JSON Canonicalization Scheme (JCS) and a readable, deterministic
/// pretty form that uses the same member order.
extension JSONValue {
    /// The RFC 8785 canonical form: no whitespace, members sorted by their UTF-16
    /// code units, strings escaped minimally, numbers in ECMAScript form.
    ///
    /// Never fails: a ``JSONValue`` cannot hold NaN or infinity when it comes from
    /// ``JSONParser``; if one was built by hand, it is written as `null`, as
    /// `JSON.stringify` does.
    public func canonicalString() -> String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }

    /// The canonical form as UTF-8 bytes, ready to hash or sign.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output, indent: nil, level: 0)
        return output
    }

    /// A human-readable form with two-space indentation and canonical member order.
    public func prettyString() -> String {
        var output: [UInt8] = []
        write(to: &output, indent: Array("  ".utf8), level: 0)
        return String(decoding: output, as: UTF8.self)
    }

    // The writer works on UTF-8 bytes: the gateway writes every response and stream chunk
    // with it, and byte runs copy far faster than appending to a String scalar by scalar.
    private func write(to output: inout [UInt8], indent: [UInt8]?, level: Int) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value): JSONValue.writeNumber(value, to: &output)
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else { return output.append(contentsOf: "[]".utf8) }
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, indent: indent, level: level + 1)
                element.write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent: indent, level: level)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return output.append(contentsOf: "{}".utf8) }
            output.append(UInt8(ascii: "{"))
            for (offset, member) in members.sorted(by: { JSONValue.precedes($0.key, $1.key) }).enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, indent: indent, level: level + 1)
                JSONValue.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                member.value.write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent: indent, level: level)
            output.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ output: inout [UInt8], indent: [UInt8]?, level: Int) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<level { output.append(contentsOf: indent) }
    }

    /// RFC 8785 member order: by UTF-16 code units. UTF-8 byte order is the same unless a
    /// name holds a character from U+E000 up (lead byte 0xEE or more), where surrogate pairs
    /// sort before it in UTF-16; only then are UTF-16 units compared.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        if !lhs.utf8.contains(where: { $0 >= 0xEE }) && !rhs.utf8.contains(where: { $0 >= 0xEE }) {
            return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
        return lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
    }

    /// Integers below 2^53 are written as their digits (what ECMAScript prints for them);
    /// other numbers take ``ecmaScriptString(_:)``.
    private static func writeNumber(_ value: Double, to output: inout [UInt8]) {
        if value == value.rounded(.towardZero), value.magnitude < 9_007_199_254_740_992 {
            if value == 0 { return output.append(UInt8(ascii: "0")) }  // -0 too, as ECMAScript
            output.append(contentsOf: String(Int64(value)).utf8)
            return
        }
        output.append(contentsOf: (ecmaScriptString(value) ?? "null").utf8)
    }

    private static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: bytes[start..<index])
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
                case 0x08: output.append(contentsOf: "\\b".utf8)
                case 0x0C: output.append(contentsOf: "\\f".utf8)
                case 0x0A: output.append(contentsOf: "\\n".utf8)
                case 0x0D: output.append(contentsOf: "\\r".utf8)
                case 0x09: output.append(contentsOf: "\\t".utf8)
                default:
                    let digits = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(digits[Int(byte >> 4)])
                    output.append(digits[Int(byte & 15)])
                }
            }
            output.append(contentsOf: bytes[start...])
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Formats a double the way ECMAScript's `Number.prototype.toString` does
    /// (RFC 8785 section 3.2.2.3), or returns nil for NaN and infinities.
    public static func ecmaScriptString(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        // Swift's description yields the shortest digits that round-trip, which is
        // exactly the digit string ECMAScript requires; only the layout differs.
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerPart: Substring
        let fractionPart: Substring
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        } else {
            integerPart = mantissa
            fractionPart = ""
        }
        var digits = Array(integerPart.utf8) + Array(fractionPart.utf8)
        // value = 0.d1d2...dk × 10^n
        var n = integerPart.utf8.count + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        let k = digits.count
        let digitString = String(decoding: digits, as: UTF8.self)
        var result = value < 0 ? "-" : ""
        if k <= n && n <= 21 {
            result += digitString + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            result += String(digitString.prefix(n)) + "." + String(digitString.dropFirst(n))
        } else if -6 < n && n <= 0 {
            result += "0." + String(repeating: "0", count: -n) + digitString
        } else {
            let e = n - 1
            result += String(digitString.prefix(1))
            if k > 1 { result += "." + String(digitString.dropFirst()) }
            result += "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return result
    }
}

extension JSONValue: CustomStringConvertible {
    /// The canonical (RFC 8785) form.
    public var description: String { canonicalString() }
}
