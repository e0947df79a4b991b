import Foundation
import GRDB
import TauCore
import TauIdentity
import TauMesh

/// ``PeerRepository`` in the node database, shared by the daemon and the CLI.
public struct SQLitePeerRepository: PeerRepository {
    let database: NodeDatabase

    public init(database: NodeDatabase) {
        self.database = database
    }

    public func all() async throws -> [Peer] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM peer ORDER BY did").compactMap(SQLitePeerRepository.peer(from:))
        }
    }

    public func peer(_ did: DID) async throws -> Peer? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM peer WHERE did = ?", arguments: [did.description])
                .flatMap(SQLitePeerRepository.peer(from:))
        }
    }

    public func save(_ peer: Peer) async throws {
        let capabilities = JSONValue.array(peer.capabilities.map(JSONValue.string)).canonicalString()
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO peer (did, endpoint, first_seen, last_seen, log_head, state, failures, next_attempt, capabilities, node_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(did) DO UPDATE SET
                        endpoint = excluded.endpoint, last_seen = excluded.last_seen, log_head = excluded.log_head,
                        state = excluded.state, failures = excluded.failures, next_attempt = excluded.next_attempt,
                        capabilities = excluded.capabilities, node_version = excluded.node_version
                    """,
                arguments: [
                    peer.did.description, peer.endpoint, peer.firstSeen.timeIntervalSince1970, peer.lastSeen?.timeIntervalSince1970,
                    peer.logHead, peer.state.rawValue, peer.failures, peer.nextAttempt.timeIntervalSince1970, capabilities,
                    peer.nodeVersion,
                ])
        }
    }

    @discardableResult
    public func remove(_ did: DID) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM peer WHERE did = ?", arguments: [did.description])
            return db.changesCount > 0
        }
    }

    private static func peer(from row: Row) -> Peer? {
        guard let didText: String = row["did"], let did = try? DID(didText) else { return nil }
        let capabilities = (try? JSONValue(parsing: (row["capabilities"] as String?) ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        return Peer(
            did: did, endpoint: row["endpoint"], firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
            lastSeen: (row["last_seen"] as Double?).map(Date.init(timeIntervalSince1970:)), logHead: row["log_head"],
            state: Peer.State(rawValue: row["state"]) ?? .suspect, failures: row["failures"],
            nextAttempt: Date(timeIntervalSince1970: row["next_attempt"]), capabilities: capabilities, nodeVersion: row["node_version"])
    }
}
