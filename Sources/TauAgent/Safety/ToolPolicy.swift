import Foundation
import TauCore

/// Which tools the agent may call, when it must ask the operator first, how often a tool may
/// run, where files may be touched, and how suspicious tool output is handled.
///
/// A plain value: ``decide(tool:arguments:)`` is a pure function of the policy and the call.
/// Rate limits need state, so they are enforced by ``ToolGate``, which wraps a policy and a
/// `RateLimiter`. The node home (keystore, database, operator token) is protected by
/// ``PathPolicy`` whatever the tool policy says; see ``paths(workspace:protected:)``.
public struct ToolPolicy: Sendable, Equatable {
    /// When the operator is asked before a tool runs.
    public enum Approval: String, Sendable, CaseIterable {
        /// Never ask: a call is allowed or denied by the lists alone.
        case never
        /// Ask before every call whose tool is not known to be read-only (writes, shell,
        /// MCP and other unknown tools).
        case onRequest = "on-request"
        /// Do not ask; calls that `on-request` would ask about run, and ``ToolGate`` reports
        /// each of them as an automatic `approval_granted` for the audit log.
        case auto
    }

    /// What happens to untrusted text (tool output, fetched pages, MCP results) in which
    /// ``InjectionScanner`` finds a prompt-injection pattern.
    public enum InjectionHandling: String, Sendable, CaseIterable {
        /// Keep the text and put a warning the model reads in front of it.
        case flag
        /// Remove the offending lines and hidden characters and fence the text in
        /// untrusted-content delimiters.
        case strip
    }

    /// Tools that may be called (patterns); a tool no pattern matches is denied.
    public var allow: [ToolPattern]
    /// Tools that may never be called (patterns); deny wins over allow.
    public var deny: [ToolPattern]
    public var approval: Approval
    /// Tools the operator declares read-only (patterns, e.g. `mcp__docs__*`), so that
    /// `on-request` approval does not ask for them.
    public var readOnlyTools: [ToolPattern]
    /// Directories tools may use besides the workspace.
    public var extraRoots: [String]
    /// Paths no tool may read or write, added to the node's own protected paths.
    public var extraProtected: [String]
    /// Whether tools that write may use ``extraRoots``; when false they may write in the
    /// workspace only (reads may still use the extra roots).
    public var writesOutsideWorkspace: Bool
    /// Per-tool call rates, enforced by ``ToolGate``; every rule whose pattern matches a
    /// tool applies to it.
    public var rateLimits: [ToolRateLimit]
    public var injection: InjectionHandling

    public init(
        allow: [ToolPattern] = ["*"], deny: [ToolPattern] = [], approval: Approval = .onRequest, readOnlyTools: [ToolPattern] = [],
        extraRoots: [String] = [], extraProtected: [String] = [], writesOutsideWorkspace: Bool = true, rateLimits: [ToolRateLimit] = [],
        injection: InjectionHandling = .flag
    ) {
        self.allow = allow
        self.deny = deny
        self.approval = approval
        self.readOnlyTools = readOnlyTools
        self.extraRoots = extraRoots
        self.extraProtected = extraProtected
        self.writesOutsideWorkspace = writesOutsideWorkspace
        self.rateLimits = rateLimits
        self.injection = injection
    }

    /// Decides a call, without rate limits (``ToolGate`` adds those).
    /// - Returns: `.deny` with ``AgentError`` `tool_denied` when a deny pattern matches or no
    ///   allow pattern does; `.ask` when approval is `on-request` and the tool is not known to
    ///   be read-only; `.allow` otherwise.
    public func decide(tool: String, arguments: JSONValue) -> ToolDecision {
        if let pattern = ToolPattern.first(of: deny, matching: tool) {
            return .deny(Self.denied(tool, "it is denied by the tool policy (deny \"\(pattern)\")"))
        }
        guard ToolPattern.first(of: allow, matching: tool) != nil else {
            return .deny(Self.denied(tool, "no allow pattern of the tool policy matches it"))
        }
        if approval == .onRequest, needsApproval(tool) {
            return .ask(reason: Self.approvalReason(tool: tool, arguments: arguments))
        }
        return .allow
    }

    /// Whether `on-request` approval would ask before `tool` runs: its effect needs approval
    /// (see ``ToolEffect``) and the operator has not declared it read-only.
    public func needsApproval(_ tool: String) -> Bool {
        ToolEffect.of(tool).needsApproval && ToolPattern.first(of: readOnlyTools, matching: tool) == nil
    }

    /// The rate limit rules that apply to `tool`.
    public func rateLimits(for tool: String) -> [ToolRateLimit] {
        rateLimits.filter { $0.tool.matches(tool) }
    }

    static func denied(_ tool: String, _ why: String) -> AgentError {
        AgentError("tool_denied", "\(tool.prefix(128)) may not be called: \(why)", category: .unauthorized)
    }

    /// What the operator is shown when asked: the tool and the argument that matters most.
    static func approvalReason(tool: String, arguments: JSONValue) -> String {
        func argument(_ name: String) -> String? {
            arguments[name]?.stringValue.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
        }
        switch tool {
        case "bash": return "bash wants to run: \(argument("command") ?? "(no command)")"
        case "write_file": return "write_file wants to write \(argument("path") ?? "(no path)")"
        case "edit_file": return "edit_file wants to edit \(argument("path") ?? "(no path)")"
        case "memory_save": return "memory_save wants to keep a note"
        default:
            let effect = ToolEffect.of(tool)
            return effect == .unknown ? "\(tool.prefix(128)) is not known to be read-only" : "\(tool.prefix(128)) has effect \(effect.rawValue)"
        }
    }
}

/// How often calls of the tools matching `tool` may run: `perMinute` on average, up to
/// `burst` at once. All tools matching one rule share its budget.
public struct ToolRateLimit: Sendable, Hashable {
    public var tool: ToolPattern
    public var perMinute: Int
    public var burst: Int

    /// - Parameter burst: calls allowed at once; defaults to `perMinute`.
    public init(tool: ToolPattern, perMinute: Int, burst: Int? = nil) {
        self.tool = tool
        self.perMinute = max(0, perMinute)
        self.burst = max(1, burst ?? perMinute)
    }

    /// The token bucket: `burst` tokens, refilled at `perMinute` per minute.
    public var limit: RateLimit { RateLimit(capacity: Double(burst), refillPerSecond: Double(perMinute) / 60) }
}

/// What the policy says about one tool call.
public enum ToolDecision: Sendable, Equatable {
    /// Run it.
    case allow
    /// Ask the operator first; `reason` is what they are shown.
    case ask(reason: String)
    /// Do not run it; the error (`tool_denied`, `tool_rate_limited`) goes back to the model.
    case deny(AgentError)

    /// Whether the call may still run (allowed, or allowed once approved).
    public var isRunnable: Bool {
        if case .deny = self { return false }
        return true
    }
}
