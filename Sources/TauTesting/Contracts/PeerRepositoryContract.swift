import Foundation
import TauIdentity
import TauMesh

/// What every ``PeerRepository`` must do.
public enum PeerRepositoryContract {
    static let seen = Date(timeIntervalSince1970: 1_790_000_000.123)

    public static let cases: [ContractCase<any PeerRepository>] = [
        ContractCase("saves, lists in DID order, and removes") { peers in
            let alice = try ContractDIDs.alice()
            let bob = try ContractDIDs.bob()
            try await peers.save(Peer(did: bob, endpoint: "http://127.0.0.1:7001", firstSeen: seen))
            try await peers.save(Peer(did: alice, endpoint: "http://127.0.0.1:7002", firstSeen: seen))
            try await require(try await peers.all().map(\.did) == [alice, bob].sorted(), "listed in DID order")
            try await require(try await peers.remove(alice), "removing a known peer says so")
            try await require(try await !peers.remove(alice), "removing it again says it was not there")
            try await require(try await peers.all().map(\.did) == [bob], "only bob is left")
        },
        ContractCase("keeps every field, times to the millisecond") { peers in
            let peer = Peer(
                did: try ContractDIDs.alice(), endpoint: "https://alice.example", firstSeen: seen, lastSeen: seen.addingTimeInterval(5),
                logHead: "3-zQm", state: .dead, failures: 4, nextAttempt: seen.addingTimeInterval(300),
                capabilities: ["mesh/1", "model/complete"], nodeVersion: "0.1.0", changedAt: seen.addingTimeInterval(7))
            try await peers.save(peer)
            let stored = try await peers.peer(peer.did)
            try await require(stored?.endpoint == peer.endpoint && stored?.logHead == "3-zQm" && stored?.state == .dead, "text fields")
            try await require(stored?.failures == 4 && stored?.capabilities == peer.capabilities && stored?.nodeVersion == "0.1.0", "counts and lists")
            try await require(stored.map { abs($0.firstSeen.timeIntervalSince(seen)) < 0.001 } == true, "firstSeen to the millisecond")
            try await require(stored.map { abs(($0.lastSeen ?? .distantPast).timeIntervalSince(peer.lastSeen ?? seen)) < 0.001 } == true, "lastSeen")
            try await require(stored.map { abs($0.nextAttempt.timeIntervalSince(peer.nextAttempt)) < 0.001 } == true, "nextAttempt")
            try await require(stored.map { abs(($0.changedAt ?? .distantPast).timeIntervalSince(seen.addingTimeInterval(7))) < 0.001 } == true, "changedAt")
        },
        ContractCase("a save replaces what is known but not when it was first seen") { peers in
            let did = try ContractDIDs.alice()
            try await peers.save(Peer(did: did, endpoint: "http://127.0.0.1:7001", firstSeen: seen))
            var moved = Peer(did: did, endpoint: "http://127.0.0.1:7009", firstSeen: seen.addingTimeInterval(99), state: .alive)
            moved.lastSeen = seen.addingTimeInterval(100)
            try await peers.save(moved)
            let stored = try await peers.peer(did)
            try await require(stored?.endpoint == "http://127.0.0.1:7009" && stored?.state == .alive, "the new endpoint and state are kept")
            try await require(stored.map { abs($0.firstSeen.timeIntervalSince(seen)) < 0.001 } == true, "firstSeen is the first one")
        },
        ContractCase("an unknown peer is nil") { peers in
            try await require(try await peers.peer(try ContractDIDs.bob()) == nil, "nothing for an unknown DID")
        },
    ]
}

