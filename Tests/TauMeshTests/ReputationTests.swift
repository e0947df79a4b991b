import Foundation
import TauCore
import TauMesh
import Testing

/// Scores from evidence, and the choice `--to auto` makes with them.
struct ReputationTests {
    static let now = Date(epochMilliseconds: 1_790_000_000_000)
    static let day: TimeInterval = 86_400

    static func evidence(_ peer: String, _ outcome: ReputationEvidence.Outcome, daysAgo: Double = 0, latency: Int64? = nil) -> ReputationEvidence {
        ReputationEvidence(
            id: "rep_\(UUID().uuidString)", peer: peer, outcome: outcome, latency: latency.map { .milliseconds($0) },
            time: now.addingTimeInterval(-daysAgo * day))
    }

    static func credits(_ units: Int64) -> Money { Money(microunits: units * 1_000_000, currency: .credits) }

    @Test func theScoreIsABetaPosteriorMeanWithDecay() {
        let model = ReputationModel(priorAlpha: 1, priorBeta: 1, halfLife: 7 * Self.day)
        #expect(model.score("did:tau:new", evidence: [], now: Self.now).score == 0.5)
        let fresh = model.score("did:tau:b", evidence: [Self.evidence("did:tau:b", .success), Self.evidence("did:tau:b", .success), Self.evidence("did:tau:b", .failure)], now: Self.now)
        #expect(fresh.alpha == 3 && fresh.beta == 2 && fresh.score == 0.6 && fresh.evidence == 3)
        // A failure a week old weighs half.
        let aged = model.score("did:tau:b", evidence: [Self.evidence("did:tau:b", .failure, daysAgo: 7)], now: Self.now)
        #expect(aged.beta == 1.5)
        // Disputes count double by default; other peers' evidence is ignored.
        let disputed = model.score("did:tau:b", evidence: [Self.evidence("did:tau:b", .dispute), Self.evidence("did:tau:c", .success)], now: Self.now)
        #expect(disputed.alpha == 1 && disputed.beta == 3)
        let latencies = model.score(
            "did:tau:b", evidence: [100, 300, 200].map { Self.evidence("did:tau:b", .success, latency: $0) } + [Self.evidence("did:tau:b", .timeout)], now: Self.now)
        #expect(latencies.medianLatency == .milliseconds(200))
    }

    @Test func autoPicksTheBestTrustedPeerThenPriceThenLatencyAndFailsClosed() throws {
        let model = ReputationModel(threshold: 0.5)
        let history = [
            Self.evidence("did:tau:good", .success), Self.evidence("did:tau:good", .success),
            Self.evidence("did:tau:bad", .failure), Self.evidence("did:tau:bad", .timeout),
        ]
        var scores: [String: ReputationScore] = [:]
        for peer in ["did:tau:good", "did:tau:bad"] { scores[peer] = model.score(peer, evidence: history, now: Self.now) }
        let offers = [
            ReputationModel.Candidate(peer: "did:tau:bad", price: Self.credits(1)), ReputationModel.Candidate(peer: "did:tau:good", price: Self.credits(3)),
        ]
        #expect(try model.choose(offers, scores: scores, maximumPrice: Self.credits(5)).peer == "did:tau:good")
        // Too dear for the trusted one, and the cheap one is below the threshold: refused.
        #expect(Self.code { _ = try model.choose(offers, scores: scores, maximumPrice: Self.credits(2)) } == "no_peer_trusted")
        #expect(Self.code { _ = try model.choose(offers, scores: scores, maximumPrice: Money(microunits: 1, currency: .credits)) } == "no_peer_offers")
        // Equal scores: the cheaper wins.
        let twins = [
            ReputationModel.Candidate(peer: "did:tau:x", price: Self.credits(4)), ReputationModel.Candidate(peer: "did:tau:y", price: Self.credits(2)),
        ]
        #expect(try model.choose(twins, scores: [:], maximumPrice: nil).peer == "did:tau:y")
        // Exploration lets an unknown peer in, within its budget, when nobody is trusted.
        let strict = ReputationModel(threshold: 0.9)
        let unknown = [ReputationModel.Candidate(peer: "did:tau:new", price: Self.credits(1))]
        #expect(Self.code { _ = try strict.choose(unknown, scores: [:], maximumPrice: nil) } == "no_peer_trusted")
        let explored = try strict.choose(unknown, scores: [:], maximumPrice: nil, exploration: .init(maximumPrice: Self.credits(1)))
        #expect(explored.peer == "did:tau:new")
        #expect(
            Self.code {
                _ = try strict.choose(unknown, scores: [:], maximumPrice: nil, exploration: .init(maximumPrice: Money(microunits: 1, currency: .credits)))
            } == "no_peer_trusted")
    }

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as MeshError {
            return error.code
        } catch {
            return "\(error)"
        }
    }
}
