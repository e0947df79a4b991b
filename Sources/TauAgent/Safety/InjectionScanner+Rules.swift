import Foundation

/// The words of one line (letters and digits, lower-cased, apostrophes dropped so that
/// "don't" is `dont`), and the rules that read them.
struct LineWords {
    struct Word {
        let text: String
        /// Index of its first scalar in the line.
        let offset: Int
    }

    let scalars: [Unicode.Scalar]
    let words: [Word]

    init(_ line: String) {
        scalars = Array(line.unicodeScalars)
        var words: [Word] = []
        var current = String.UnicodeScalarView()
        var start = 0
        for (index, scalar) in scalars.enumerated() {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if current.isEmpty { start = index }
                if scalar.isASCII {
                    current.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
                } else {
                    current.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            } else if scalar == "'" || scalar == "\u{2019}", !current.isEmpty {
                continue
            } else if !current.isEmpty {
                words.append(Word(text: String(current), offset: start))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(Word(text: String(current), offset: start)) }
        self.words = words
    }

    /// What this line trips, at most one finding per rule.
    func findings(line: Int) -> [InjectionFinding] {
        var found: [InjectionFinding] = []
        for (rule, offset) in [
            (InjectionRule.ignoreInstructions, ignoreInstructions()), (.roleMarker, roleMarker()), (.roleReassignment, roleReassignment()),
            (.secretExfiltration, secretExfiltration()),
        ] {
            if let offset { found.append(InjectionFinding(rule: rule, line: line, excerpt: excerpt(at: offset))) }
        }
        return found
    }

    /// The line around `offset`, at most ``InjectionScanner/excerptLength`` characters.
    func excerpt(at offset: Int) -> String {
        let start = max(0, min(offset - 30, scalars.count - InjectionScanner.excerptLength))
        let end = min(scalars.count, start + InjectionScanner.excerptLength)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end].map { $0.properties.generalCategory == .control ? " " : $0 })
        return String(view).trimmingCharacters(in: .whitespaces)
    }

    private func word(_ index: Int) -> String? { index < words.count ? words[index].text : nil }

    // MARK: Rules (each returns the scalar offset of its match)

    static let overrideVerbs: Set<String> = ["ignore", "disregard", "forget", "override", "bypass"]
    static let qualifiers: Set<String> = [
        "previous", "prior", "earlier", "preceding", "all", "any", "your", "system", "original", "initial", "existing", "every",
    ]
    static let instructionNouns: Set<String> = [
        "instructions", "instruction", "prompt", "prompts", "rules", "directions", "directives", "guidelines", "guidance", "context",
    ]

    func ignoreInstructions() -> Int? {
        for (index, verb) in words.enumerated() where Self.overrideVerbs.contains(verb.text) {
            let window = words[(index + 1)..<min(words.count, index + 7)].map(\.text)
            if window.contains("above") || window.contains("foregoing")
                || (window.contains(where: Self.qualifiers.contains) && window.contains(where: Self.instructionNouns.contains))
            {
                return verb.offset
            }
        }
        return nil
    }

    static let markers = [
        "<|im_start|>", "<|im_end|>", "<|system|>", "<|start_header_id|>", "<|eot_id|>", "<|endoftext|>", "[inst]", "[/inst]", "<<sys>>",
        "<</sys>>", "<system>", "</system>",
    ]
    static let headingMarkers = ["### system:", "### instruction:", "### instructions:", "system prompt:"]

    func roleMarker() -> Int? {
        guard scalars.contains(where: { $0 == "<" || $0 == "[" || $0 == "#" || $0 == ":" }) else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let lowered = String(view).lowercased()
        for marker in Self.markers {
            if let range = lowered.range(of: marker) { return lowered.unicodeScalars.distance(from: lowered.startIndex, to: range.lowerBound) }
        }
        let trimmed = lowered.drop { $0 == " " || $0 == "\t" }
        return Self.headingMarkers.contains(where: trimmed.hasPrefix) ? 0 : nil
    }

    static let newIdentities: Set<String> = [
        "a", "an", "dan", "no", "free", "unrestricted", "unfiltered", "uncensored", "jailbroken", "acting", "operating", "allowed", "evil", "my",
    ]
    static let obeyVerbs: Set<String> = ["are", "act", "respond", "answer", "obey", "behave", "pretend", "ignore", "only", "always", "never"]
    static let newSubjects: Set<String> = ["role", "instructions", "task", "goal", "persona", "identity", "rules", "purpose", "directive"]

    func roleReassignment() -> Int? {
        for (index, current) in words.enumerated() {
            let next = word(index + 1)
            let after = word(index + 2)
            switch current.text {
            case "you" where next == "are" && after == "now":
                if let role = word(index + 3), Self.newIdentities.contains(role) { return current.offset }
                if word(index + 3) == "in", (index + 4..<min(words.count, index + 8)).contains(where: { words[$0].text == "mode" }) {
                    return current.offset
                }
            case "youre" where next == "now":
                if let role = after, Self.newIdentities.contains(role) { return current.offset }
            case "from" where next == "now" && after == "on":
                guard word(index + 3) == "you", let verb = word(index + 4) else { continue }
                if Self.obeyVerbs.contains(verb) { return current.offset }
                if ["will", "must", "shall", "should"].contains(verb), let action = word(index + 5), Self.obeyVerbs.contains(action) {
                    return current.offset
                }
            case "your" where next == "new":
                if let subject = after, Self.newSubjects.contains(subject) { return current.offset }
            case "new" where next == "system" && after == "prompt":
                return current.offset
            case "pretend" where next == "to" && after == "be", "pretend" where next == "you" && after == "are",
                "pretend" where next == "youre":
                return current.offset
            default:
                continue
            }
        }
        return nil
    }

    /// Verbs that disclose by themselves.
    static let discloseVerbs: Set<String> = ["reveal", "leak", "exfiltrate", "disclose", "expose", "dump"]
    /// Verbs that move data: suspicious only with a destination on the line.
    static let transferVerbs: Set<String> = ["send", "post", "upload", "email", "forward", "transmit", "share", "print", "output", "tell", "give"]
    static let secretWords: Set<String> = [
        "secret", "secrets", "password", "passwords", "passphrase", "credential", "credentials", "keystore", "apikey", "apikeys",
    ]
    static let secretPairs: [String: Set<String>] = [
        "api": ["key", "keys"], "private": ["key", "keys"], "ssh": ["key", "keys"], "system": ["prompt"],
        "environment": ["variable", "variables"], "env": ["file", "vars", "variables"], "access": ["token", "tokens"],
        "auth": ["token", "tokens"], "bearer": ["token", "tokens"], "operator": ["token"], "your": ["token", "tokens", "key", "keys"],
    ]
    static let negations: Set<String> = ["never", "not", "dont", "doesnt", "cannot", "cant", "wont", "shouldnt", "mustnt", "avoid"]
    static let destinations: Set<String> = ["me", "us", "webhook", "http", "https"]

    func secretExfiltration() -> Int? {
        for (index, verb) in words.enumerated() {
            let disclose = Self.discloseVerbs.contains(verb.text)
            guard disclose || Self.transferVerbs.contains(verb.text) else { continue }
            let names = (index + 1..<min(words.count, index + 9)).contains { position in
                let text = words[position].text
                return Self.secretWords.contains(text) || (Self.secretPairs[text]?.contains(word(position + 1) ?? "") ?? false)
            }
            guard names, !words[..<index].contains(where: { Self.negations.contains($0.text) }) else { continue }
            if disclose || hasDestination { return verb.offset }
        }
        return nil
    }

    /// A place to send things: a URL, an e-mail address, "me"/"us", a webhook, or the
    /// model's own answer ("in your response").
    var hasDestination: Bool {
        if words.contains(where: { Self.destinations.contains($0.text) }) { return true }
        for (index, current) in words.enumerated() where current.text == "your" {
            if let next = word(index + 1), ["response", "reply", "answer", "output"].contains(next) { return true }
        }
        return scalars.contains("@")
    }
}

