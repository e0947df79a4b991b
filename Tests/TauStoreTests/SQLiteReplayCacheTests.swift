import Foundation
import TauIdentity
import TauTesting
import Testing

@testable import TauStore

struct SQLiteReplayCacheTests {
    @Test func remembersAcrossReopenAndForgetsAfterRetention() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("node.sqlite")
        let sender = try DID("did:tau:QmSender")
        let later = Date().addingTimeInterval(600)
        let cache = SQLiteReplayCache(database: try NodeDatabase(path: path))
        #expect(try await cache.markSeen(sender: sender, id: "m-1", retainUntil: later))
        #expect(try await !cache.markSeen(sender: sender, id: "m-1", retainUntil: later))
        #expect(try await cache.markSeen(sender: try DID("did:tau:QmOther"), id: "m-1", retainUntil: later))
        // A restarted node still knows the pair.
        let reopened = SQLiteReplayCache(database: try NodeDatabase(path: path))
        #expect(try await !reopened.markSeen(sender: sender, id: "m-1", retainUntil: later))
        #expect(try await reopened.purge(before: later.addingTimeInterval(1)) == 2)
        #expect(try await reopened.markSeen(sender: sender, id: "m-1", retainUntil: later))
    }

    @Test func concurrentDuplicatesAcceptExactlyOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try NodeDatabase(path: directory.appending("node.sqlite"))
        let sender = try DID("did:tau:QmSender")
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await SQLiteReplayCache(database: database).markSeen(sender: sender, id: "same", retainUntil: Date().addingTimeInterval(60))
                }
            }
            var count = 0
            for try await wasFirst in group where wasFirst { count += 1 }
            return count
        }
        #expect(accepted == 1)
    }
}
