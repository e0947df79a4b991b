/// The rules of `.gitignore` files, for tools that walk a workspace the way git sees it.
///
/// Semantics follow gitignore(5): blank lines and `#` comments are skipped; `!` re-includes;
/// a trailing `/` matches directories only; a pattern with a `/` at its start or in its middle
/// is anchored to the directory of its `.gitignore`, one without matches a name at any depth;
/// `*` and `?` never match `/`; `[a-z]`, `[!…]` and `[^…]` are character classes; `**` as a
/// whole segment matches any number of directories (`a/**/b`, `**/b`, and `a/**`, which
/// matches everything inside `a`); `\` escapes the next character; trailing spaces are
/// dropped unless escaped. Rules of a nested `.gitignore` apply below its directory and win
/// over the rules above them; within a file the last matching rule wins. As in git, a path
/// whose parent directory is ignored stays ignored whatever a later `!` rule says.
///
/// Paths are relative, separated by `/`, without a leading `./`.
public struct GitIgnore: Sendable, Equatable {
    /// One line of a `.gitignore`.
    struct Rule: Sendable, Equatable {
        /// Directory of the `.gitignore` the rule came from ("" for the root).
        var base: String
        /// The pattern split at `/`; an anchored pattern matches from the base, others match
        /// the last name only.
        var segments: [[PatternToken]]
        var anchored: Bool
        var negated: Bool
        var directoryOnly: Bool
    }

