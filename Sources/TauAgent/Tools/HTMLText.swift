/// Readable text from an HTML page, for `http_fetch`: no scripts, styles or tags, entities
/// decoded, whitespace collapsed, a line per block and a blank line per paragraph. A small
/// scanner, not a parser: it is meant for a model to read, not for a browser to render.
enum HTMLText {
    /// Elements whose content is not text for a reader.
    static let skippedElements: Set<String> = ["script", "style", "template", "noscript", "svg", "math", "iframe", "object"]
    /// Elements that end a paragraph (a blank line).
    static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "section", "article",
        "header", "footer", "nav", "aside", "main", "figure", "form", "fieldset", "details", "address", "title", "hr",
    ]
    /// Elements that end a line.
    static let lineElements: Set<String> = ["br", "div", "li", "tr", "dt", "dd", "figcaption", "summary", "caption", "option", "body", "head"]
    /// Elements whose neighbours get a space between them (table cells).
    static let cellElements: Set<String> = ["td", "th"]

    static func text(from html: String) -> String {
        let source = Array(html.unicodeScalars)
        var output = Output()
        var index = 0
        while index < source.count {
            let scalar = source[index]
            if scalar == "<", let next = tag(in: source, at: index, output: &output) {
                index = next
            } else if scalar == "&", let (decoded, next) = entity(in: source, at: index) {
                for character in decoded.unicodeScalars { output.append(character) }
                index = next
            } else {
                // Line breaks in the source are spaces; lines come from the elements.
                output.append(scalar == "\n" || scalar == "\r" || scalar == "\t" ? " " : scalar)
                index += 1
            }
        }
        return collapsed(String(output.text))
    }

    /// The text so far, with the line breaks that elements ask for held back until more text
    /// comes, so that `</li><li>` is one line break and a closing `</p>` at the end is none.
    struct Output {
        var text = String.UnicodeScalarView()
        var pendingBreaks = 0

        mutating func append(_ scalar: Unicode.Scalar) {
            if pendingBreaks > 0 {
                guard !scalar.properties.isWhitespace else { return }
                if !text.isEmpty { text.append(contentsOf: String(repeating: "\n", count: pendingBreaks).unicodeScalars) }
                pendingBreaks = 0
            }
            text.append(scalar)
        }

        /// One line break (`1`) or a blank line (`2`) before the next text.
        mutating func breakLine(_ count: Int) {
            pendingBreaks = max(pendingBreaks, count)
        }
    }

    /// Handles the markup starting with `<` at `start` (a tag, comment or declaration) and
    /// returns where the text resumes; nil when the `<` is just a character.
    private static func tag(in source: [Unicode.Scalar], at start: Int, output: inout Output) -> Int? {
        guard start + 1 < source.count else { return nil }
        let following = source[start + 1]
        if starts(source, at: start, with: "<!--") {
            return (find(source, "-->", from: start + 4).map { $0 + 3 }) ?? source.count
        }
        guard following == "/" || following == "!" || following == "?" || following.properties.isAlphabetic else { return nil }
        // The tag ends at the first `>` outside a quoted attribute value.
        var index = start + 1
        var quote: Unicode.Scalar?
        while index < source.count {
            let scalar = source[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                break
            }
            index += 1
        }
        let end = min(index + 1, source.count)
        let closing = following == "/"
        let name = String(
            String.UnicodeScalarView(
                source[(start + (closing ? 2 : 1))..<index].prefix { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        ).lowercased()
        if !closing, skippedElements.contains(name) {
            // Everything up to the closing tag goes, whatever it looks like.
            guard let close = find(source, "</" + name, from: end, caseInsensitive: true) else { return source.count }
            return (find(source, ">", from: close).map { $0 + 1 }) ?? source.count
        }
        if paragraphElements.contains(name) {
            output.breakLine(2)
        } else if lineElements.contains(name) {
            output.breakLine(1)
            if name == "li", !closing {
                output.append("-")
                output.append(" ")
            }
        } else if cellElements.contains(name) {
            output.append(" ")
        }
        return end
    }

    /// The character an entity (`&amp;`, `&#39;`, `&#x27;`) at `start` stands for, and where
    /// the text resumes; nil when the `&` is just a character.
    private static func entity(in source: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        guard let semicolon = source[start..<min(source.count, start + 12)].firstIndex(of: ";"), semicolon > start + 1 else { return nil }
        let body = String(String.UnicodeScalarView(source[(start + 1)..<semicolon]))
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value else { return nil }
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (String(Character(scalar ?? "\u{FFFD}")), semicolon + 1)
        }
        guard let named = namedEntities[body] else { return nil }
        return (named, semicolon + 1)
    }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«",
        "raquo": "»", "middot": "·", "bull": "•", "deg": "°", "times": "×", "divide": "÷", "euro": "€", "pound": "£", "yen": "¥",
        "cent": "¢", "sect": "§", "para": "¶", "shy": "", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "le": "≤", "ge": "≥",
        "ne": "≠", "plusmn": "±", "frac12": "½", "zwj": "", "zwnj": "", "ensp": " ", "emsp": " ", "thinsp": " ",
    ]

    /// Runs of spaces become one space, lines are trimmed, and runs of blank lines become one.
    static func collapsed(_ text: String) -> String {
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = raw.split(whereSeparator: { $0.isWhitespace })
            let line = words.joined(separator: " ")
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private static func starts(_ source: [Unicode.Scalar], at index: Int, with prefix: String) -> Bool {
        let scalars = Array(prefix.unicodeScalars)
        return index + scalars.count <= source.count && Array(source[index..<(index + scalars.count)]) == scalars
    }

    private static func find(_ source: [Unicode.Scalar], _ needle: String, from start: Int, caseInsensitive: Bool = false) -> Int? {
        let pattern = Array((caseInsensitive ? needle.lowercased() : needle).unicodeScalars)
        guard !pattern.isEmpty, start <= source.count - pattern.count else { return nil }
        for index in start...(source.count - pattern.count) {
            var matched = true
            for offset in 0..<pattern.count {
                var scalar = source[index + offset]
                if caseInsensitive, ("A"..."Z").contains(scalar), let lower = Unicode.Scalar(scalar.value + 32) { scalar = lower }
                if scalar != pattern[offset] {
                    matched = false
                    break
                }
            }
            if matched { return index }
        }
        return nil
    }
}
