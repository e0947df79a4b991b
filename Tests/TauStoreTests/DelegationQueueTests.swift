import Foundation
import TauCore
import TauMesh
import TauStore
import TauTesting
import Testing

/// The payee's task queue (`Specs/mesh.md` section 15.2): two replicas on one database claim
/// every due task exactly once, a lapsed claim is taken over, and a replica that lost its claim
/// cannot write the record.
struct DelegationQueueTests {
    static func task(_ index: Int, due: Date) -> Delegation {
        var task = Delegation(
            id: String(format: "esc_%024x", index), role: .payee, peer: "did:key:payer", peerEndpoint: nil, skill: "agent", prompt: "task \(index)",
            taskHash: "h\(index)", price: Money(microunits: 1_000_000, currency: .credits), deadline: due.addingTimeInterval(600), hops: 3,
            visited: ["did:key:payer"], state: .queued, created: due)
        task.schedule(.run, at: due)
        return task
    }

    @Test(arguments: TestBackend.databases)
    func twoReplicasClaimEachTaskOnceAndTakeOverLapsedClaims(_ backend: TestBackend) async throws {
        guard let fixture = try await TestStore.open(backend) else { return }
        defer { Task { await fixture.remove() } }
        let other = try await Store.open(fixture.location)
        defer { Task { await other.close() } }
        let start = Date(epochMilliseconds: 1_790_000_000_000)
        for index in 0..<40 { #expect(try await fixture.store.delegations.insert(Self.task(index, due: start))) }
        #expect(try await fixture.store.delegations.insert(Self.task(0, due: start)) == false, "a task is queued once")

        // Both replicas claim in small batches at once until nothing is left.
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (name, store) in [("r1", fixture.store), ("r2", other)] {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await store.delegations.claimDue(now: start, lease: 30, claimer: name, limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            var all: [String] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(claimed.count == 40 && Set(claimed).count == 40, "every task claimed exactly once")

        // A replica writes only while it holds the claim; a lapsed claim goes to the other.
        let id = Self.task(7, due: start).id
        let held = try #require(try await fixture.store.delegations.delegation(id, role: .payee))
        let holder = try #require(held.claimedBy)
        let stranger = holder == "r1" ? "r2" : "r1"
        var running = held
        running.state = .running
        #expect(try await fixture.store.delegations.save(running, claimer: stranger) == false)
        #expect(try await fixture.store.delegations.save(running, claimer: holder))
        #expect(try await other.delegations.extendClaim(id, role: .payee, claimer: holder, until: start.addingTimeInterval(60)))
        #expect(try await other.delegations.claimDue(now: start.addingTimeInterval(45), lease: 30, claimer: stranger, limit: 100).isEmpty == false)
        let takenOver = try #require(try await other.delegations.delegation(id, role: .payee))
        #expect(takenOver.claimedBy == holder, "a renewed claim is not taken over early")
        let later = try await other.delegations.claimDue(now: start.addingTimeInterval(61), lease: 30, claimer: stranger, limit: 100)
        #expect(later.contains { $0.id == id } && later.first { $0.id == id }?.attempts == 2)
        #expect(try await fixture.store.delegations.extendClaim(id, role: .payee, claimer: holder, until: start.addingTimeInterval(120)) == false)

        // Done: no work left, nothing to claim.
        var done = try #require(try await other.delegations.delegation(id, role: .payee))
        done.state = .done
        done.schedule(nil, at: nil)
        #expect(try await other.delegations.save(done, claimer: stranger))
        let afterwards = try await fixture.store.delegations.claimDue(now: start.addingTimeInterval(1_000), lease: 30, claimer: "r3", limit: 100)
        #expect(!afterwards.contains { $0.id == id })
        #expect(try await fixture.store.delegations.list(role: .payee, limit: 100).count == 40)
        #expect(try await fixture.store.delegations.list(role: .payer, limit: 100).isEmpty)
    }
}
