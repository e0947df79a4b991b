import Foundation
import TauAgent
import TauCore
import TauIdentity

extension NodeConfiguration {
    /// `[delegation]`: paid work for peers and this node's payments (docs/delegation.md).
    public struct Delegation: Sendable, Equatable, Codable {
        /// Do paid tasks for peers (default false: the node refuses `task/quote` and `task/request`).
        public var accept_tasks: Bool?
        /// Credits asked per task (default "1").
        public var price: String?
        /// Seconds a payer is given to wait for the result (default 300).
        public var deadline_seconds: Int?
        /// The safety profile delegated tasks run under (default "strict").
        public var profile: String?
        /// Turns a delegated task may take (default 12).
        public var max_turns: Int?
        /// Delegated tasks one replica runs at once (default 2).
        public var max_concurrent: Int?
        /// Release a verified result at once (default true); false leaves it to `tau-node escrow release|dispute`.
        public var auto_release: Bool?
        /// How long a dispute waits for the escrow agent before it refunds (default 86400 seconds).
        public var dispute_window_seconds: Int?
        /// Model names (aliases or catalog ids) this node serves to peers through `model/complete` (default none).
        public var serve_models: [String]?
        /// Credits per million tokens (prompt and completion) a peer pays for a model call (default "2").
        public var model_price_per_million: String?
        /// The most this node pays for one fallback model call through a peer (default "1").
        public var fallback_max_price: String?
        /// Third nodes this node, as payee, accepts as escrow agents (default none: only the payer).
        public var escrow_agents: [String]?
        /// Hold escrows of others as their agent and decide their disputes (default false).
        public var serve_as_agent: Bool?
    }
}

extension NodeConfiguration.Delegation {
    func validate(_ problems: ConfigProblems) throws(NodeError) {
        for (key, value) in [("price", price), ("model_price_per_million", model_price_per_million), ("fallback_max_price", fallback_max_price)] {
            guard let value else { continue }
            let money: Money
            do {
                money = try Money(parsing: value, currency: .credits)
            } catch {
                throw problems.invalid(["delegation", key], error.message)
            }
            if money.isNegative { throw problems.invalid(["delegation", key], "must not be negative") }
        }
        if let seconds = deadline_seconds, !(5...86_400).contains(seconds) { throw problems.invalid(["delegation", "deadline_seconds"], "must be 5-86400") }
        if let turns = max_turns, !(1...200).contains(turns) { throw problems.invalid(["delegation", "max_turns"], "must be 1-200") }
        if let count = max_concurrent, !(1...64).contains(count) { throw problems.invalid(["delegation", "max_concurrent"], "must be 1-64") }
        if let window = dispute_window_seconds, !(60...(90 * 86_400)).contains(window) {
            throw problems.invalid(["delegation", "dispute_window_seconds"], "must be 60-7776000")
        }
        if let models = serve_models, models.count > 16 || models.contains(where: { $0.isEmpty || $0.utf8.count > 128 }) {
            throw problems.invalid(["delegation", "serve_models"], "at most 16 model names of 1-128 bytes")
        }
        for (index, agent) in (escrow_agents ?? []).enumerated() where (try? DID(agent)) == nil {
            throw problems.invalid(["delegation", "escrow_agents"], "entry \(index + 1) is not a DID")
        }
        if let profile, ToolPolicy.profile(named: profile) == nil {
            throw problems.invalid(["delegation", "profile"], "must be permissive, balanced or strict")
        }
    }
}

/// `[delegation]` with its defaults filled in.
public struct DelegationSettings: Sendable, Equatable {
    public var acceptTasks: Bool
    public var price: Money
    public var deadline: TimeInterval
    public var profile: String
    public var maxTurns: Int
    public var maxConcurrent: Int
    public var autoRelease: Bool
    public var disputeWindow: Duration
    public var serveModels: [String]
    public var modelPricePerMillion: Money
    public var fallbackMaximumPrice: Money
    public var escrowAgents: [String]
    public var serveAsAgent: Bool

    public init(_ table: NodeConfiguration.Delegation?) {
        func credits(_ text: String?, _ fallback: Int64) -> Money {
            text.flatMap { try? Money(parsing: $0, currency: .credits) } ?? Money(microunits: fallback, currency: .credits)
        }
        acceptTasks = table?.accept_tasks ?? false
        price = credits(table?.price, 1_000_000)
        deadline = TimeInterval(table?.deadline_seconds ?? 300)
        profile = table?.profile ?? "strict"
        maxTurns = table?.max_turns ?? 12
        maxConcurrent = table?.max_concurrent ?? 2
        autoRelease = table?.auto_release ?? true
        disputeWindow = .seconds(table?.dispute_window_seconds ?? 86_400)
        serveModels = table?.serve_models ?? []
        modelPricePerMillion = credits(table?.model_price_per_million, 2_000_000)
        fallbackMaximumPrice = credits(table?.fallback_max_price, 1_000_000)
        escrowAgents = table?.escrow_agents ?? []
        serveAsAgent = table?.serve_as_agent ?? false
    }
}

extension NodeContext {
    /// `[delegation]` with defaults.
    public var delegationSettings: DelegationSettings { DelegationSettings(configuration.delegation) }
}
