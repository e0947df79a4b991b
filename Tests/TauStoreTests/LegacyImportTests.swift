import Foundation
import GRDB
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauStore

/// A node.sqlite written by tau-node 0.1 (GRDB migrations, REAL seconds and dollars) opens
/// with everything in it.
@Suite struct LegacyImportTests {
    @Test func importsA01DatabaseAndDropsItsTables() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("node.sqlite")
        let log = try DIDLogRepositoryContract.versions(rotations: 1)[1]
        let did = log.did.description
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1-did-logs'), ('v2-replay-cache'), ('v3-peers'), ('v4-gateway');
                    CREATE TABLE did_log (did TEXT PRIMARY KEY, origin TEXT NOT NULL, head_version INTEGER NOT NULL,
                        head_version_id TEXT NOT NULL, deactivated BOOLEAN NOT NULL, log_jsonl TEXT NOT NULL, updated_at TEXT NOT NULL);
                    CREATE TABLE replay_cache (sender TEXT NOT NULL, message_id TEXT NOT NULL, retain_until DOUBLE NOT NULL,
                        PRIMARY KEY (sender, message_id));
                    CREATE TABLE peer (did TEXT PRIMARY KEY, endpoint TEXT NOT NULL, first_seen DOUBLE NOT NULL, last_seen DOUBLE,
                        log_head TEXT, state TEXT NOT NULL, failures INTEGER NOT NULL, next_attempt DOUBLE NOT NULL,
                        capabilities TEXT NOT NULL, node_version TEXT);
                    CREATE TABLE api_key (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at DOUBLE NOT NULL,
                        revoked_at DOUBLE, budget_usd DOUBLE, rpm INTEGER, models TEXT);
                    CREATE TABLE usage (id INTEGER PRIMARY KEY AUTOINCREMENT, time DOUBLE NOT NULL, api_key_id TEXT, session_id TEXT,
                        requested_model TEXT NOT NULL, model TEXT NOT NULL, route TEXT NOT NULL, input_tokens INTEGER NOT NULL,
                        output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
                        reasoning_tokens INTEGER NOT NULL, cost_usd DOUBLE, status TEXT NOT NULL, latency_ms INTEGER NOT NULL);
                    """)
            try db.execute(
                sql: "INSERT INTO did_log VALUES (?, 'local', 2, ?, 0, ?, '2026-11-30T10:00:00Z')",
                arguments: [did, log.head.versionId, log.log.jsonLines])
            try db.execute(sql: "INSERT INTO replay_cache VALUES (?, 'm-1', 4102444800.5)", arguments: [did])
            try db.execute(
                sql: "INSERT INTO peer VALUES (?, 'http://127.0.0.1:7001', 1790000000.25, NULL, NULL, 'alive', 0, 1790000000.25, '[\"mesh/1\"]', '0.1.0')",
                arguments: [did])
            try db.execute(sql: "INSERT INTO api_key VALUES ('abcdefabcdef', 'app', 'ff', 1790000000, NULL, 25.5, 60, NULL)")
            try db.execute(
                sql: "INSERT INTO usage VALUES (NULL, 1790000001, 'abcdefabcdef', NULL, 'm', 'm', 'openai:m', 10, 5, 0, 0, 0, 0.001234, 'ok', 12)")
        }
        try queue.close()

        let store = try await Store.open(.sqlite(path: path))
        defer { Task { await store.close() } }
        #expect(try await store.didLogs.localDID() == log.did)
        #expect(try await store.didLogs.log(for: log.did)?.log == log.log)
        #expect(try await !store.replayCache.markSeen(sender: log.did, id: "m-1", retainUntil: Date().addingTimeInterval(60)))
        let peer = try await store.peers.peer(log.did)
        #expect(peer?.state == .alive && peer?.capabilities == ["mesh/1"])
        #expect(peer.map { abs($0.firstSeen.timeIntervalSince1970 - 1_790_000_000.25) < 0.001 } == true)
        let key = try await store.apiKeys.key(id: "abcdefabcdef")
        #expect(key?.name == "app" && key?.requestsPerMinute == 60)
        let spent = try await store.database.queryOne("SELECT budget_micros, spent_micros FROM gateway_api_keys")
        #expect(try spent?.int64("budget_micros") == 25_500_000)
        #expect(try spent?.int64("spent_micros") == 1234)
        #expect(try await store.usage.recent(limit: 5).count == 1)
        let leftovers = try await store.database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('did_log', 'replay_cache', 'peer', 'api_key', 'usage', 'grdb_migrations')", [])
        #expect(leftovers.isEmpty)
    }
}
