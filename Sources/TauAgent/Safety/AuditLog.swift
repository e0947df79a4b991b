import Foundation
import TauCore
import TauCrypto

/// One security-relevant thing that happened during a run: a refused or throttled tool call,
/// an approval, a redaction, a flagged injection, a refused path. Never holds the secret
/// itself: every string of ``detail`` passes the built-in ``SecretRedactor`` when the event
/// is made.
public struct AuditEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// The tool policy refused a call (`tool_denied`).
        case toolBlocked = "tool_blocked"
        /// A call was over its tool's rate limit (`tool_rate_limited`).
        case toolRateLimited = "tool_rate_limited"
        /// Secrets were replaced in text before the model or the session saw it.
        case redaction
        /// Untrusted text held a prompt-injection pattern (flagged or stripped).
        case injectionFlagged = "injection_flagged"
        /// A call that needed approval was approved (by the operator, or automatically).
        case approvalGranted = "approval_granted"
        /// The operator refused a call.
        case approvalDenied = "approval_denied"
        /// A tool was refused a path (`path_protected`, `path_outside_workspace`).
        case pathRefused = "path_refused"
    }

    /// `aud_` and 24 hex digits.
    public var id: String
    public var time: Date
    public var kind: Kind
    public var sessionID: String?
    public var runID: String?
    public var tool: String?
    /// What the kind needs to be understood (a reason code, counts, rule ids); a JSON object.
    public var detail: JSONValue

    public init(
        id: String = AuditEvent.newID(), time: Date, kind: Kind, sessionID: String? = nil, runID: String? = nil, tool: String? = nil,
        detail: JSONValue = [:]
    ) {
        self.id = id
        self.time = time
        self.kind = kind
        self.sessionID = sessionID
        self.runID = runID
        self.tool = tool
        self.detail = SecretRedactor.builtIn.redact(detail)
    }

    public static func newID() -> String { "aud_" + Hex.encode(SecureRandom.bytes(12)) }
}

/// Which events ``AuditLog/list(_:)`` returns.
public struct AuditQuery: Sendable, Equatable {
    /// Events at or after this time.
    public var since: Date?
    public var kind: AuditEvent.Kind?
    public var sessionID: String?
    /// Most events returned (the newest).
    public var limit: Int

    public init(since: Date? = nil, kind: AuditEvent.Kind? = nil, sessionID: String? = nil, limit: Int = 100) {
        self.since = since
        self.kind = kind
        self.sessionID = sessionID
        self.limit = limit
    }
}

/// The audit log: in the store (SQLite or PostgreSQL, TauStore), in memory for tests
/// (TauTesting). Every implementation passes `AuditLogContract`.
public protocol AuditLog: Sendable {
    /// Keeps an event.
    /// - Throws: ``AgentError`` `audit_event_exists` when an event with its id is kept.
    func record(_ event: AuditEvent) async throws
    /// Events matching every filter of `query`, newest first (ties by id, descending), at
    /// most `query.limit`.
    func list(_ query: AuditQuery) async throws -> [AuditEvent]
}

extension AuditEvent {
    /// The event for a refused call, nil for `.allow` and `.ask`: `tool_blocked`, or
    /// `tool_rate_limited` for a rate-limit refusal.
    public static func decision(
        _ decision: ToolDecision, tool: String, sessionID: String? = nil, runID: String? = nil, at time: Date
    ) -> AuditEvent? {
        guard case .deny(let error) = decision else { return nil }
        let kind: Kind = error.isToolRateLimited ? .toolRateLimited : .toolBlocked
        return AuditEvent(
            time: time, kind: kind, sessionID: sessionID, runID: runID, tool: tool,
            detail: ["code": .string(error.code), "message": .string(error.message)])
    }

    /// An approval decision; `by` says who decided (`operator`, `auto`).
    public static func approval(
        granted: Bool, tool: String, by: String, reason: String? = nil, sessionID: String? = nil, runID: String? = nil, at time: Date
    ) -> AuditEvent {
        var detail: JSONValue = ["by": .string(by)]
        if let reason { detail["reason"] = .string(String(reason.prefix(500))) }
        return AuditEvent(
            time: time, kind: granted ? .approvalGranted : .approvalDenied, sessionID: sessionID, runID: runID, tool: tool, detail: detail)
    }

    /// The event for a redaction, nil when nothing was redacted. `source` names the text
    /// (`tool_output`, `session`, ...). Holds the kinds and counts, never the secrets.
    public static func redaction(
        _ result: RedactionResult, source: String, tool: String? = nil, sessionID: String? = nil, runID: String? = nil, at time: Date
    ) -> AuditEvent? {
        guard !result.findings.isEmpty else { return nil }
        let findings = JSONValue.array(result.findings.map { ["kind": .string($0.kind), "count": .number(Double($0.count))] })
        return AuditEvent(
            time: time, kind: .redaction, sessionID: sessionID, runID: runID, tool: tool,
            detail: ["source": .string(source), "findings": findings])
    }

    /// The event for screened untrusted text, nil when nothing was found.
    public static func injection(
        _ screened: ScreenedText, source: String, tool: String? = nil, sessionID: String? = nil, runID: String? = nil, at time: Date
    ) -> AuditEvent? {
        guard !screened.findings.isEmpty else { return nil }
        let findings = JSONValue.array(
            screened.findings.prefix(20).map {
                ["rule": .string($0.rule.rawValue), "line": .number(Double($0.line)), "excerpt": .string($0.excerpt)]
            })
        return AuditEvent(
            time: time, kind: .injectionFlagged, sessionID: sessionID, runID: runID, tool: tool,
            detail: [
                "source": .string(source), "handling": .string(screened.handling.rawValue), "count": .number(Double(screened.findings.count)),
                "findings": findings,
            ])
    }

    /// The event for a tool's refusal of a path (`path_protected`, `path_outside_workspace`);
    /// nil for any other error.
    public static func toolError(
        _ error: AgentError, tool: String, sessionID: String? = nil, runID: String? = nil, at time: Date
    ) -> AuditEvent? {
        guard error.isPathRefusal else { return nil }
        return AuditEvent(
            time: time, kind: .pathRefused, sessionID: sessionID, runID: runID, tool: tool,
            detail: ["code": .string(error.code), "message": .string(error.message)])
    }
}