/// Invisible characters of a line: tag characters and bidirectional controls always,
/// zero-width characters when they touch an ASCII letter or digit (inside emoji sequences
/// and scripts that need them they are left alone).
struct HiddenCharacters {
    /// The line without the hidden characters counted.
    let cleaned: String
    /// What was found, for the finding; nil when nothing.
    let description: String?
    /// The ASCII that tag characters spell.
    let tagText: String

    var hasTagText: Bool { !tagText.isEmpty }

    init(_ line: Substring) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.contains(where: { $0.value >= 0x180E && Self.isCandidate($0) }) else {
            cleaned = String(line)
            description = nil
            tagText = ""
            return
        }
        var kept = String.UnicodeScalarView()
        var counts: [UInt32: Int] = [:]
        var tags = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            var hidden = false
            if (0xE0000...0xE007F).contains(value) {
                hidden = true
                if (0xE0020...0xE007E).contains(value), let ascii = Unicode.Scalar(value - 0xE0000) { tags.append(ascii) }
            } else if (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                hidden = true
            } else if Self.isZeroWidth(value), !(value == 0xFEFF && index == 0) {
                let touches = [index - 1, index + 1].contains { $0 >= 0 && $0 < scalars.count && Self.isASCIIWordScalar(scalars[$0]) }
                hidden = touches
            }
            if hidden {
                let key = (0xE0000...0xE007F).contains(value) ? 0xE0000 : value
                counts[key, default: 0] += 1
            } else {
                kept.append(scalar)
            }
        }
        cleaned = String(kept)
        tagText = String(tags)
        guard !counts.isEmpty else {
            description = nil
            return
        }
        let parts = counts.sorted { $0.key < $1.key }.map { value, count in
            value == 0xE0000 ? "tag characters ×\(count)" : "U+\(Self.hex(value)) ×\(count)"
        }
        var text = "hidden characters: " + parts.joined(separator: ", ")
        if !tagText.isEmpty { text += " spelling \"\(tagText.prefix(60))\(tagText.count > 60 ? "…" : "")\"" }
        description = text
    }

    /// `value` in upper-case hex, at least four digits.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func isZeroWidth(_ value: UInt32) -> Bool {
        value == 0x200B || value == 0x200C || value == 0x200D || value == 0x2060 || (0x2061...0x2064).contains(value) || value == 0xFEFF
            || value == 0x180E
    }

    static func isCandidate(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return isZeroWidth(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || (0xE0000...0xE007F).contains(value)
    }

    static func isASCIIWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
    }
}

