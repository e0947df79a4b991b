import ArgumentParser
import Foundation
import TauAgent
import TauCore
import TauNode

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the agent's audit log: blocked and throttled tool calls, approvals, redactions, injections, refused paths.",
        discussion: """
            Reads the node's store (node.sqlite in the home, or PostgreSQL with TAU_DATABASE_URL), newest \
            events first. Kinds: \(AuditEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")). \
            Events never hold the secrets themselves.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: ArgumentHelp("Events since a time ago (90s, 30m, 12h, 7d, 2w) or an RFC 3339 time.", valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("Only events of this kind.", valueName: "kind"), completion: .list(AuditEvent.Kind.allCases.map(\.rawValue)))
    var kind: String?

    @Option(help: ArgumentHelp("Only events of this session id.", valueName: "id"))
    var session: String?

    @Option(help: "Most events shown (the newest).")
    var limit: Int = 50

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let query = try query(now: Date())
            let context = try await NodeContext.open(homeOptions.nodeHome)
            let events = try await context.store.audit.list(query)
            await context.close()
            if homeOptions.json {
                Output.json(["count": .number(Double(events.count)), "events": .array(events.map(\.json))])
                return
            }
            guard !events.isEmpty else {
                Output.line("No audit events\(query.since != nil || query.kind != nil || query.sessionID != nil ? " match" : " yet").")
                return
            }
            var rows = [["TIME", "KIND", "SESSION", "TOOL", "DETAIL"]]
            for event in events {
                rows.append([Timestamp.format(event.time), event.kind.rawValue, event.sessionID ?? "-", event.tool ?? "-", event.detail.canonicalString()])
            }
            Output.columns(rows)
        }
    }

    /// The filters, checked before the store is opened.
    /// - Throws: ``AgentError`` `audit_kind_unknown`, `audit_since_invalid`, `audit_limit_invalid`.
    func query(now: Date) throws(AgentError) -> AuditQuery {
        var selected: AuditEvent.Kind?
        if let kind {
            guard let known = AuditEvent.Kind(rawValue: kind) else {
                throw AgentError(
                    "audit_kind_unknown",
                    "\(kind.prefix(40)) is not an audit event kind; use one of \(AuditEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            selected = known
        }
        guard limit >= 1 else { throw AgentError("audit_limit_invalid", "--limit must be at least 1") }
        var start: Date?
        if let since { start = try Self.time(since, now: now) }
        return AuditQuery(since: start, kind: selected, sessionID: session, limit: limit)
    }

    /// `--since`: a duration ago (`<n>s|m|h|d|w`) or an RFC 3339 time.
    static func time(_ text: String, now: Date) throws(AgentError) -> Date {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let scale = units[unit], let count = Int(text.dropLast()), count > 0, count <= 10_000_000 {
            return now.addingTimeInterval(-Double(count) * scale)
        }
        do {
            return try Timestamp.parse(text)
        } catch {
            throw AgentError("audit_since_invalid", "--since \(text.prefix(40)) is neither a duration (30m, 12h, 7d) nor an RFC 3339 time")
        }
    }
}

extension AuditEvent {
    var json: JSONValue {
        [
            "id": .string(id), "time": .string(Timestamp.format(time)), "kind": .string(kind.rawValue),
            "session_id": sessionID.map(JSONValue.string) ?? .null, "run_id": runID.map(JSONValue.string) ?? .null,
            "tool": tool.map(JSONValue.string) ?? .null, "detail": detail,
        ]
    }
}
