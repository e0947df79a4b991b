import Foundation
import TauCore
import TauMesh

extension NodeConfiguration {
    /// `[mesh.reputation]`: the prior, the decay and the threshold of peer scores (Specs/mesh.md §14a).
    public struct Reputation: Sendable, Equatable, Codable {
        /// Prior successes and failures of a peer without evidence (default 1 and 1: a score of 0.5).
        public var prior_successes: ConfigNumber?
        public var prior_failures: ConfigNumber?
        /// Evidence this many days old weighs half (default 7).
        public var half_life_days: ConfigNumber?
        /// Peers scoring below this are not chosen (default 0.5).
        public var threshold: ConfigNumber?
        /// Credits an unknown peer may be paid per call when nobody is trusted (default: no exploration).
        public var explore_max_price: String?
    }
}

extension NodeConfiguration.Reputation {
    func validate(_ problems: ConfigProblems) throws(NodeError) {
        for (key, value) in [("prior_successes", prior_successes), ("prior_failures", prior_failures)] {
            if let value, !(0.01...1_000).contains(value.value) { throw problems.invalid(["mesh", "reputation", key], "must be 0.01-1000") }
        }
        if let threshold, !(0...1).contains(threshold.value) { throw problems.invalid(["mesh", "reputation", "threshold"], "must be 0-1") }
        if let days = half_life_days?.value, !(0.01...3_650).contains(days) {
            throw problems.invalid(["mesh", "reputation", "half_life_days"], "must be 0.01-3650")
        }
        if let price = explore_max_price {
            do {
                _ = try Money(parsing: price, currency: .credits)
            } catch {
                throw problems.invalid(["mesh", "reputation", "explore_max_price"], error.message)
            }
        }
    }

    /// The scoring model, with the defaults filled in.
    var model: ReputationModel {
        ReputationModel(
            priorAlpha: prior_successes?.value ?? 1, priorBeta: prior_failures?.value ?? 1,
            halfLife: (half_life_days?.value ?? 7) * 86_400, threshold: threshold?.value ?? 0.5)
    }

    /// Exploration of unknown peers, when a price for it is set.
    var exploration: ReputationModel.Exploration? {
        explore_max_price.flatMap { try? Money(parsing: $0, currency: .credits) }.map { ReputationModel.Exploration(maximumPrice: $0) }
    }
}

extension NodeContext {
    /// How this node scores and chooses peers (`[mesh.reputation]`).
    public var reputationModel: ReputationModel { configuration.mesh?.reputation?.model ?? ReputationModel() }
    /// Whether and how unknown peers may be tried (`[mesh.reputation] explore_max_price`).
    public var reputationExploration: ReputationModel.Exploration? { configuration.mesh?.reputation?.exploration }
}

/// A number in config.toml written either way: `1` (a TOML integer) or `0.5` (a float).
public struct ConfigNumber: Sendable, Equatable, Codable {
    public var value: Double

    public init(_ value: Double) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            value = Double(integer)
        } else {
            value = try container.decode(Double.self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
