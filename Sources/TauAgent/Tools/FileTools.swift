import Foundation
import TauCore

/// `read_file`: a text file of the workspace, whole or a range of lines.
public struct ReadFileTool: AgentTool {
    /// Most bytes returned; a longer file is read by lines with `offset` and `limit`.
    public static let maximumBytes = 256 << 10

    public init() {}

    public var name: String { "read_file" }
    public var description: String {
        "Read a UTF-8 text file of the workspace. Lines are numbered from 1; pass offset and limit to read part of a long file."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["path"],
            "properties": [
                "path": FileAccess.pathArgument,
                "offset": ["type": "integer", "minimum": 1, "description": "First line to read (1-based)."],
                "limit": ["type": "integer", "minimum": 1, "description": "How many lines to read."],
            ],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let path = try context.paths.check(try arguments.requiredString("path", tool: name))
        let offset = max(1, try arguments.optionalCount("offset", tool: name) ?? 1)
        let limit = try arguments.optionalCount("limit", tool: name)
        let text = try FileAccess.readText(path, display: arguments["path"]?.stringValue ?? path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let selected = lines.dropFirst(offset - 1).prefix(limit ?? lines.count)
        let body = selected.joined(separator: "\n")
        guard body.utf8.count <= Self.maximumBytes else {
            throw AgentError(
                "file_too_large",
                "\(arguments["path"]?.stringValue ?? path) has \(text.utf8.count) bytes; read at most \(Self.maximumBytes) at once with offset and limit")
        }
        return ToolOutput(body, details: ["lines": .number(Double(lines.count)), "from": .number(Double(offset)), "read": .number(Double(selected.count))])
    }
}

/// `write_file`: creates or replaces a file of the workspace (parent directories included),
/// atomically.
public struct WriteFileTool: AgentTool {
    public static let maximumBytes = 4 << 20

    public init() {}

    public var name: String { "write_file" }
    public var description: String { "Create or overwrite a UTF-8 text file in the workspace with the given content." }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["path", "content"],
            "properties": [
                "path": FileAccess.pathArgument,
                "content": ["type": "string", "description": "The whole new content of the file."],
            ],
        ]
    }
    public var isParallelSafe: Bool { false }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let display = try arguments.requiredString("path", tool: name)
        let path = try context.paths.check(display)
        let content = try arguments.requiredString("content", tool: name)
        guard content.utf8.count <= Self.maximumBytes else {
            throw AgentError("content_too_large", "write_file takes at most \(Self.maximumBytes) bytes")
        }
        try FileAccess.writeText(content, to: path, display: display)
        return ToolOutput("wrote \(content.utf8.count) bytes to \(display)", details: ["bytes": .number(Double(content.utf8.count))])
    }
}

/// `edit_file`: replaces one exact, unique piece of text of a file.
public struct EditFileTool: AgentTool {
    public init() {}

    public var name: String { "edit_file" }
    public var description: String {
        "Replace exactly one occurrence of old_text with new_text in a workspace file. old_text must match the file exactly (spaces and newlines included) and occur once; include more surrounding lines to make it unique."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["path", "old_text", "new_text"],
            "properties": [
                "path": FileAccess.pathArgument,
                "old_text": ["type": "string", "description": "The exact text to replace; it must occur once."],
                "new_text": ["type": "string", "description": "The text to put in its place."],
            ],
        ]
    }
    public var isParallelSafe: Bool { false }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let display = try arguments.requiredString("path", tool: name)
        let path = try context.paths.check(display)
        let old = try arguments.requiredString("old_text", tool: name)
        let new = try arguments.requiredString("new_text", tool: name)
        guard !old.isEmpty else { throw AgentError("tool_arguments_invalid", "edit_file: old_text must not be empty") }
        let text = try FileAccess.readText(path, display: display)
        let matches = text.ranges(of: old)
        guard let match = matches.first else {
            throw AgentError("edit_no_match", "old_text does not occur in \(display); read the file and copy the text exactly")
        }
        guard matches.count == 1 else {
            throw AgentError(
                "edit_ambiguous", "old_text occurs \(matches.count) times in \(display); include more surrounding text so it occurs once")
        }
        var edited = text
        edited.replaceSubrange(match, with: new)
        try FileAccess.writeText(edited, to: path, display: display)
        let line = text[..<match.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count
        return ToolOutput("edited \(display) at line \(line)", details: ["line": .number(Double(line))])
    }
}

/// `list_dir`: the entries of a workspace directory.
public struct ListDirTool: AgentTool {
    public static let maximumEntries = 1_000

    public init() {}

    public var name: String { "list_dir" }
    public var description: String { "List a workspace directory: one entry per line, directories ending in /, files with their size." }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false,
            "properties": ["path": ["type": "string", "description": "Directory relative to the workspace (default: the workspace)."]],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let display = arguments["path"]?.stringValue ?? "."
        let path = try context.paths.check(display)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw AgentError("path_not_found", "\(display) is not a directory of the workspace", category: .notFound)
        }
        var lines: [String] = []
        for name in names.prefix(Self.maximumEntries) {
            let full = path + "/" + name
            // Protected entries (the node home inside a workspace) are not even listed.
            if context.paths.protected.contains(where: { PathPolicy.isInside(PathPolicy.resolved(full), $0) }) { continue }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                lines.append(name + "/")
            } else {
                let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.intValue ?? 0
                lines.append("\(name)  \(size)")
            }
        }
        if names.count > Self.maximumEntries { lines.append("… \(names.count - Self.maximumEntries) more") }
        return ToolOutput(lines.joined(separator: "\n"), details: ["entries": .number(Double(names.count))])
    }
}

/// File reads and writes for the tools, with reason codes.
enum FileAccess {
    /// The schema of a tool's `path` argument.
    static let pathArgument: JSONValue = ["type": "string", "description": "Path relative to the workspace."]

    static func readText(_ path: String, display: String) throws(AgentError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentError("path_not_found", "\(display) does not exist or cannot be read", category: .notFound)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AgentError("file_not_text", "\(display) is not UTF-8 text")
        }
        return text
    }

    static func writeText(_ text: String, to path: String, display: String) throws(AgentError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AgentError("file_write_failed", "cannot create the directory of \(display)", cause: error)
        }
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.uint32Value ?? 0o644
        do throws(CoreError) {
            try AtomicFile.write(text, to: path, mode: mode)
        } catch {
            throw AgentError("file_write_failed", "cannot write \(display): \(error.message)", cause: error)
        }
    }
}
