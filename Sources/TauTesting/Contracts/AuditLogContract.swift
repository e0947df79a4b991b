import Foundation
import TauAgent
import TauCore

/// What every ``AuditLog`` must do.
public enum AuditLogContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func event(
        _ id: String, _ kind: AuditEvent.Kind, at offset: Int64, session: String? = nil, tool: String? = nil, detail: JSONValue = [:]
    ) -> AuditEvent {
        AuditEvent(
            id: id, time: Date(epochMilliseconds: start.epochMilliseconds + offset), kind: kind, sessionID: session, runID: session.map { "run-\($0)" },
            tool: tool, detail: detail)
    }

    public static let cases: [ContractCase<any AuditLog>] = [
        ContractCase("lists newest first, filtered by time, kind and session") { log in
            let blocked = event("aud_1", .toolBlocked, at: 1_000, session: "s1", tool: "bash", detail: ["code": "tool_denied"])
            let limited = event("aud_2", .toolRateLimited, at: 2_000, session: "s1", tool: "http_fetch")
            let redaction = event("aud_3", .redaction, at: 3_000, session: "s2", detail: ["findings": [["kind": "openai_key", "count": 1]]])
            let sameTimeA = event("aud_4a", .pathRefused, at: 4_000, tool: "read_file")
            let sameTimeB = event("aud_4b", .toolBlocked, at: 4_000, session: "s2", tool: "bash")
            for entry in [redaction, blocked, sameTimeB, limited, sameTimeA] { try await log.record(entry) }
            let all = try await log.list(AuditQuery())
            try await require(all.map(\.id) == ["aud_4b", "aud_4a", "aud_3", "aud_2", "aud_1"], "newest first, ties by id: \(all.map(\.id))")
            try await require(try await log.list(AuditQuery(kind: .toolBlocked)).map(\.id) == ["aud_4b", "aud_1"], "by kind")
            try await require(try await log.list(AuditQuery(sessionID: "s1")).map(\.id) == ["aud_2", "aud_1"], "by session")
            let since = Date(epochMilliseconds: start.epochMilliseconds + 2_000)
            try await require(try await log.list(AuditQuery(since: since)).map(\.id) == ["aud_4b", "aud_4a", "aud_3", "aud_2"], "since is inclusive")
            try await require(
                try await log.list(AuditQuery(since: since, kind: .toolBlocked, sessionID: "s2")).map(\.id) == ["aud_4b"], "filters combine")
            try await require(try await log.list(AuditQuery(limit: 2)).map(\.id) == ["aud_4b", "aud_4a"], "the limit keeps the newest")
            try await require(try await log.list(AuditQuery(limit: 0)).isEmpty, "a limit of 0 lists nothing")
            try await require(try await log.list(AuditQuery(sessionID: "nobody")).isEmpty, "an unknown session lists nothing")
        },
        ContractCase("keeps every field as written") { log in
            let full = event(
                "aud_full", .injectionFlagged, at: 5, session: "s9", tool: "mcp__web__fetch",
                detail: ["source": "page", "count": 2, "findings": [["rule": "role_marker", "line": 3, "excerpt": "<|im_start|>system \"x\""]], "ok": true])
            let bare = AuditEvent(id: "aud_bare", time: Date(epochMilliseconds: start.epochMilliseconds + 6), kind: .approvalGranted)
            try await log.record(full)
            try await log.record(bare)
            let listed = try await log.list(AuditQuery())
            try await require(listed == [bare, full], "round trip: \(listed)")
            try await require(listed.last?.runID == "run-s9" && listed.first?.sessionID == nil && listed.first?.detail == [:], "optional fields")
        },
        ContractCase("refuses a second event with the same id") { log in
            let first = event("aud_dup", .approvalDenied, at: 1)
            try await log.record(first)
            try await requireThrows(code: "audit_event_exists") { try await log.record(event("aud_dup", .redaction, at: 2)) }
            try await require(try await log.list(AuditQuery()) == [first], "the first is kept")
        },
        ContractCase("never stores a secret given in the detail") { log in
            let leaky = event("aud_leak", .redaction, at: 1, detail: ["message": "saw sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z in the output"])
            try await log.record(leaky)
            let stored = try await log.list(AuditQuery()).first?.detail["message"]?.stringValue ?? ""
            try await require(stored == "saw [REDACTED:openai_key] in the output", "redacted: \(stored)")
        },
    ]
}
