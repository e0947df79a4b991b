import Foundation
import TauCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `search`: the lines of the workspace's text files that match a regular expression, as
/// git sees the tree (`.gitignore` rules apply, `.git/` is never entered).
public struct SearchTool: AgentTool {
    /// Results returned when the call does not say.
    public static let defaultResults = 100
    /// Most results a call may ask for.
    public static let maximumResults = 1_000
    /// Larger files are skipped.
    public static let maximumFileBytes = 1 << 20
    /// Characters of a matching line shown.
    public static let maximumLineCharacters = 300
    /// Files that contain a NUL byte in their first 8 KiB are binary and skipped.
    static let binaryProbeBytes = 8 << 10

    /// Most files read by one call.
    public let maximumFiles: Int
    /// Most bytes read by one call.
    public let maximumBytes: Int

    /// - Parameters:
    ///   - maximumFiles: most files one call reads before it stops and says so.
    ///   - maximumBytes: most bytes one call reads before it stops and says so.
    public init(maximumFiles: Int = 20_000, maximumBytes: Int = 64 << 20) {
        self.maximumFiles = max(1, maximumFiles)
        self.maximumBytes = max(1, maximumBytes)
    }

    public var name: String { "search" }
    public var description: String {
        "Search the text files of the workspace for lines matching a regular expression (ICU syntax). Files ignored by .gitignore, the .git directory, binary files and files over 1 MiB are skipped. Prints path:line: text."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["pattern"],
            "properties": [
                "pattern": ["type": "string", "description": "Regular expression matched against each line."],
                "path": ["type": "string", "description": "Directory (or file) to search, relative to the workspace (default: the workspace)."],
                "glob": ["type": "string", "description": "Only files whose name matches, e.g. *.swift; with a /, matched against the path below `path`, e.g. src/**/*.ts."],
                "case_insensitive": ["type": "boolean", "description": "Ignore letter case (default false)."],
                "max_results": [
                    "type": "integer", "minimum": 1, "maximum": .number(Double(Self.maximumResults)),
                    "description": "Most matching lines returned (default 100).",
                ],
            ],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let pattern = try arguments.requiredString("pattern", tool: name)
        let display = try arguments.optionalString("path", tool: name) ?? "."
        let root = try context.paths.check(display)
        let caseInsensitive = try arguments.optionalBool("case_insensitive", tool: name) ?? false
        let limit = min(Self.maximumResults, max(1, try arguments.optionalCount("max_results", tool: name) ?? Self.defaultResults))
        let glob = try arguments.optionalString("glob", tool: name).map(FileGlob.init)
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
        } catch {
            throw AgentError("search_pattern_invalid", "`\(pattern)` is not a valid regular expression")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw AgentError("path_not_found", "\(display) does not exist", category: .notFound)
        }
        var walk = SearchWalk(
            regex: regex, glob: glob, limit: limit, maximumFiles: maximumFiles, maximumBytes: maximumBytes, paths: context.paths,
            searchRoot: root)
        if isDirectory.boolValue {
            walk.walk(directory: root, ignore: walk.inheritedIgnore(above: root))
        } else {
            walk.scan(file: root)
        }
        if Task.isCancelled { throw AgentError("tool_cancelled", "the search was cancelled") }
        return walk.output()
    }
}

/// One search over a tree: the walk, its budget and what it found.
struct SearchWalk {
    let regex: NSRegularExpression
    let glob: FileGlob?
    let limit: Int
    let maximumFiles: Int
    let maximumBytes: Int
    let paths: PathPolicy
    let searchRoot: String
    /// The allowed root the search is under: `.gitignore` paths are relative to it.
    let ignoreRoot: String

    var lines: [String] = []
    var filesScanned = 0
    var bytesScanned = 0
    var skippedBinary = 0
    var skippedLarge = 0
    /// Why the walk ended early, for the note in the output.
    var stopped: String?

    init(
        regex: NSRegularExpression, glob: FileGlob?, limit: Int, maximumFiles: Int, maximumBytes: Int, paths: PathPolicy, searchRoot: String
    ) {
        self.regex = regex
        self.glob = glob
        self.limit = limit
        self.maximumFiles = maximumFiles
        self.maximumBytes = maximumBytes
        self.paths = paths
        self.searchRoot = searchRoot
        self.ignoreRoot = paths.roots.filter { PathPolicy.isInside(searchRoot, $0) }.max { $0.count < $1.count } ?? searchRoot
    }

    /// The rules of the `.gitignore` files between the allowed root and the search root
    /// (not the search root's own, which the walk reads on entering it).
    func inheritedIgnore(above directory: String) -> GitIgnore {
        var ignore = GitIgnore()
        var current = ignoreRoot
        let below = relative(directory, to: ignoreRoot).split(separator: "/")
        for component in below {
            load(gitignoreOf: current, into: &ignore)
            current += "/" + component
        }
        return ignore
    }

