import Foundation
import TauIdentity
import TauTesting
import Testing

@testable import TauStore

struct SQLiteDIDLogRepositoryTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    func logs(rotations: Int) throws -> [VerifiedDIDTauLog] {
        let (controller, genesis) = try DIDTauController.create(now: Self.start)
        var result = [try genesis.verify(now: Self.start)]
        var current = controller
        for step in 0..<rotations {
            let time = Self.start.addingTimeInterval(Double(step + 1))
            let (next, log) = try current.rotate(result.last!, now: time)
            result.append(try log.verify(now: time))
            current = next
        }
        return result
    }

    @Test func migratesInWALMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try NodeDatabase(path: directory.appending("node.sqlite"))
        #expect(try database.journalMode == "wal")
        #expect(try database.appliedMigrations == ["v1-did-logs", "v2-replay-cache", "v3-peers", "v4-gateway"])
        // Opening again is a no-op migration.
        #expect(try NodeDatabase(path: directory.appending("node.sqlite")).appliedMigrations.count == 4)
    }

    @Test func savesAndLoadsLogs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let repository = SQLiteDIDLogRepository(database: try NodeDatabase(path: directory.appending("node.sqlite")))
        let versions = try logs(rotations: 1)
        #expect(try await repository.log(for: versions[0].did) == nil)
        try await repository.save(versions[1], origin: .local)
        let stored = try await repository.log(for: versions[0].did)
        #expect(stored?.log == versions[1].log)
        #expect(stored?.origin == .local)
        #expect(try await repository.localDID() == versions[0].did)
        #expect(try await repository.heldDIDs() == [versions[0].did])
        let summary = try await repository.summaries()
        #expect(summary.first?.headVersionId == versions[1].head.versionId)
    }

    @Test func neverMovesBackwardsAndKeepsLocalOrigin() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("node.sqlite")
        let repository = SQLiteDIDLogRepository(database: try NodeDatabase(path: path))
        let versions = try logs(rotations: 2)
        try await repository.save(versions[1], origin: .local)
        try await repository.save(versions[0], origin: .resolved)
        #expect(try await repository.log(for: versions[0].did)?.log.entries.count == 2)
        try await repository.save(versions[2], origin: .resolved)
        let reopened = SQLiteDIDLogRepository(database: try NodeDatabase(path: path))
        let stored = try await reopened.log(for: versions[0].did)
        #expect(stored?.log.entries.count == 3)
        #expect(stored?.origin == .local)
    }

    @Test func becomingLocalDoesNotNeedALongerLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let repository = SQLiteDIDLogRepository(database: try NodeDatabase(path: directory.appending("node.sqlite")))
        let versions = try logs(rotations: 0)
        // Resolved first (e.g. `id resolve` before a restore), then restored as this node's own.
        try await repository.save(versions[0], origin: .resolved)
        try await repository.save(versions[0], origin: .local)
        #expect(try await repository.localDID() == versions[0].did)
    }

    @Test func unopenablePathHasAReasonCode() {
        #expect(throws: StoreError.self) { try NodeDatabase(path: "/proc/definitely/not/here.sqlite") }
    }
}
