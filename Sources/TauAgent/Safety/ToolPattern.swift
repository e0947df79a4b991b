/// A tool name pattern of the tool policy: an exact name (`read_file`), `*` for every tool,
/// or a name with `*` wildcards (`mcp__github__*` for every tool of the MCP server `github`).
/// `*` matches any run of characters, `_` included; nothing else is special.
public struct ToolPattern: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { text }

    /// Whether `tool` matches. Greedy with one backtrack point (the last `*`), so it runs in
    /// time proportional to the lengths of name and pattern multiplied, at worst, never
    /// exponentially.
    public func matches(_ tool: String) -> Bool {
        let pattern = Array(text.utf8)
        let name = Array(tool.utf8)
        var p = 0
        var n = 0
        var star: Int?
        var resume = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = n
                p += 1
            } else if p < pattern.count, pattern[p] == name[n] {
                p += 1
                n += 1
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// The first pattern of `patterns` that matches `tool`.
    static func first(of patterns: [ToolPattern], matching tool: String) -> ToolPattern? {
        patterns.first { $0.matches(tool) }
    }
}

/// What a tool does to the world, which decides whether `on-request` approval asks first.
public enum ToolEffect: String, Sendable, Hashable {
    /// Reads the workspace or the agent's memory.
    case read
    /// Fetches from the network through the node's policed HTTP client (GET only).
    case network
    /// Changes files or the agent's memory.
    case write
    /// Runs commands.
    case shell
    /// Not known to this build (MCP tools, `delegate`, tools added later): treated like a
    /// write, because nothing says it is harmless.
    case unknown

    /// Whether `on-request` approval asks before a call with this effect.
    public var needsApproval: Bool {
        switch self {
        case .read, .network: false
        case .write, .shell, .unknown: true
        }
    }

    /// The effect of a built-in tool, by name; `unknown` for every other name (MCP tools
    /// are `mcp__<server>__<tool>` and are always unknown).
    public static func of(_ tool: String) -> ToolEffect {
        switch tool {
        case "read_file", "list_dir", "search", "memory_search": .read
        case "http_fetch": .network
        case "write_file", "edit_file", "memory_save": .write
        case "bash": .shell
        default: .unknown
        }
    }
}
