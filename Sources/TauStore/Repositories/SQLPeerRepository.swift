import Foundation
import TauCore
import TauIdentity
import TauMesh

/// ``PeerRepository`` in the store, shared by the daemon, the CLI and replicas.
public struct SQLPeerRepository: PeerRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func all() async throws -> [Peer] {
        try await executor.query("SELECT * FROM mesh_peers ORDER BY did").compactMap(SQLPeerRepository.peer(from:))
    }

    public func peer(_ did: DID) async throws -> Peer? {
        try await executor.queryOne("SELECT * FROM mesh_peers WHERE did = ?", did.description).flatMap(SQLPeerRepository.peer(from:))
    }

    public func save(_ peer: Peer) async throws {
        try await Self.save(peer, on: executor)
    }

    @discardableResult
    public func update(_ did: DID, _ change: @escaping @Sendable (inout Peer?) -> Void) async throws -> Peer? {
        try await executor.atomically { tx in
            var peer = try await tx.queryOne(
                "SELECT * FROM mesh_peers WHERE did = ?" + tx.dialect.forUpdate, did.description
            ).flatMap(SQLPeerRepository.peer(from:))
            let stored = peer
            change(&peer)
            guard let peer else { return nil }
            // A change that changes nothing costs no write (and no fsync).
            if peer == stored { return stored }
            try await Self.save(peer, on: tx)
            return try await tx.queryOne("SELECT * FROM mesh_peers WHERE did = ?", did.description).flatMap(SQLPeerRepository.peer(from:))
        }
    }

    @discardableResult
    public func update(_ changes: [PeerChange]) async throws -> [Peer] {
        let dids = Set(changes.map(\.did)).sorted()
        guard !dids.isEmpty else { return [] }
        return try await executor.atomically { tx in
            // One statement locks every row the changes touch, in DID order, so two replicas
            // merging overlapping lists wait for each other instead of deadlocking.
            let placeholders = Array(repeating: "?", count: dids.count).joined(separator: ", ")
            let rows = try await tx.query(
                "SELECT * FROM mesh_peers WHERE did IN (\(placeholders)) ORDER BY did" + tx.dialect.forUpdate,
                dids.map { SQLValue.text($0.description) })
            var stored: [DID: Peer] = [:]
            for case let peer? in rows.map(SQLPeerRepository.peer(from:)) { stored[peer.did] = peer }
            var current = stored
            for change in changes {
                var peer = current[change.did]
                change.change(&peer)
                current[change.did] = peer
            }
            let removed = Set(changes.filter(\.removes).map(\.did))
            var written: [Peer] = []
            for did in dids {
                if current[did] == nil, removed.contains(did), stored[did] != nil {
                    try await tx.execute("DELETE FROM mesh_peers WHERE did = ?", [.text(did.description)])
                }
                guard var peer = current[did], peer != stored[did] else { continue }
                // As in a single update, the first sighting stays the stored one.
                peer.firstSeen = stored[did]?.firstSeen ?? peer.firstSeen
                try await Self.save(peer, on: tx)
                written.append(peer)
            }
            return written
        }
    }

    static func save(_ peer: Peer, on executor: any SQLExecutor) async throws {
        try await executor.execute(
            """
            INSERT INTO mesh_peers (did, endpoint, first_seen_ms, last_seen_ms, log_head, state, failures, next_attempt_ms, capabilities, node_version, changed_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (did) DO UPDATE SET
                endpoint = excluded.endpoint, last_seen_ms = excluded.last_seen_ms, log_head = excluded.log_head,
                state = excluded.state, failures = excluded.failures, next_attempt_ms = excluded.next_attempt_ms,
                capabilities = excluded.capabilities, node_version = excluded.node_version, changed_ms = excluded.changed_ms
            """, SQLPeerRepository.arguments(peer))
    }

    @discardableResult
    public func remove(_ did: DID) async throws -> Bool {
        try await !executor.query("DELETE FROM mesh_peers WHERE did = ? RETURNING did", did.description).isEmpty
    }

    public func count() async throws -> Int {
        try await executor.queryOne("SELECT COUNT(*) AS peers FROM mesh_peers")?.int("peers") ?? 0
    }

    static func arguments(_ peer: Peer) -> [SQLValue] {
        let capabilities = JSONValue.array(peer.capabilities.map(JSONValue.string)).canonicalString()
        return [
            .text(peer.did.description), .text(peer.endpoint), peer.firstSeen.sqlValue, peer.lastSeen.sqlValue, peer.logHead.sqlValue,
            .text(peer.state.rawValue), .integer(Int64(peer.failures)), peer.nextAttempt.sqlValue, .text(capabilities),
            peer.nodeVersion.sqlValue, peer.changedAt.sqlValue,
        ]
    }

    static func peer(from row: SQLRow) -> Peer? {
        guard let did = row.optionalString("did").flatMap({ try? DID($0) }), let endpoint = row.optionalString("endpoint"),
            let firstSeen = row.optionalDate("first_seen_ms"), let nextAttempt = row.optionalDate("next_attempt_ms")
        else { return nil }
        let capabilities = row.optionalString("capabilities").flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.stringValue) ?? []
        return Peer(
            did: did, endpoint: endpoint, firstSeen: firstSeen, lastSeen: row.optionalDate("last_seen_ms"),
            logHead: row.optionalString("log_head"), state: Peer.State(rawValue: row.optionalString("state") ?? "") ?? .suspect,
            failures: row.optionalInt("failures") ?? 0, nextAttempt: nextAttempt, capabilities: capabilities,
            nodeVersion: row.optionalString("node_version"), changedAt: row.optionalDate("changed_ms"))
    }
}
