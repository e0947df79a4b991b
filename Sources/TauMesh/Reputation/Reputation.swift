import Foundation
import TauCore

/// What a peer did on one call this node saw or holds a signed receipt for.
public struct ReputationEvidence: Sendable, Hashable {
    public enum Outcome: String, Sendable, CaseIterable {
        case success, failure, timeout, dispute
    }

    /// `rep_` and 24 hex digits.
    public var id: String
    /// The peer's DID.
    public var peer: String
    public var outcome: Outcome
    /// How long the call took, when it ended.
    public var latency: Duration?
    public var time: Date
    /// The receipt (signed message id) the evidence stands on, if any; one piece of evidence
    /// per receipt.
    public var receiptID: String?

    public init(id: String, peer: String, outcome: Outcome, latency: Duration? = nil, time: Date, receiptID: String? = nil) {
        self.id = id
        self.peer = peer
        self.outcome = outcome
        self.latency = latency
        self.time = time
        self.receiptID = receiptID
    }
}

/// A peer's standing: the mean of a Beta posterior over "the next call succeeds", from a prior
/// and the peer's evidence, each piece weighted by its age (half of its weight every
/// `halfLife`).
public struct ReputationScore: Sendable, Equatable {
    public var peer: String
    /// Posterior parameters: prior plus weighted successes, prior plus weighted failures.
    public var alpha: Double
    public var beta: Double
    /// Pieces of evidence, unweighted, by outcome.
    public var counts: [ReputationEvidence.Outcome: Int]
    /// The weighted median latency of successful calls, when there were any.
    public var medianLatency: Duration?

    /// The posterior mean, in 0...1.
    public var score: Double { alpha / (alpha + beta) }
    /// All pieces of evidence.
    public var evidence: Int { counts.values.reduce(0, +) }
}

/// How evidence becomes a score, and which peers may be chosen.
public struct ReputationModel: Sendable, Equatable {
    /// Prior successes and failures a peer starts with (mean `priorAlpha / (priorAlpha + priorBeta)`).
    public var priorAlpha: Double
    public var priorBeta: Double
    /// Evidence this old weighs half.
    public var halfLife: TimeInterval
    /// Peers scoring below this are not chosen (fail closed).
    public var threshold: Double
    /// How much a timeout and a dispute count against a peer, next to a failure's 1.
    public var timeoutWeight: Double
    public var disputeWeight: Double

    public init(
        priorAlpha: Double = 1, priorBeta: Double = 1, halfLife: TimeInterval = 7 * 86_400, threshold: Double = 0.5, timeoutWeight: Double = 1,
        disputeWeight: Double = 2
    ) {
        self.priorAlpha = max(0.01, priorAlpha)
        self.priorBeta = max(0.01, priorBeta)
        self.halfLife = max(60, halfLife)
        self.threshold = min(max(threshold, 0), 1)
        self.timeoutWeight = max(0, timeoutWeight)
        self.disputeWeight = max(0, disputeWeight)
    }

    /// The score of `peer` from its evidence, at `now`. Evidence from the future (clock skew)
    /// weighs as if it were new.
    public func score(_ peer: String, evidence: [ReputationEvidence], now: Date) -> ReputationScore {
        var alpha = priorAlpha
        var beta = priorBeta
        var counts: [ReputationEvidence.Outcome: Int] = [:]
        var latencies: [(Duration, Double)] = []
        for item in evidence where item.peer == peer {
            let age = max(0, now.timeIntervalSince(item.time))
            let weight = pow(0.5, age / halfLife)
            counts[item.outcome, default: 0] += 1
            switch item.outcome {
            case .success:
                alpha += weight
                if let latency = item.latency { latencies.append((latency, weight)) }
            case .failure: beta += weight
            case .timeout: beta += weight * timeoutWeight
            case .dispute: beta += weight * disputeWeight
            }
        }
        return ReputationScore(peer: peer, alpha: alpha, beta: beta, counts: counts, medianLatency: Self.weightedMedian(latencies))
    }

    static func weightedMedian(_ values: [(Duration, Double)]) -> Duration? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted { $0.0 < $1.0 }
        let half = sorted.reduce(0) { $0 + $1.1 } / 2
        var running = 0.0
        for (value, weight) in sorted {
            running += weight
            if running >= half { return value }
        }
        return sorted.last?.0
    }

    /// A peer that offers a call, with its price.
    public struct Candidate: Sendable, Equatable {
        public var peer: String
        public var price: Money

        public init(peer: String, price: Money) {
            self.peer = peer
            self.price = price
        }
    }

    /// Whether unknown peers may be tried: peers with fewer than `maximumEvidence` pieces of
    /// evidence, at most `maximumPrice` per call, even below the threshold.
    public struct Exploration: Sendable, Equatable {
        public var maximumEvidence: Int
        public var maximumPrice: Money

        public init(maximumEvidence: Int = 3, maximumPrice: Money) {
            self.maximumEvidence = maximumEvidence
            self.maximumPrice = maximumPrice
        }
    }

    /// The peer `--to auto` picks: among candidates at most `maximumPrice` and scoring at or
    /// above the threshold, the best score, then the lowest price, then the lowest latency.
    /// - Throws: `no_peer_offers` (no candidate at the price), `no_peer_trusted` (every one
    ///   scores below the threshold and exploration does not allow one).
    public func choose(
        _ candidates: [Candidate], scores: [String: ReputationScore], maximumPrice: Money?, exploration: Exploration? = nil
    ) throws(MeshError) -> Candidate {
        let affordable = candidates.filter { candidate in
            guard let ceiling = maximumPrice else { return true }
            return candidate.price.currency == ceiling.currency && candidate.price.microunits <= ceiling.microunits
        }
        guard !affordable.isEmpty else {
            throw MeshError("no_peer_offers", "no peer offers the call within the price", category: .unavailable)
        }
        func score(_ candidate: Candidate) -> ReputationScore {
            scores[candidate.peer] ?? ReputationScore(peer: candidate.peer, alpha: priorAlpha, beta: priorBeta, counts: [:], medianLatency: nil)
        }
        let trusted = affordable.filter { score($0).score >= threshold }
        let pool: [Candidate]
        if !trusted.isEmpty {
            pool = trusted
        } else if let exploration {
            pool = affordable.filter {
                score($0).evidence < exploration.maximumEvidence && $0.price.currency == exploration.maximumPrice.currency
                    && $0.price.microunits <= exploration.maximumPrice.microunits
            }
        } else {
            pool = []
        }
        guard
            let best = pool.min(by: { a, b in
                let (sa, sb) = (score(a), score(b))
                if sa.score != sb.score { return sa.score > sb.score }
                if a.price.microunits != b.price.microunits { return a.price.microunits < b.price.microunits }
                return (sa.medianLatency ?? .seconds(86_400)) < (sb.medianLatency ?? .seconds(86_400))
            })
        else {
            throw MeshError(
                "no_peer_trusted", "every peer that offers the call scores below the threshold \(threshold)", category: .unavailable)
        }
        return best
    }
}

/// Where a node keeps the evidence about its peers. Implemented by TauStore (SQLite,
/// PostgreSQL) and in memory by TauTesting; every implementation passes
/// `ReputationRepositoryContract`.
public protocol ReputationRepository: Sendable {
    /// Keeps `evidence`; false (and nothing kept) when its id, or its receipt, is held already.
    @discardableResult
    func record(_ evidence: ReputationEvidence) async throws -> Bool
    /// The evidence about `peer`, the most recent first.
    func evidence(about peer: String, limit: Int) async throws -> [ReputationEvidence]
    /// Every peer with evidence.
    func peers() async throws -> [String]
}
