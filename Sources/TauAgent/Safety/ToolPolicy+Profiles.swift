extension ToolPolicy {
    /// The names ``profile(named:)`` knows, from least to most restrictive.
    public static let profileNames = ["permissive", "balanced", "strict"]

    /// Every tool allowed, never asks, suspicious output flagged. For a developer's own
    /// machine and trusted tasks.
    public static var permissive: ToolPolicy {
        ToolPolicy(approval: .never, injection: .flag)
    }

    /// The default: every tool allowed; asks before writes, shell commands and tools not
    /// known to be read-only; suspicious output flagged.
    public static var balanced: ToolPolicy {
        ToolPolicy(approval: .onRequest, injection: .flag)
    }

    /// No `bash`, no `http_fetch`, writes only inside the workspace, asks before writes and
    /// unknown tools, suspicious lines stripped and untrusted output fenced.
    public static var strict: ToolPolicy {
        ToolPolicy(deny: ["bash", "http_fetch"], approval: .onRequest, writesOutsideWorkspace: false, injection: .strip)
    }

    /// The profile called `name` (`permissive`, `balanced`, `strict`); nil for any other name.
    public static func profile(named name: String) -> ToolPolicy? {
        switch name {
        case "permissive": .permissive
        case "balanced": .balanced
        case "strict": .strict
        default: nil
        }
    }

    /// The path policies tool calls run under: the node's `protected` paths (its home) plus
    /// ``extraProtected``, always; the workspace plus ``extraRoots`` for reading, and for
    /// writing only when ``writesOutsideWorkspace`` is true. Nothing in a tool policy can
    /// remove a protected path: `protected` is not a policy setting.
    /// - Throws: ``AgentError`` `workspace_invalid` when the workspace is not a directory.
    public func paths(workspace: String, protected: [String]) throws(AgentError) -> ToolPaths {
        let guarded = protected + extraProtected
        let read = try PathPolicy(workspace: workspace, extraRoots: extraRoots, protected: guarded)
        let write = writesOutsideWorkspace ? read : try PathPolicy(workspace: workspace, protected: guarded)
        return ToolPaths(read: read, write: write)
    }
}

/// The path policies of one run: tools that only read get ``read``, every other tool
/// (writes, shell, unknown) gets ``write``.
public struct ToolPaths: Sendable, Equatable {
    public let read: PathPolicy
    public let write: PathPolicy

    /// The path policy a call of `tool` runs under (its `ToolContext.paths`).
    public func policy(for tool: String) -> PathPolicy {
        switch ToolEffect.of(tool) {
        case .read, .network: read
        case .write, .shell, .unknown: write
        }
    }
}
