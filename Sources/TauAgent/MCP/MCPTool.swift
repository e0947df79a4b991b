import Foundation
import MCP
import TauCore

/// A tool of an MCP server, offered to the model as `mcp__<server>__<tool>`.
struct MCPTool: AgentTool {
    let name: String
    let description: String
    let parameters: JSONValue
    let isParallelSafe: Bool
    /// The tool's own name on its server.
    let remoteName: String
    let connection: MCPServerConnection

    /// Most bytes of result text handed to the model; the rest is cut with a marker.
    static let maximumResultBytes = 256 << 10

    init(_ tool: Tool, exposedName: String, connection: MCPServerConnection) {
        let server = connection.configuration.name
        self.name = exposedName
        let summary = tool.description ?? tool.title ?? ""
        self.description = summary.isEmpty ? "Tool `\(tool.name)` of the MCP server `\(server)`." : summary
        // Providers want an object schema; a server that sends anything else gets an open one.
        var schema = JSONValue(tool.inputSchema)
        if schema.objectValue == nil { schema = ["type": "object"] }
        if schema["type"] == nil { schema["type"] = "object" }
        self.parameters = schema
        // Annotations are hints from the server; only a read-only claim lets calls overlap.
        self.isParallelSafe = tool.annotations.readOnlyHint == true
        self.remoteName = tool.name
        self.connection = connection
    }

    func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let members: [String: Value]?
        switch arguments {
        case .null: members = nil
        case .object(let object): members = object.mapValues(Value.init)
        default: throw AgentError("tool_arguments_invalid", "\(name): the arguments must be an object")
        }
        let result = try await connection.call(remoteName, arguments: members)
        let (text, truncated) = Self.capped(Self.render(result))
        if result.isError == true {
            throw AgentError("mcp_tool_error", text.isEmpty ? "\(name) failed without a message" : text)
        }
        var details: JSONValue = ["server": .string(connection.configuration.name), "tool": .string(remoteName)]
        if truncated { details["truncated"] = true }
        return ToolOutput(text, details: details)
    }

    /// The text of a result: text parts as they are, other parts as one-line descriptions,
    /// structured content as JSON when there is nothing else.
    static func render(_ result: CallTool.Result) -> String {
        var parts: [String] = []
        for item in result.content {
            switch item {
            case .text(let text, _, _):
                parts.append(text)
            case .image(let data, let mimeType, _, _):
                parts.append("[image \(mimeType), \(decodedSize(ofBase64: data)) bytes]")
            case .audio(let data, let mimeType, _, _):
                parts.append("[audio \(mimeType), \(decodedSize(ofBase64: data)) bytes]")
            case .resource(let resource, _, _):
                let size = resource.text.map { $0.utf8.count } ?? resource.blob.map(decodedSize(ofBase64:)) ?? 0
                parts.append("[resource \(resource.uri)\(resource.mimeType.map { " \($0)" } ?? ""), \(size) bytes]")
            case .resourceLink(let uri, let name, _, _, let mimeType, _):
                parts.append("[resource link \(name): \(uri)\(mimeType.map { " \($0)" } ?? "")]")
            }
        }
        if parts.isEmpty, let structured = result.structuredContent {
            parts.append(JSONValue(structured).canonicalString())
        }
        return parts.joined(separator: "\n")
    }

    /// `text` cut to ``maximumResultBytes`` at a character boundary, with a marker saying so.
    static func capped(_ text: String) -> (text: String, truncated: Bool) {
        let total = text.utf8.count
        guard total > maximumResultBytes else { return (text, false) }
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if kept + size > maximumResultBytes { break }
            kept += size
            end = text.index(after: index)
        }
        return (String(text[..<end]) + "\n[truncated: \(kept) of \(total) bytes shown]", true)
    }

    private static func decodedSize(ofBase64 text: String) -> Int {
        let padding = text.suffix(2).filter { $0 == "=" }.count
        return max(0, text.count / 4 * 3 - padding)
    }
}

/// How MCP tool names become names every provider accepts.
enum MCPToolNaming {
    /// The longest tool name the providers take.
    static let maximumLength = 64

    /// `mcp__<server>__<tool>`, with characters outside `A-Za-z0-9_-` replaced by `_`. A name
    /// that had to change, or is too long, ends in `_` and eight hex digits of a hash of the
    /// original, so two tools that clean up alike still differ.
    static func exposedName(server: String, tool: String) -> String {
        let prefix = "mcp__\(server)__"
        let room = maximumLength - prefix.count
        let cleaned = String(String.UnicodeScalarView(tool.unicodeScalars.map { isAllowed($0) ? $0 : "_" }))
        if cleaned == tool, !cleaned.isEmpty, cleaned.count <= room { return prefix + cleaned }
        let suffix = "_" + hash(tool)
        return prefix + cleaned.prefix(room - suffix.count) + suffix
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
        default: false
        }
    }

    /// FNV-1a (32 bits) of the UTF-8 bytes: stable across runs, unlike `Hasher`.
    private static func hash(_ text: String) -> String {
        var value: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            value ^= UInt32(byte)
            value = value &* 0x0100_0193
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
