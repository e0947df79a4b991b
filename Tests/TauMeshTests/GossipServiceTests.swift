import Foundation
import ServiceLifecycle
import TauCore
import TauTesting
import Testing

@testable import TauMesh

/// The gossip service on a test clock: rounds happen when the clock is advanced, and
/// replicas that share a timer queue gossip once per interval between them.
@Suite struct GossipServiceTests {
    static func rounds(_ member: MeshMember) -> Int {
        Int(member.count("tau_mesh_gossip_rounds_total"))
    }

    /// Lets every task that can run, run (the services, woken by the clock).
    static func settle() async {
        for _ in 0..<50 { await Task.yield() }
        try? await Task.sleep(for: .milliseconds(20))
    }

    @Test func roundsFollowTheInjectedClock() async throws {
        let clock = TestNodeClock()
        let member = try await member(port: 9)
        await member.node.listening(at: "http://127.0.0.1:9")
        let service = GossipService(node: member.node, bootstrap: [], interval: .seconds(30), clock: clock.clock)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        await Self.settle()
        #expect(Self.rounds(member) == 1)
        await clock.advance(by: .seconds(29))
        await Self.settle()
        #expect(Self.rounds(member) == 1)
        await clock.advance(by: .seconds(1))
        await Self.settle()
        #expect(Self.rounds(member) == 2)
        await clock.advance(by: .seconds(90))
        await Self.settle()
        #expect(Self.rounds(member) >= 3)
    }

    @Test func replicasSharingTimersGossipOncePerInterval() async throws {
        let clock = TestNodeClock()
        let timers = InMemoryTimerQueue()
        let a = try await member(port: 9)
        let b = try await member(port: 9)
        await a.node.listening(at: "http://127.0.0.1:9")
        await b.node.listening(at: "http://127.0.0.1:9")
        let services = [a, b].enumerated().map { index, member in
            GossipService(node: member.node, bootstrap: [], interval: .seconds(10), clock: clock.clock, timers: timers, claimer: "replica-\(index)")
        }
        let tasks = services.map { service in Task { try await service.run() } }
        defer { tasks.forEach { $0.cancel() } }
        await Self.settle()
        for _ in 0..<6 {
            await clock.advance(by: .seconds(10))
            await Self.settle()
        }
        let total = Self.rounds(a) + Self.rounds(b)
        // Seven intervals have begun (the first at start); two processes alone would run 14.
        #expect((6...8).contains(total), "\(Self.rounds(a)) + \(Self.rounds(b)) rounds")
        #expect(Self.rounds(a) > 0 || Self.rounds(b) > 0)
    }
}
