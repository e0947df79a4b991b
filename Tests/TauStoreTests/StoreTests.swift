import Foundation
import TauCore
import TauIdentity
import TauMesh
import TauTesting
import Testing

@testable import TauStore

@Suite struct StoreTests {
    static let expectedMigrations = [
        "identity/1-did-logs", "envelope/1-replay-cache", "mesh/1-peers", "limits/1-rate-buckets", "gateway/1-api-keys-usage-holds",
        "legacy/1-import-0.1-sqlite", "timers/1-due", "identity/2-log-sizes", "agent/1-sessions", "agent/2-memory", "agent/3-audit",
        "agent/4-runs", "ledger/1-entries", "ledger/2-escrows", "mesh/2-reputation", "mesh/3-delegations", "ledger/3-receipts",
        "mesh/4-peer-changes",
    ]

    @Test(arguments: TestBackend.databases)
    func migratesOnceAndReopensWithoutChanges(_ backend: TestBackend) async throws {
        guard let fixture = try await TestStore.open(backend) else { return }
        defer { Task { await fixture.remove() } }
        #expect(try await fixture.store.appliedMigrations().sorted() == Self.expectedMigrations.sorted())
        let reopened = try await Store.open(fixture.location)
        #expect(try await reopened.appliedMigrations().sorted() == Self.expectedMigrations.sorted())
        await reopened.close()
    }

    @Test(arguments: TestBackend.databases)
    func refusesADatabaseFromANewerBuild(_ backend: TestBackend) async throws {
        guard let fixture = try await TestStore.open(backend) else { return }
        defer { Task { await fixture.remove() } }
        try await fixture.store.database.execute(
            "INSERT INTO schema_migrations (domain, version, name, applied_at_ms) VALUES ('mesh', 99, 'future', 0)", [])
        do {
            _ = try await Store.open(fixture.location)
            Issue.record("a newer schema must be refused")
        } catch {
            #expect(error.code == "store_schema_newer")
        }
    }

    @Test(arguments: TestBackend.databases)
    func aTransactionKeepsAllOrNothing(_ backend: TestBackend) async throws {
        guard let fixture = try await TestStore.open(backend) else { return }
        defer { Task { await fixture.remove() } }
        let store = fixture.store
        let alice = try DID("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
        let seen = Date(timeIntervalSince1970: 1_790_000_000)
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.transaction { tx in
                try await tx.peers.save(Peer(did: alice, endpoint: "http://127.0.0.1:1", firstSeen: seen))
                _ = try await tx.replayCache.markSeen(sender: alice, id: "m", retainUntil: seen.addingTimeInterval(1e6))
                throw Abort()
            }
        }
        #expect(try await store.peers.all().isEmpty)
        #expect(try await store.replayCache.markSeen(sender: alice, id: "m", retainUntil: Date().addingTimeInterval(60)))
        try await store.transaction { tx in
            try await tx.peers.save(Peer(did: alice, endpoint: "http://127.0.0.1:1", firstSeen: seen))
            #expect(try await tx.peers.peer(alice) != nil)  // a transaction reads its own writes
        }
        #expect(try await store.peers.all().count == 1)
    }

