/// Finds the line of a key in `config.toml`, so that every configuration error can name
/// file, line and key. TOMLKit reports positions only for syntax errors; this reads the
/// (already valid) text once: table headers (`[a.b]`, `[a."b.c"]`) and `key = value`
/// lines, dotted and quoted keys included. Keys in inline tables get their table's line.
struct ConfigLocator: Sendable {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard let first = line.first, first != "#" else { continue }
            if first == "[" {
                let inner = line.drop { $0 == "[" }
                guard let end = Self.firstUnquoted("]", in: inner) else { continue }
                table = Self.segments(inner[..<end])
                record(table, line: index + 1)
                continue
            }
            guard let equals = Self.firstUnquoted("=", in: line) else { continue }
            record(table + Self.segments(line[..<equals]), line: index + 1)
        }
    }

    /// The line of `path` (e.g. `["gateway", "auth"]`), or of its nearest enclosing table.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: "\u{1F}")] { return line }
            path.removeLast()
        }
        return nil
    }

    private mutating func record(_ path: [String], line: Int) {
        let key = path.joined(separator: "\u{1F}")
        if lines[key] == nil { lines[key] = line }
    }

    /// `a."b.c" . d` → `["a", "b.c", "d"]`.
    static func segments(_ text: Substring) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                result.append(current.trimmingCharacters())
                current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current.trimmingCharacters())
        return result
    }

    /// The first `target` outside quoted text.
    private static func firstUnquoted(_ target: Character, in text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
