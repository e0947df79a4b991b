import TauMesh

/// What a simulation runs: the mesh, the network, and how long each phase may take.
public struct SimulationParameters: Sendable, Equatable {
    /// Nodes in the mesh (2 to 20,000: the simulator keeps an N×N index).
    public var nodes: Int
    /// The gossip decisions, as `MeshNode` makes them (fanout, interval, view sizes, limits).
    public var policy: GossipPolicy
    /// The seed of every random choice (links, phases, latencies, losses, the policy's shuffles).
    public var seed: UInt64
    /// One-way latency of a message, drawn uniformly, in seconds.
    public var latency: ClosedRange<Double>
    /// The probability that a message (request or reply) is lost.
    public var loss: Double
    /// How long a contact with a node that is down takes to fail (a connect timeout), seconds.
    public var unreachableDelay: Double
    /// How long a requester waits for a lost message's reply, seconds.
    public var timeout: Double
    /// Intervals over which steady-state traffic is measured.
    public var steadyRounds: Int
    /// The longest a phase (membership, rotation, revocation, churn) may take, in intervals.
    public var maximumRounds: Int
    /// The fraction of nodes killed before the churn phase's rotation; 0 skips the phase.
    public var churn: Double

    public init(
        nodes: Int = 1_000, policy: GossipPolicy = GossipPolicy(fanout: 3, interval: 1), seed: UInt64 = 1,
        latency: ClosedRange<Double> = 0.001...0.050, loss: Double = 0, unreachableDelay: Double = 2, timeout: Double = 5,
        steadyRounds: Int = 20, maximumRounds: Int = 120, churn: Double = 0
    ) {
        self.nodes = nodes
        self.policy = policy
        self.seed = seed
        self.latency = latency
        self.loss = loss
        self.unreachableDelay = unreachableDelay
        self.timeout = timeout
        self.steadyRounds = steadyRounds
        self.maximumRounds = maximumRounds
        self.churn = churn
    }

    /// The largest mesh the simulator accepts.
    public static let maximumNodes = 20_000

    /// Throws ``SimulationError`` when the parameters cannot be simulated.
    public func validate() throws(SimulationError) {
        guard (2...Self.maximumNodes).contains(nodes) else { throw SimulationError("nodes must be 2 to \(Self.maximumNodes)") }
        guard policy.fanout >= 1, policy.interval > 0, policy.interval.isFinite else {
            throw SimulationError("fanout must be at least 1 and the interval positive")
        }
        guard policy.sampleSize >= 0, policy.newPeersPerMessage >= 0 else {
            throw SimulationError("the sample size and the new peers per message cannot be negative")
        }
        guard policy.maximumPeers >= 1 else { throw SimulationError("maximumPeers must be at least 1") }
        guard policy.hotIntervals >= 0, policy.hotIntervals.isFinite else {
            throw SimulationError("hotIntervals must be a finite number of intervals, 0 or more")
        }
        guard latency.lowerBound >= 0 else { throw SimulationError("latency cannot be negative") }
        guard (0..<1).contains(loss) else { throw SimulationError("loss must be at least 0 and below 1") }
        guard (0..<1).contains(churn) else { throw SimulationError("churn must be at least 0 and below 1") }
        guard steadyRounds >= 1, maximumRounds >= 1 else { throw SimulationError("rounds must be at least 1") }
        guard unreachableDelay >= 0, timeout >= 0 else { throw SimulationError("delays cannot be negative") }
    }
}