/// Long base64 runs: suspicious next to an instruction cue, or when what they decode to
/// trips a rule by itself. Data URIs (`;base64,`) and integrity hashes (`sha512-`) are
/// left alone.
enum EncodedPayload {
    static let minimumLength = 80
    /// Runs decoded per line at most, so a line of many blobs costs a bounded amount.
    static let maximumDecodes = 8

    /// The excerpt of the first suspicious run of `line`, or nil.
    static func find(in line: String, nearCue: Bool) -> String? {
        let bytes = Array(line.utf8)
        guard bytes.count >= minimumLength else { return nil }
        var index = 0
        var decodes = 0
        while index < bytes.count {
            guard isBase64(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, isBase64(bytes[index]) { index += 1 }
            while index < bytes.count, bytes[index] == UInt8(ascii: "=") { index += 1 }
            guard index - start >= minimumLength, !isExempt(bytes, run: start..<index) else { continue }
            let run = String(decoding: bytes[start..<index], as: UTF8.self)
            let shown = "base64 run of \(index - start) characters: \(run.prefix(40))…"
            if nearCue { return shown + " (next to an instruction)" }
            guard decodes < maximumDecodes else { continue }
            decodes += 1
            if let decoded = decodedText(run) {
                let words = LineWords(String(decoded.prefix(4096)))
                if let finding = words.findings(line: 1).first { return shown + " decoding to: " + finding.excerpt }
            }
        }
        return nil
    }

    static func isBase64(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "+/-_".utf8.contains(byte)
    }

    /// A data URI's payload, or a subresource-integrity hash (`sha512-…`, which the run
    /// itself starts with since `-` is a base64url character).
    static func isExempt(_ bytes: [UInt8], run: Range<Int>) -> Bool {
        let before = String(decoding: bytes[max(0, run.lowerBound - 8)..<run.lowerBound], as: UTF8.self).lowercased()
        let head = String(decoding: bytes[run.lowerBound..<min(run.upperBound, run.lowerBound + 7)], as: UTF8.self).lowercased()
        return before.hasSuffix(";base64,") || ["sha256-", "sha384-", "sha512-"].contains(head)
    }

    /// The run decoded, when it is mostly printable ASCII text.
    static func decodedText(_ run: String) -> String? {
        var standard = run.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        guard let data = Data(base64Encoded: standard), !data.isEmpty else { return nil }
        let printable = data.filter { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }.count
        guard printable * 10 >= data.count * 9 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
