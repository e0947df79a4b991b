/// The pattern rules of ``SecretRedactor``, as hand-written matchers over bytes.
///
/// Rules are tried only where a token starts (the byte before is not `[A-Za-z0-9_-]`), and a
/// word that matches no rule is skipped whole, so every byte is looked at a bounded number of
/// times. Each rule reads forward at most to the end of its token or a fixed cap.
extension SecretScan {
    /// A match: the bytes to replace and the kind they are.
    struct Match {
        let range: Range<Int>
        let kind: String
    }

    /// Longest quoted value read; a quote not closed by then is not a value.
    static let quotedValueCap = 512
    /// Shortest value of a `password=`-style assignment that is redacted.
    static let minimumAssignedLength = 8

    mutating func replacePatterns() {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":"), let match = urlPassword(at: index) {
                replace(match.range, kind: match.kind)
                index = match.range.upperBound
                continue
            }
            guard index == 0 || !Self.isTokenByte(bytes[index - 1]) else {
                index += 1
                continue
            }
            if let match = token(at: index) ?? privateKey(at: index) {
                replace(match.range, kind: match.kind)
                index = match.range.upperBound
                continue
            }
            guard Self.isLetter(byte) || byte == UInt8(ascii: "_") else {
                index += 1
                continue
            }
            let wordEnd = run(from: index, while: Self.isTokenByte)
            if let match = assignment(key: index..<wordEnd) {
                replace(match.range, kind: match.kind)
                index = match.range.upperBound
            } else {
                index = wordEnd
            }
        }
    }

    // MARK: Tokens with a known shape

    /// A key or token recognised by its prefix and shape, starting at `start`.
    func token(at start: Int) -> Match? {
        switch bytes[start] {
        case UInt8(ascii: "s"):
            if hasPrefix("sk-ant-", at: start) {
                return shaped(start, prefix: 7, minimum: 20, kind: "anthropic_key", Self.isTokenByte)
            }
            if hasPrefix("sk-", at: start) {
                let end = run(from: start + 3, while: Self.isTokenByte)
                guard end - start - 3 >= 20, bytes[start + 3..<end].contains(where: Self.isDigit) else { return nil }
                return Match(range: start..<end, kind: "openai_key")
            }
        case UInt8(ascii: "A"):
            if hasPrefix("AIza", at: start) { return shaped(start, prefix: 4, minimum: 30, kind: "google_api_key", Self.isTokenByte) }
            if hasPrefix("AKIA", at: start) || hasPrefix("ASIA", at: start) {
                let end = run(from: start + 4, while: { Self.isUpper($0) || Self.isDigit($0) })
                guard end - start == 20, end == bytes.count || !Self.isAlphanumeric(bytes[end]) else { return nil }
                return Match(range: start..<end, kind: "aws_access_key")
            }
        case UInt8(ascii: "g"):
            for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] where hasPrefix(prefix, at: start) {
                return shaped(start, prefix: 4, minimum: 30, kind: "github_token", Self.isAlphanumeric)
            }
            if hasPrefix("github_pat_", at: start) {
                return shaped(start, prefix: 11, minimum: 22, kind: "github_token") { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
            }
        case UInt8(ascii: "x"):
            if hasPrefix("xox", at: start), start + 4 < bytes.count, "baprs".utf8.contains(bytes[start + 3]),
                bytes[start + 4] == UInt8(ascii: "-")
            {
                return shaped(start, prefix: 5, minimum: 10, kind: "slack_token") { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            }
        case UInt8(ascii: "e"):
            return jwt(at: start)
        case UInt8(ascii: "t"):
            return tauKey(at: start)
        default:
            break
        }
        return nil
    }

    /// `prefix` bytes, then at least `minimum` bytes satisfying `body`.
    func shaped(_ start: Int, prefix: Int, minimum: Int, kind: String, _ body: (UInt8) -> Bool) -> Match? {
        let end = run(from: start + prefix, while: body)
        return end - start - prefix >= minimum ? Match(range: start..<end, kind: kind) : nil
    }

    /// `eyJ…` base64url segments joined by dots, at least two of ten characters or more.
    func jwt(at start: Int) -> Match? {
        guard hasPrefix("eyJ", at: start) else { return nil }
        let first = run(from: start, while: Self.isBase64URL)
        guard first - start >= 10, first < bytes.count, bytes[first] == UInt8(ascii: ".") else { return nil }
        let second = run(from: first + 1, while: Self.isBase64URL)
        guard second - first - 1 >= 10 else { return nil }
        var end = second
        // The signature (and, for JWE, further parts); an unsigned token ends in a bare dot.
        while end < bytes.count, bytes[end] == UInt8(ascii: ".") { end = run(from: end + 1, while: Self.isBase64URL) }
        return Match(range: start..<end, kind: "jwt")
    }

    /// A tau-node API key: `tau_` + 12 hex + `_` + 48 hex.
    func tauKey(at start: Int) -> Match? {
        guard hasPrefix("tau_", at: start) else { return nil }
        let id = run(from: start + 4, while: Self.isHexDigit)
        guard id - start == 16, id < bytes.count, bytes[id] == UInt8(ascii: "_") else { return nil }
        let end = run(from: id + 1, while: Self.isHexDigit)
        guard end - id - 1 == 48, end == bytes.count || !Self.isTokenByte(bytes[end]) else { return nil }
        return Match(range: start..<end, kind: "tau_api_key")
    }

    /// `-----BEGIN … PRIVATE KEY-----` through its `-----END …-----` line; a block that never
    /// ends is redacted to the end of the text.
    func privateKey(at start: Int) -> Match? {
        guard hasPrefix("-----BEGIN ", at: start) else { return nil }
        let labelStart = start + 11
        let labelEnd = run(from: labelStart, while: { Self.isUpper($0) || Self.isDigit($0) || $0 == UInt8(ascii: " ") })
        guard labelEnd - labelStart <= 64, hasPrefix("-----", at: labelEnd),
            String(decoding: bytes[labelStart..<labelEnd], as: UTF8.self).contains("PRIVATE KEY")
        else { return nil }
        guard let footer = find("-----END ", from: labelEnd + 5) else { return Match(range: start..<bytes.count, kind: "private_key") }
        let end = find("-----", from: footer + 9).map { $0 + 5 } ?? bytes.count
        return Match(range: start..<end, kind: "private_key")
    }

    // MARK: Credentials by context

    /// A value assigned to a name that says it is secret (`DB_PASSWORD=…`, `"api_key": "…"`,
    /// `Authorization: Bearer …`, `bearer …`); only the value is replaced.
    func assignment(key: Range<Int>) -> Match? {
        guard key.count <= 64 else { return nil }
        // Cheap byte checks first: most words are followed by neither a blank nor a separator,
        // and their names are never built.
        if key.count == 6, key.upperBound < bytes.count, Self.isBlank(bytes[key.upperBound]), lowercasedName(key) == "bearer" {
            return bearerToken(after: key.upperBound)
        }
        guard let valueStart = separator(after: key.upperBound) else { return nil }
        let name = lowercasedName(key)
        if name.hasSuffix("authorization") { return authorization(valueStart: valueStart) }
        guard let kind = Self.assignedKind(name) else { return nil }
        let quote = bytes[valueStart]
        let quoted = quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
        // A key of a known shape keeps its own kind.
        if let specific = token(at: quoted ? valueStart + 1 : valueStart) { return specific }
        if quoted {
            var end = valueStart + 1
            while end < bytes.count, end - valueStart <= Self.quotedValueCap, bytes[end] != quote, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < bytes.count, bytes[end] == quote else { return nil }
            let value = valueStart + 1..<end
            guard value.count >= Self.minimumAssignedLength, !bytes[value].contains(where: Self.isSpace), isLiteralValue(value) else { return nil }
            return Match(range: value, kind: kind)
        }
        let end = run(from: valueStart, while: Self.isValueByte)
        let value = valueStart..<end
        // `password = self.password` and `secret = load_secret()` are code, not secrets.
        guard value.count >= Self.minimumAssignedLength, isLiteralValue(value),
            bytes[value].contains(where: { !Self.isLetter($0) && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: ".") }),
            end == bytes.count || (bytes[end] != UInt8(ascii: "(") && bytes[end] != UInt8(ascii: "["))
        else { return nil }
        return Match(range: value, kind: kind)
    }

    /// The kind of secret a name ending this way holds.
    static func assignedKind(_ name: String) -> String? {
        if ["password", "passwd", "passphrase"].contains(where: name.hasSuffix) { return "password" }
        if ["secret", "secret_key", "secret_access_key", "private_key"].contains(where: name.hasSuffix) { return "secret" }
        if ["api_key", "apikey", "token"].contains(where: name.hasSuffix) { return "api_key" }
        return nil
    }

    /// Where the value starts after `name`: an optional closing quote, blanks, then `=`,
    /// `:`, `:=` or `=>`, blanks, the value. Nil when no value follows (or it is `==`).
    func separator(after index: Int) -> Int? {
        var position = index
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") { position += 1 }
        position = run(from: position, while: Self.isBlank)
        guard position < bytes.count else { return nil }
        if hasPrefix(":=", at: position) || hasPrefix("=>", at: position) {
            position += 2
        } else if bytes[position] == UInt8(ascii: "=") || bytes[position] == UInt8(ascii: ":") {
            if hasPrefix("==", at: position) { return nil }
            position += 1
        } else {
            return nil
        }
        position = run(from: position, while: Self.isBlank)
        guard position < bytes.count, !Self.isSpace(bytes[position]) else { return nil }
        return position
    }

    /// Not a placeholder: `$VAR`, `${…}`, `<your key>`, `%s`, `{{…}}`, a redaction, or one
    /// character repeated (`********`).
    func isLiteralValue(_ value: Range<Int>) -> Bool {
        guard let first = value.first.map({ bytes[$0] }) else { return false }
        guard !"${<%[".utf8.contains(first) else { return false }
        return bytes[value].contains { $0 != first }
    }

    /// `name` in lower case with `-` as `_`.
    func lowercasedName(_ name: Range<Int>) -> String {
        String(decoding: bytes[name].map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : (Self.isUpper($0) ? $0 | 0x20 : $0) }, as: UTF8.self)
    }

    /// `Authorization: <scheme> <credential>` (also quoted, or with `=`): the credential.
    func authorization(valueStart: Int) -> Match? {
        var position = valueStart
        if bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") { position += 1 }
        let schemeEnd = run(from: position, while: Self.isLetter)
        let scheme = String(decoding: bytes[position..<schemeEnd], as: UTF8.self).lowercased()
        if schemeEnd > position, schemeEnd < bytes.count, Self.isBlank(bytes[schemeEnd]) {
            let credential = run(from: schemeEnd, while: Self.isBlank)
            let end = credentialEnd(from: credential)
            guard end - credential >= Self.minimumAssignedLength else { return nil }
            return Match(range: credential..<end, kind: scheme == "basic" ? "basic_auth" : "bearer_token")
        }
        let end = credentialEnd(from: position)
        return end - position >= 16 ? Match(range: position..<end, kind: "bearer_token") : nil
    }

    /// `Bearer <token>` outside a header: a token of 16 characters or more.
    func bearerToken(after index: Int) -> Match? {
        guard index < bytes.count, Self.isBlank(bytes[index]) else { return nil }
        let start = run(from: index, while: Self.isBlank)
        let end = credentialEnd(from: start)
        return end - start >= 16 ? Match(range: start..<end, kind: "bearer_token") : nil
    }

    /// Where a credential starting at `start` ends; a final `.` is the sentence's, not the
    /// token's.
    func credentialEnd(from start: Int) -> Int {
        var end = run(from: start, while: Self.isCredentialByte)
        while end > start, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        return end
    }

    /// The password of `scheme://user:password@host`, given the index of the `:` of `://`.
    func urlPassword(at colon: Int) -> Match? {
        guard hasPrefix("://", at: colon) else { return nil }
        let start = colon + 3
        var separator: Int?
        var position = start
        while position < bytes.count, position - start < 256 {
            let byte = bytes[position]
            if byte == UInt8(ascii: "@") {
                guard let separator, position > separator + 1 else { return nil }
                return Match(range: separator + 1..<position, kind: "url_password")
            }
            if Self.isSpace(byte) || "/?#\"'<>".utf8.contains(byte) { return nil }
            if byte == UInt8(ascii: ":"), separator == nil { separator = position }
            position += 1
        }
        return nil
    }

    // MARK: Bytes

    func hasPrefix(_ prefix: String, at index: Int) -> Bool {
        var position = index
        for byte in prefix.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    func run(from index: Int, while predicate: (UInt8) -> Bool) -> Int {
        var end = index
        while end < bytes.count, predicate(bytes[end]) { end += 1 }
        return end
    }

    /// The first index at or after `index` where `needle` starts.
    func find(_ needle: String, from index: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        var position = index
        while position + pattern.count <= bytes.count {
            if bytes[position] == first, bytes[position..<position + pattern.count].elementsEqual(pattern) { return position }
            position += 1
        }
        return nil
    }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f")) }
    /// Bytes of a token: a rule starts only where the byte before is not one.
    static func isTokenByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") }
    static func isBase64URL(_ byte: UInt8) -> Bool { isTokenByte(byte) }
    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    static func isSpace(_ byte: UInt8) -> Bool { isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }
    /// Bytes of an unquoted assigned value.
    static func isValueByte(_ byte: UInt8) -> Bool { isTokenByte(byte) || "+/=.~!@#%^*:".utf8.contains(byte) }
    /// Bytes of a credential after an auth scheme.
    static func isCredentialByte(_ byte: UInt8) -> Bool { isTokenByte(byte) || "._~+/=".utf8.contains(byte) }
}
