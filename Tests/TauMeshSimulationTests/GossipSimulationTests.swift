import Foundation
import TauCore
import TauMesh
import Testing

@testable import TauMeshSimulation

/// The gossip state machines, run for a few hundred simulated nodes: spreading must converge
/// within a bound a broken policy would miss, runs must repeat, and traffic must not grow with N.
// Serialized, each run on a thread of its own: a simulation is minutes of synchronous work in
// a debug build, and on Swift's cooperative pool (one thread per core) it would starve every
// other suite running beside it.
@Suite(.serialized) struct GossipSimulationTests {
    func simulate(_ parameters: SimulationParameters) async throws -> SimulationReport {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try GossipSimulation.run(parameters) }) }.start()
        }
    }

    func parameters(nodes: Int, seed: UInt64 = 7, churn: Double = 0, loss: Double = 0) -> SimulationParameters {
        SimulationParameters(
            nodes: nodes, policy: GossipPolicy(fanout: 3, interval: 1), seed: seed, latency: 0.001...0.050, loss: loss,
            steadyRounds: 10, maximumRounds: 60, churn: churn)
    }

    @Test func rotationAndRevocationReachEveryNodeInLogarithmicRoundsAndMembershipCompletes() async throws {
        let nodes = 160
        let report = try await simulate(parameters(nodes: nodes))
        let bound = 3 * log2(Double(nodes))
        // Below the peer limit every node ends up knowing the subject, so the whole mesh is in scope.
        #expect(report.rotation.scope == 1)
        #expect(try #require(report.rotation.roundsAll) <= bound)
        #expect(try #require(report.revocation.roundsAll) <= bound)
        // Full membership moves N - 1 rows to every node in messages of at most 16 new peers and
        // a sample of 16, so it takes rounds in proportion to N (docs/gossip-simulator.md); a
        // node that learned nothing from hearsay would never get there.
        #expect(report.membershipTarget == nodes - 1)
        let membership = try #require(report.membership.roundsAll)
        #expect(membership <= Double(nodes) / 5)
        #expect(try #require(report.membership.rounds99) <= membership)
        #expect(report.tableMax == nodes - 1)
    }

    @Test func theSameSeedGivesTheSameRunAndAnotherSeedAnotherOne() async throws {
        let first = try await simulate(parameters(nodes: 120, seed: 11))
        let second = try await simulate(parameters(nodes: 120, seed: 11))
        let other = try await simulate(parameters(nodes: 120, seed: 12))
        #expect(first == second)
        #expect(first.events != other.events || first.steadyTraffic != other.steadyTraffic)
    }

    @Test func steadyTrafficPerNodeDoesNotGrowWithTheMesh() async throws {
        let small = try await simulate(parameters(nodes: 100)).steadyTraffic
        let large = try await simulate(parameters(nodes: 400)).steadyTraffic
        #expect(small.bytesMean > 0 && large.bytesMean > 0)
        #expect(large.bytesMean <= small.bytesMean * 1.25)
        #expect(large.messagesMean <= small.messagesMean * 1.25)
        // A quiet view is the node itself and a sample of 16: far below the 64-entry cap.
        let sample = try sampleAdvertisement()
        let seventeen = WireSize.gossip(
            GossipList(peers: Array(repeating: sample, count: 17)), reply: true, padding: 17 * SimulatedIdentities.padding(of: sample))
        #expect(large.bytesMean / large.messagesMean <= Double(seventeen) * 1.1)
    }

    /// A mesh five times larger than the table: each node holds a fifth of the others, yet a
    /// rotation reaches all of them in logarithmic rounds (the other nodes relay it as news),
    /// tables stay at the limit (strangers that gossip get no row), and a quiet mesh sends
    /// quiet views.
    @Test func aTableLimitBelowTheMeshKeepsTablesBoundedAndRotationsFast() async throws {
        let nodes = 300
        var limited = parameters(nodes: nodes)
        limited.policy.maximumPeers = 60
        let report = try await simulate(limited)
        let bound = 3 * log2(Double(nodes))
        #expect(report.membershipTarget == 60)
        #expect(report.membership.roundsAll != nil)
        #expect(report.rotation.scope < 1)
        #expect(try #require(report.rotation.roundsAll) <= bound)
        #expect(try #require(report.revocation.roundsAll) <= bound)
        // Only the bootstrap hellos, sent while tables are nearly empty, may add rows past it.
        #expect(report.tableMax <= 60 + 5)
        #expect(report.steadyTraffic.entriesPerMessage <= 17 * 1.1)
    }

    @Test func aRotationStillReachesTheLiveNodesAfterAFifthAreKilled() async throws {
        let report = try await simulate(parameters(nodes: 200, churn: 0.2))
        let churned = try #require(report.churnRotation)
        #expect(churned.roundsAll != nil)
        #expect(churned.reached == 1)
    }

    @Test func lostMessagesSlowSpreadingButDoNotStopIt() async throws {
        let report = try await simulate(parameters(nodes: 150, loss: 0.1))
        #expect(report.membership.roundsAll != nil)
        #expect(report.rotation.roundsAll != nil)
        #expect(report.revocation.roundsAll != nil)
    }

    @Test func parametersOutOfRangeAreRefused() {
        #expect(throws: SimulationError.self) { try GossipSimulation.run(parameters(nodes: 1)) }
        #expect(throws: SimulationError.self) { try GossipSimulation.run(parameters(nodes: 10, loss: 1)) }
        // The policy's knobs, as `tau-gossip-sim` takes them from its command line.
        let knobs: [(inout GossipPolicy) -> Void] = [
            { $0.sampleSize = -1 }, { $0.newPeersPerMessage = -1 }, { $0.maximumPeers = 0 },
            { $0.hotIntervals = .infinity }, { $0.hotIntervals = .nan }, { $0.hotIntervals = -1 }, { $0.interval = .infinity },
        ]
        for knob in knobs {
            var wrong = parameters(nodes: 10)
            knob(&wrong.policy)
            #expect(throws: SimulationError.self) { try wrong.validate() }
        }
        #expect(throws: Never.self) { try parameters(nodes: 10).validate() }
    }

    func sampleAdvertisement() throws -> PeerAdvertisement {
        var generator = SplitMix64(seed: 1)
        return try SimulatedIdentities(count: 1, using: &generator).advertisement(of: 0, version: 1)
    }
}
