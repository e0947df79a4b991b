import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

/// Runs of the runs API as the store shows them to every replica.
struct AgentRunManagerTests {
    @Test func aRunWhoseReplicaStoppedBeatingIsLost() async throws {
        let repository = InMemoryAgentRunRepository()
        let clock = TestNodeClock()
        let manager = AgentRunManager(
            repository: repository, sessions: InMemorySessionRepository(), clock: clock.clock, lostAfter: 30)
        let record = AgentRunRecord(
            id: AgentRunID.make(), sessionID: Session.newID(), apiKeyID: "key", model: "m", createdAt: clock.now, replica: "gone")
        try await repository.create(record)
        #expect(try await manager.record(record.id)?.status == .running)
        await clock.advance(by: .seconds(31))
        #expect(try await manager.record(record.id)?.status == .lost)
        // A lost run can still be asked to stop, and is finished as soon as anyone records it.
        try await repository.finish(record.id, summary: ["outcome": "cancelled"], at: clock.now)
        #expect(try await manager.record(record.id)?.status == .finished)
        #expect(try await manager.cancel(record.id) == false)
    }
}
