import Foundation
import TauAgent
import TauCore

/// An ``AuditLog`` in memory, ordered like the store's: newest first, ties by id descending.
public actor InMemoryAuditLog: AuditLog {
    private var events: [String: AuditEvent] = [:]

    public init() {}

    public func record(_ event: AuditEvent) async throws {
        guard events[event.id] == nil else { throw AgentError("audit_event_exists", "audit event \(event.id) exists", category: .conflict) }
        // Kept at the store's precision (whole milliseconds), so both answer alike.
        var stored = event
        stored.time = Date(epochMilliseconds: event.time.epochMilliseconds)
        events[event.id] = stored
    }

    public func list(_ query: AuditQuery) async throws -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        let matching = events.values.filter { event in
            (query.since.map { event.time >= Date(epochMilliseconds: $0.epochMilliseconds) } ?? true)
                && (query.kind.map { event.kind == $0 } ?? true) && (query.sessionID.map { event.sessionID == $0 } ?? true)
        }
        return Array(matching.sorted { ($0.time, $0.id) > ($1.time, $1.id) }.prefix(query.limit))
    }
}
