import Foundation
import TauCore

/// The tool policy with its rate limits, for the agent loop: every call passes
/// ``check(tool:arguments:sessionID:runID:)`` before it runs.
///
/// Rate limits are token buckets in a `RateLimiter`: `InMemoryRateLimiter` for one process,
/// the store's limiter when replicas must share the budget. A bucket is named
/// `tool:<scope>:<pattern>`, so every tool matching one rule shares it, and a scope (a
/// session id, or `node`) keeps separate budgets apart.
public struct ToolGate: Sendable {
    public let policy: ToolPolicy
    let limiter: any RateLimiter
    let scope: String
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - scope: what one budget covers, e.g. a session id; `node` shares it across runs.
    ///   - now: the wall clock buckets refill by.
    public init(
        policy: ToolPolicy, limiter: any RateLimiter = InMemoryRateLimiter(), scope: String = "node",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.policy = policy
        self.limiter = limiter
        self.scope = scope
        self.now = now
    }

    /// Decides a call: the policy first; a call it does not refuse then takes one token from
    /// every rate-limit rule matching the tool. A call being asked about takes its token now,
    /// so a model cannot queue up approvals faster than the rate.
    /// - Returns: the decision, and the audit event to record for it, if any: `tool_blocked`,
    ///   `tool_rate_limited`, or `approval_granted` by `auto` for a call that `on-request`
    ///   would have asked about.
    public func check(tool: String, arguments: JSONValue, sessionID: String? = nil, runID: String? = nil) async -> ToolVerdict {
        let time = now()
        var decision = policy.decide(tool: tool, arguments: arguments)
        if decision.isRunnable, let refusal = await takeTokens(tool, at: time) {
            decision = .deny(refusal)
        }
        var event = AuditEvent.decision(decision, tool: tool, sessionID: sessionID, runID: runID, at: time)
        if decision == .allow, policy.approval == .auto, policy.needsApproval(tool) {
            event = .approval(
                granted: true, tool: tool, by: "auto", reason: ToolPolicy.approvalReason(tool: tool, arguments: arguments),
                sessionID: sessionID, runID: runID, at: time)
        }
        return ToolVerdict(decision: decision, event: event)
    }

    /// The refusal of the first rule without a token; nil when every rule admits the call.
    /// A limiter that fails refuses the call: an unenforceable limit is not lifted.
    private func takeTokens(_ tool: String, at time: Date) async -> AgentError? {
        for rule in policy.rateLimits(for: tool) {
            let decision: RateDecision
            do {
                decision = try await limiter.take("tool:\(scope):\(rule.tool)", limit: rule.limit, at: time)
            } catch {
                return .toolRateLimited(
                    "\(tool.prefix(128)): the rate limit of \"\(rule.tool)\" cannot be checked now (\(error))", cause: error)
            }
            if case .refused(let retryAfter) = decision {
                let seconds = Int(retryAfter.rounded(.up))
                return .toolRateLimited(
                    "\(tool.prefix(128)) is over its rate limit (\"\(rule.tool)\": \(rule.perMinute) per minute, burst \(rule.burst)); try again in \(seconds) s")
            }
        }
        return nil
    }
}

/// What ``ToolGate`` decided about one call.
public struct ToolVerdict: Sendable, Equatable {
    public let decision: ToolDecision
    /// The event to record in the audit log, if the decision is one.
    public let event: AuditEvent?
}

extension CodedError where Domain == AgentErrors {
    static let toolRateLimitedCode = "tool_rate_limited"

    /// A call over a rate limit of its tool, or one whose limit cannot be checked.
    static func toolRateLimited(_ message: String, cause: (any Error)? = nil) -> Self {
        Self(toolRateLimitedCode, message, category: .rateLimited, cause: cause)
    }

    /// Whether a call was refused by a rate limit (audited as `tool_rate_limited`).
    public var isToolRateLimited: Bool { code == Self.toolRateLimitedCode }
}