    enum PatternToken: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyOne
        case anyRun
        /// A whole `**` segment.
        case anyDirectories
        case characterClass(ranges: [ClosedRange<Unicode.Scalar>], negated: Bool)
        /// A `[` without its `]`: like git, the pattern then matches nothing.
        case unmatchable
    }

    private(set) var rules: [Rule] = []

    /// No rules: nothing is ignored.
    public init() {}

    /// The rules of one `.gitignore` whose directory is `base` (relative, "" for the root).
    public init(_ text: String, base: String = "") {
        add(text, base: base)
    }

    /// Adds the rules of a `.gitignore` found in `base`, below the rules already held, so
    /// that they win over them.
    public mutating func add(_ text: String, base: String) {
        let base = Self.trimmedSlashes(base)
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if let rule = Self.parse(Substring(line), base: base) { rules.append(rule) }
        }
    }

    /// These rules plus those of a `.gitignore` found in `base`.
    public func adding(_ text: String, base: String) -> GitIgnore {
        var copy = self
        copy.add(text, base: base)
        return copy
    }

    /// Whether git would ignore `path`: the path itself or any directory above it.
    public func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        let components = Self.trimmedSlashes(path).split(separator: "/").map(String.init)
        guard !components.isEmpty else { return false }
        for depth in 1..<components.count + 1 {
            let isLast = depth == components.count
            let prefix = components.prefix(depth).joined(separator: "/")
            if decision(for: prefix, isDirectory: isLast ? isDirectory : true) == true { return true }
        }
        return false
    }

    /// What the rules say of `path` alone, its parents not considered: true (ignored), false
    /// (re-included by a `!` rule) or nil (no rule matches). A walker that skips ignored
    /// directories needs only this.
    func decision(for path: String, isDirectory: Bool) -> Bool? {
        let components = path.split(separator: "/").map { Array(String($0).unicodeScalars) }
        for rule in rules.reversed() where !(rule.directoryOnly && !isDirectory) {
            guard let relative = Self.relative(components, path: path, base: rule.base) else { continue }
            let matched: Bool
            if rule.anchored {
                matched = Self.match(rule.segments[...], relative[...])
            } else if let last = relative.last, let only = rule.segments.first {
                matched = Self.match(Self.nameTokens(only)[...], last[...])
            } else {
                matched = false
            }
            if matched { return !rule.negated }
        }
        return nil
    }

    // MARK: Parsing

    static func parse(_ raw: Substring, base: String) -> Rule? {
        var line = Array(raw.unicodeScalars)
        // Trailing spaces go unless escaped by a backslash.
        while let last = line.last, last == " " || last == "\t" {
            if line.count >= 2, line[line.count - 2] == "\\" { break }
            line.removeLast()
        }
        guard let first = line.first, first != "#" else { return nil }
        var negated = false
        if first == "!" {
            negated = true
            line.removeFirst()
        }
        var directoryOnly = false
        if line.last == "/" {
            directoryOnly = true
            while line.last == "/" { line.removeLast() }
        }
        guard !line.isEmpty else { return nil }
        // A slash at the start or in the middle anchors the pattern to its directory.
        let anchored = line.contains("/")
        let pieces = String(String.UnicodeScalarView(line)).split(separator: "/", omittingEmptySubsequences: true)
        guard !pieces.isEmpty else { return nil }
        let segments = pieces.map { piece -> [PatternToken] in
            piece == "**" ? [.anyDirectories] : tokens(Array(piece.unicodeScalars))
        }
        return Rule(base: base, segments: segments, anchored: anchored, negated: negated, directoryOnly: directoryOnly)
    }

    /// The tokens of one segment of a glob (no `/` inside).
    static func tokens(_ scalars: [Unicode.Scalar]) -> [PatternToken] {
        var result: [PatternToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                index += 1
                if index < scalars.count { result.append(.literal(scalars[index])) }
            case "*":
                // Runs of `*` inside a segment are one `*`.
                if result.last != .anyRun { result.append(.anyRun) }
            case "?":
                result.append(.anyOne)
            case "[":
                guard let (token, next) = characterClass(scalars, from: index) else { return [.unmatchable] }
                result.append(token)
                index = next
                continue
            default:
                result.append(.literal(scalar))
            }
            index += 1
        }
        return result
    }

    /// Parses `[...]` starting at `start`; returns the token and the index after `]`.
    private static func characterClass(_ scalars: [Unicode.Scalar], from start: Int) -> (PatternToken, Int)? {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while index < scalars.count {
            var scalar = scalars[index]
            // A `]` right after the opening (or its `!`) is a member, not the end.
            if scalar == "]", !first { return (.characterClass(ranges: ranges, negated: negated), index + 1) }
            first = false
            if scalar == "\\", index + 1 < scalars.count {
                index += 1
                scalar = scalars[index]
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                var upper = scalars[index + 2]
                var skip = 3
                if upper == "\\", index + 3 < scalars.count {
                    upper = scalars[index + 3]
                    skip = 4
                }
                if scalar <= upper { ranges.append(scalar...upper) }
                index += skip
            } else {
                ranges.append(scalar...scalar)
                index += 1
            }
        }
        return nil
    }

    // MARK: Matching

    /// Matches pattern segments against path components; `**` takes any number of them,
    /// at least one when it is the last segment (`a/**` is what is inside `a`, not `a`).
    static func match(_ segments: ArraySlice<[PatternToken]>, _ components: ArraySlice<[Unicode.Scalar]>) -> Bool {
        guard let segment = segments.first else { return components.isEmpty }
        if segment == [.anyDirectories] {
            let rest = segments.dropFirst()
            let minimum = rest.isEmpty ? 1 : 0
            guard components.count >= minimum else { return false }
            for skip in minimum...components.count where match(rest, components.dropFirst(skip)) { return true }
            return false
        }
        guard let component = components.first, match(segment[...], component[...]) else { return false }
        return match(segments.dropFirst(), components.dropFirst())
    }

    /// Matches one segment's tokens against one name, iteratively with backtracking to the
    /// last `*` (linear in practice, no recursion on long names).
    static func match(_ tokens: ArraySlice<PatternToken>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        let tokens = Array(tokens)
        let name = Array(name)
        var t = 0
        var n = 0
        var star: (token: Int, name: Int)?
        while n < name.count {
            if t < tokens.count, matchesOne(tokens[t], name[n]) {
                t += 1
                n += 1
            } else if t < tokens.count, tokens[t] == .anyRun {
                star = (t, n)
                t += 1
            } else if let last = star {
                t = last.token + 1
                n = last.name + 1
                star = (last.token, last.name + 1)
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .anyRun { t += 1 }
        return t == tokens.count
    }

    /// A segment used to match a single name: a lone `**` there is just `*`.
    static func nameTokens(_ segment: [PatternToken]) -> [PatternToken] {
        segment == [.anyDirectories] ? [.anyRun] : segment
    }

    private static func matchesOne(_ token: PatternToken, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let literal): literal == scalar
        case .anyOne: true
        case .characterClass(let ranges, let negated): ranges.contains { $0.contains(scalar) } != negated
        case .anyRun, .anyDirectories, .unmatchable: false
        }
    }

    /// The components of `path` below `base`, or nil when the path is not below it.
    private static func relative(_ components: [[Unicode.Scalar]], path: String, base: String) -> [[Unicode.Scalar]]? {
        guard !base.isEmpty else { return components }
        guard path.hasPrefix(base + "/") else { return nil }
        let depth = base.split(separator: "/").count
        return Array(components.dropFirst(depth))
    }

    private static func trimmedSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasPrefix("/") { path = path.dropFirst() }
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}

/// A glob over file names or relative paths, with the pattern language of `.gitignore`
/// (`*`, `?`, `[...]`, `**`), for the `glob` argument of `search`.
struct FileGlob: Sendable {
    private let segments: [[GitIgnore.PatternToken]]
    private let matchesPath: Bool

    /// `pattern` without a `/` matches file names; with one, paths relative to the search root.
    init(_ pattern: String) {
        matchesPath = pattern.contains("/")
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { piece in
            piece == "**" ? [.anyDirectories] : GitIgnore.tokens(Array(piece.unicodeScalars))
        }
    }

    func matches(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/").map { Array(String($0).unicodeScalars) }
        if matchesPath { return GitIgnore.match(segments[...], components[...]) }
        guard let name = components.last, let only = segments.first else { return false }
        return GitIgnore.match(GitIgnore.nameTokens(only)[...], name[...])
    }
}