extension PeerRepositoryContract {
    /// Cases for ``PeerRepository/update(_:_:)``.
    public static let updateCases: [ContractCase<any PeerRepository>] = [
        ContractCase("update inserts, changes and leaves unknown peers alone") { peers in
            let did = try ContractDIDs.alice()
            try await require(try await peers.update(did) { _ in } == nil, "nothing written for an unknown peer left nil")
            try await require(try await peers.peer(did) == nil, "still unknown")
            let inserted = try await peers.update(did) { $0 = Peer(did: did, endpoint: "http://127.0.0.1:7001", firstSeen: seen) }
            try await require(inserted?.endpoint == "http://127.0.0.1:7001", "inserted")
            let changed = try await peers.update(did) { $0?.recordFailure(at: seen, baseDelay: 30) }
            try await require(changed?.failures == 1 && changed?.state == .suspect, "changed and returned")
        },
        ContractCase("concurrent updates of one peer are all kept") { peers in
            let did = try ContractDIDs.bob()
            try await peers.save(Peer(did: did, endpoint: "http://127.0.0.1:7001", firstSeen: seen))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await peers.update(did) { $0?.failures += 1 } }
                }
                try await group.waitForAll()
            }
            let failures = try await peers.peer(did)?.failures
            try await require(failures == 20, "20 concurrent increments, \(failures ?? -1) kept")
        },
        ContractCase("a batch applies its changes in order and writes only rows that change") { peers in
            let alice = try ContractDIDs.alice()
            let bob = try ContractDIDs.bob()
            try await peers.save(Peer(did: bob, endpoint: "http://127.0.0.1:7001", firstSeen: seen, capabilities: ["mesh/1"]))
            let written = try await peers.update([
                PeerChange(alice) { $0 = $0 ?? Peer(did: alice, endpoint: "http://127.0.0.1:7002", firstSeen: seen) },
                PeerChange(bob) { $0?.failures += 1 },
                PeerChange(alice) { $0?.endpoint = "http://127.0.0.1:7003" },
                PeerChange(bob) { $0?.failures *= 5 },
            ])
            try await require(written.map(\.did) == [alice, bob].sorted(), "both rows written once, in DID order")
            let stored = try await peers.all()
            try await require(stored.first { $0.did == alice }?.endpoint == "http://127.0.0.1:7003", "a later change sees an earlier one")
            try await require(stored.first { $0.did == bob }?.failures == 5, "changes of one row apply in order")
            let unchanged = try await peers.update([
                PeerChange(bob) { $0?.capabilities = ["mesh/1"] }, PeerChange(alice) { _ in },
                PeerChange(try DID("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")) { _ in },
            ])
            try await require(unchanged.isEmpty, "nothing written when nothing changes, nor for an unknown peer left nil")
            try await require(try await peers.all().count == 2, "no row added")
        },
        ContractCase("a removal in a batch deletes the row; a later change of it sees none") { peers in
            let alice = try ContractDIDs.alice()
            let bob = try ContractDIDs.bob()
            for did in [alice, bob] { try await peers.save(Peer(did: did, endpoint: "http://127.0.0.1:7001", firstSeen: seen)) }
            let unknown = try DID("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
            let written = try await peers.update([
                .removal(alice), PeerChange(alice) { $0?.failures = 9 }, PeerChange(bob) { $0?.failures = 2 }, .removal(unknown),
            ])
            try await require(written.map(\.did) == [bob], "only bob is written")
            try await require(try await peers.all().map(\.did) == [bob], "alice is gone, and nothing was made for the unknown DID")
            try await peers.update([.removal(bob), PeerChange(bob) { $0 = Peer(did: bob, endpoint: "http://127.0.0.1:7005", firstSeen: seen) }])
            try await require(try await peers.peer(bob)?.endpoint == "http://127.0.0.1:7005", "a row removed then set again is the new one")
        },
        ContractCase("concurrent batches over the same peers are all kept") { peers in
            let alice = try ContractDIDs.alice()
            let bob = try ContractDIDs.bob()
            for did in [alice, bob] { try await peers.save(Peer(did: did, endpoint: "http://127.0.0.1:7001", firstSeen: seen)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    // Opposite orders: the rows are locked in DID order whatever the order given.
                    let order = index.isMultiple(of: 2) ? [alice, bob] : [bob, alice]
                    group.addTask { try await peers.update(order.map { PeerChange($0) { $0?.failures += 1 } }) }
                }
                try await group.waitForAll()
            }
            let failures = try await peers.all().map(\.failures)
            try await require(failures == [10, 10], "10 concurrent batches on both rows, \(failures) kept")
        },
    ]
}
