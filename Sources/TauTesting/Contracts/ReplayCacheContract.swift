import Foundation
import TauEnvelope
import TauIdentity

/// What every ``ReplayCache`` must do.
public enum ReplayCacheContract {
    public static let cases: [ContractCase<any ReplayCache>] = [
        ContractCase("a pair is accepted once") { cache in
            let alice = try ContractDIDs.alice()
            let until = Date().addingTimeInterval(600)
            try await require(try await cache.markSeen(sender: alice, id: "m1", retainUntil: until), "first sighting accepted")
            try await require(try await !cache.markSeen(sender: alice, id: "m1", retainUntil: until), "second sighting refused")
        },
        ContractCase("senders and ids are separate keys") { cache in
            let alice = try ContractDIDs.alice()
            let bob = try ContractDIDs.bob()
            let until = Date().addingTimeInterval(600)
            try await require(try await cache.markSeen(sender: alice, id: "m1", retainUntil: until), "alice m1")
            try await require(try await cache.markSeen(sender: bob, id: "m1", retainUntil: until), "bob m1 is another pair")
            try await require(try await cache.markSeen(sender: alice, id: "m2", retainUntil: until), "alice m2 is another pair")
        },
        ContractCase("of concurrent duplicates exactly one is accepted") { cache in
            let alice = try ContractDIDs.alice()
            let until = Date().addingTimeInterval(600)
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 { group.addTask { try await cache.markSeen(sender: alice, id: "race", retainUntil: until) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await require(accepted == 1, "\(accepted) of 16 concurrent duplicates were accepted")
        },
        ContractCase("purge forgets only expired pairs") { cache in
            let alice = try ContractDIDs.alice()
            let now = Date()
            try await require(try await cache.markSeen(sender: alice, id: "old", retainUntil: now.addingTimeInterval(-10)), "old")
            try await require(try await cache.markSeen(sender: alice, id: "new", retainUntil: now.addingTimeInterval(600)), "new")
            let purged = try await cache.purge(before: now)
            // Implementations may also drop expired pairs on their own (the store does, on insert).
            try await require(purged <= 1, "purged \(purged) pairs, only one had expired")
            try await require(try await cache.markSeen(sender: alice, id: "old", retainUntil: now.addingTimeInterval(600)), "old is new again")
            try await require(try await !cache.markSeen(sender: alice, id: "new", retainUntil: now.addingTimeInterval(600)), "new is still held")
        },
    ]
}