    @Test(arguments: TestBackend.databases)
    func transactionsFromManyTasksDoNotLoseUpdates(_ backend: TestBackend) async throws {
        guard let fixture = try await TestStore.open(backend) else { return }
        defer { Task { await fixture.remove() } }
        let store = fixture.store
        try await store.database.execute(
            "INSERT INTO limits_rate_buckets (bucket, tokens, updated_ms, full_at_ms) VALUES ('counter', 0, 0, 9000000000000)", [])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await store.transaction { tx in
                        // Read, then write in the same transaction: the row lock (PostgreSQL) or
                        // the write lock (SQLite) keeps concurrent increments from overwriting each other.
                        let row = try await tx.executor.queryOne(
                            "SELECT tokens FROM limits_rate_buckets WHERE bucket = 'counter'" + tx.executor.dialect.forUpdate)
                        let value = try row?.double("tokens") ?? 0
                        try await tx.executor.execute("UPDATE limits_rate_buckets SET tokens = ? WHERE bucket = 'counter'", value + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try await store.database.queryOne("SELECT tokens FROM limits_rate_buckets WHERE bucket = 'counter'")
        #expect(try total?.double("tokens") == 20)
    }

    /// Which statements are prepared once and kept, and which go to a reader connection.
    @Test func statementKindsAreReadFromTheLeadingWord() {
        #expect(SQLiteDatabase.leadingWord(of: " \n\tselect * FROM t") == "SELECT")
        #expect(SQLiteDatabase.isRead("\n  Select 1"))
        #expect(!SQLiteDatabase.isRead("INSERT INTO t VALUES (1)"))
        #expect(SQLiteDatabase.isCacheable("  delete FROM t"))
        #expect(SQLiteDatabase.isCacheable("UPDATE t SET a = 1"))
        #expect(!SQLiteDatabase.isCacheable("CREATE TABLE t (a)"))
        #expect(!SQLiteDatabase.isCacheable("SEL"))
        #expect(!SQLiteDatabase.isCacheable(""))
        #expect(SQLiteDatabase.leadingWord(of: "sélect") != "SELECT")
    }

    @Test func nestedUseOfTheStoreInATransactionIsRefusedNotADeadlock() async throws {
        guard let fixture = try await TestStore.open(.sqlite) else { return }
        defer { Task { await fixture.remove() } }
        let store = fixture.store
        do {
            try await store.transaction { _ in
                try await store.peers.save(Peer(did: try DID("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), endpoint: "http://x", firstSeen: Date()))
            }
            Issue.record("a nested write must fail")
        } catch let error as StoreError {
            #expect(error.code == "store_nested_transaction")
        }
    }

    @Test func anUnopenablePathHasAReasonCode() async {
        do {
            _ = try await Store.open(.sqlite(path: "/proc/definitely/not/here.sqlite"))
            Issue.record("opening must fail")
        } catch {
            #expect(error.code == "store_unavailable")
        }
    }

    @Test func anUnreachableServerFailsFastWithAReasonCode() async throws {
        try await RefusingPort.with { port in
            let started = ContinuousClock.now
            do {
                _ = try await Store.open(.postgres(url: "postgres://tau:hunter2@127.0.0.1:\(port)/tau?sslmode=disable"), timeout: .seconds(2))
                Issue.record("opening must fail")
            } catch let error as StoreError {
                #expect(error.code == "store_unavailable")
                #expect(error.cause != nil, "the driver's error is kept, not only its text")
                #expect(error.message.contains("127.0.0.1:\(port)"))
                #expect(!error.message.contains("hunter2"))
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func databaseURLsAreParsedAndRedacted() throws {
        let full = try PostgresLocation(url: "postgres://tau:s%40cret@db.example:6543/nodes?sslmode=require")
        #expect(full.host == "db.example" && full.port == 6543 && full.username == "tau" && full.password == "s@cret")
        #expect(full.database == "nodes" && full.tls == .require)
        #expect(full.redacted == "postgres://tau@db.example:6543/nodes")
        let socket = try PostgresLocation(url: "postgresql:///nodes?host=/var/run/postgresql&user=tau")
        #expect(socket.socketDirectory == "/var/run/postgresql" && socket.username == "tau" && socket.tls == .prefer)
        for bad in ["mysql://x/y", "postgres://h/db?sslmode=maybe", "postgres://h:99999/db", "postgres://h/db?colour=blue", "postgres:///db"] {
            #expect(throws: StoreError.self) { try PostgresLocation(url: bad) }
        }
        #expect(StoreLocation.postgres(url: "postgres://tau:hunter2@h/db").description == "postgres://tau@h:5432/db")
    }

    @Test func placeholdersBecomeNumberedOutsideQuotes() {
        #expect(PostgresDatabase.numberedPlaceholders("SELECT ?, ?, '?' FROM t WHERE a = ?") == "SELECT $1, $2, '?' FROM t WHERE a = $3")
        #expect(PostgresDatabase.numberedPlaceholders("VALUES (?1, ?2, ?1)") == "VALUES ($1, $2, $1)")
    }
}