    var isDone: Bool { stopped != nil || Task.isCancelled }

    mutating func walk(directory: String, ignore inherited: GitIgnore) {
        var ignore = inherited
        load(gitignoreOf: directory, into: &ignore)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where name != ".git" {
            if isDone { return }
            let full = directory == "/" ? "/" + name : directory + "/" + name
            let ignorePath = relative(full, to: ignoreRoot)
            var status = stat()
            guard lstat(full, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                guard ignore.decision(for: ignorePath, isDirectory: true) != true else { continue }
                // Protected directories (the node home) are not even listed.
                guard (try? paths.check(full)) != nil else { continue }
                walk(directory: full, ignore: ignore)
            case S_IFREG, S_IFLNK:
                // A link is judged by git as a file; where it points is judged by the path
                // policy, and links to directories are not followed (no loops, no escapes).
                guard ignore.decision(for: ignorePath, isDirectory: false) != true else { continue }
                if let glob, !glob.matches(relativePath: relative(full, to: searchRoot)) { continue }
                scan(file: full)
            default:
                continue
            }
        }
    }

    /// Reads one file, if the policy allows it, and records its matching lines.
    mutating func scan(file: String) {
        guard let checked = try? paths.check(file) else { return }
        guard filesScanned < maximumFiles else {
            stopped = "search stopped after reading \(maximumFiles) files; narrow path or glob"
            return
        }
        guard let bytes = readSmallFile(checked) else { return }
        guard bytesScanned + bytes.count <= maximumBytes else {
            stopped = "search stopped after reading \(bytesScanned) bytes (limit \(maximumBytes)); narrow path or glob"
            return
        }
        filesScanned += 1
        bytesScanned += bytes.count
        guard !bytes.prefix(SearchTool.binaryProbeBytes).contains(0) else {
            skippedBinary += 1
            return
        }
        let display = displayPath(file)
        let text = String(decoding: bytes, as: UTF8.self)
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            guard regex.firstMatch(in: line, range: NSRange(location: 0, length: line.utf16.count)) != nil else { continue }
            guard lines.count < limit else {
                stopped = "results capped at \(limit); narrow the pattern, path or glob, or raise max_results (up to \(SearchTool.maximumResults))"
                return
            }
            let shown = line.count > SearchTool.maximumLineCharacters ? String(line.prefix(SearchTool.maximumLineCharacters)) + "…" : line
            lines.append("\(display):\(number): \(shown)")
        }
    }

    /// The bytes of a regular file of at most ``SearchTool/maximumFileBytes``; nil for anything
    /// else (counted as large when it is too long). The final component is opened without
    /// following links, so a link swapped in after the policy check is not read.
    private mutating func readSmallFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        guard status.st_size <= SearchTool.maximumFileBytes else {
            skippedLarge += 1
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: SearchTool.maximumFileBytes + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(descriptor, base + filled, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        // It grew past the limit between the size check and the read.
        guard filled <= SearchTool.maximumFileBytes else {
            skippedLarge += 1
            return nil
        }
        return Array(bytes.prefix(filled))
    }

    private func load(gitignoreOf directory: String, into ignore: inout GitIgnore) {
        let path = directory + "/.gitignore"
        guard let checked = try? paths.check(path), FileManager.default.fileExists(atPath: checked) else { return }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: checked),
            (attributes[.size] as? NSNumber)?.intValue ?? Int.max <= SearchTool.maximumFileBytes,
            let data = FileManager.default.contents(atPath: checked)
        else { return }
        ignore.add(String(decoding: data, as: UTF8.self), base: relative(directory, to: ignoreRoot))
    }

    /// How a path is shown: relative to the workspace when inside it, else absolute.
    private func displayPath(_ path: String) -> String {
        PathPolicy.isInside(path, paths.workspace) && path != paths.workspace ? relative(path, to: paths.workspace) : path
    }

    private func relative(_ path: String, to base: String) -> String {
        guard path != base else { return "" }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    func output() -> ToolOutput {
        var text = lines.isEmpty ? "no matches" : lines.joined(separator: "\n")
        if let stopped { text += "\n[\(stopped)]" }
        let details: JSONValue = [
            "matches": .number(Double(lines.count)), "files_scanned": .number(Double(filesScanned)),
            "bytes_scanned": .number(Double(bytesScanned)), "skipped_binary": .number(Double(skippedBinary)),
            "skipped_large": .number(Double(skippedLarge)), "truncated": .bool(stopped != nil),
        ]
        return ToolOutput(text, details: details)
    }
}
