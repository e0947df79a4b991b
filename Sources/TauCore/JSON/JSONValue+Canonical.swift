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
        var output = ""
        write(to: &output, indent: nil, level: 0)
        return output
    }

    /// The canonical form as UTF-8 bytes, ready to hash or sign.
    public func canonicalBytes() -> [UInt8] {
        Array(canonicalString().utf8)
    }

    /// A human-readable form with two-space indentation and canonical member order.
    public func prettyString() -> String {
        var output = ""
        write(to: &output, indent: "  ", level: 0)
        return output
    }

    private func write(to output: inout String, indent: String?, level: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += JSONValue.ecmaScriptString(value) ?? "null"
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                newline(&output, indent: indent, level: level + 1)
                element.write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent: indent, level: level)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (offset, name) in names.enumerated() {
                if offset > 0 { output += "," }
                newline(&output, indent: indent, level: level + 1)
                JSONValue.writeString(name, to: &output)
                output += indent == nil ? ":" : ": "
                members[name]!.write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent: indent, level: level)
            output += "}"
        }
    }

    private func newline(_ output: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        output += "\n"
        for _ in 0..<level { output += indent }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Nothing to escape (the usual case): the string goes in whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
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
