import Foundation
import Logging
import TauCore
import TauProviders

/// A question put to the user before a tool call runs (approval `on-request`).
public struct ApprovalRequest: Sendable, Equatable {
    public var tool: String
    /// The arguments as the model wrote them (redacted).
    public var arguments: String
    /// What the call would do, in a sentence (`bash wants to run: make test`).
    public var reason: String
}

/// Answers ``ApprovalRequest``s: true lets the call run.
public typealias ToolApprover = @Sendable (ApprovalRequest) async -> Bool

/// Everything a run's tool calls pass through: the policy and its rate limits before a call,
/// the path policy of its effect while it runs, and redaction and injection screening of its
/// output before the model, the session, the events or the log see it; security events go to
/// the audit log.
public struct AgentSafety: Sendable {
    public var gate: ToolGate
    public var paths: ToolPaths
    public var redactor: SecretRedactor
    public var scanner: InjectionScanner
    /// Where security events are recorded; nil records none.
    public var audit: (any AuditLog)?
    /// Who answers approval questions; nil refuses every call that needs approval
    /// (`approval_required`), as a run nobody watches must.
    public var approver: ToolApprover?

    public init(
        gate: ToolGate, paths: ToolPaths, redactor: SecretRedactor = .builtIn, scanner: InjectionScanner = InjectionScanner(),
        audit: (any AuditLog)? = nil, approver: ToolApprover? = nil
    ) {
        self.gate = gate
        self.paths = paths
        self.redactor = redactor
        self.scanner = scanner
        self.audit = audit
        self.approver = approver
    }

    var policy: ToolPolicy { gate.policy }
}

/// What a call of one run is checked against, with the ids its audit events carry.
struct SafetyCheck: Sendable {
    let safety: AgentSafety
    let sessionID: String
    let runID: String
    let now: @Sendable () -> Date
    let logger: Logger

    /// Whether the call may run: nil when it may, else the refusal the model reads.
    func admit(_ call: ToolCall, arguments: JSONValue) async -> AgentError? {
        let verdict = await safety.gate.check(tool: call.name, arguments: arguments, sessionID: sessionID, runID: runID)
        await record(verdict.event)
        switch verdict.decision {
        case .allow:
            return nil
        case .deny(let error):
            return error
        case .ask(let reason):
            guard let approver = safety.approver else {
                await record(.approval(granted: false, tool: call.name, by: "unattended", reason: reason, sessionID: sessionID, runID: runID, at: now()))
                return AgentError(
                    "approval_required",
                    "\(call.name) needs the user's approval and nobody can give it in this run; the operator may set [agent] approval = \"auto\"",
                    category: .unauthorized)
            }
            let request = ApprovalRequest(tool: call.name, arguments: safety.redactor.redact(call.arguments).text, reason: safety.redactor.redact(reason).text)
            let granted = await approver(request)
            await record(.approval(granted: granted, tool: call.name, by: "operator", reason: request.reason, sessionID: sessionID, runID: runID, at: now()))
            return granted ? nil : AgentError("approval_denied", "the user did not allow this \(call.name) call", category: .unauthorized)
        }
    }

    /// The path policy the call runs under.
    func paths(for tool: String) -> PathPolicy { safety.paths.policy(for: tool) }

    /// Records a refusal worth auditing (a protected or outside path).
    func failed(_ error: AgentError, tool: String) async {
        await record(.toolError(error, tool: tool, sessionID: sessionID, runID: runID, at: now()))
    }

    /// The output as the model may read it: secrets redacted, injected instructions flagged
    /// or stripped.
    func screen(_ output: String, tool: String) async -> String {
        let redacted = safety.redactor.redact(output)
        await record(.redaction(redacted, source: "tool_output", tool: tool, sessionID: sessionID, runID: runID, at: now()))
        let screened = safety.scanner.screen(redacted.text, source: tool, handling: safety.policy.injection)
        await record(.injection(screened, source: "tool_output", tool: tool, sessionID: sessionID, runID: runID, at: now()))
        return screened.text
    }

    private func record(_ event: AuditEvent?) async {
        guard let event, let audit = safety.audit else { return }
        do {
            // Its own task: a cancelled run still leaves its security events.
            try await Task { try await audit.record(event) }.value
        } catch {
            logger.error("could not record an audit event", metadata: ["kind": "\(event.kind.rawValue)", "error": "\(error)"])
        }
    }
}
