import TauCore

/// How far one thing spread, timed from the moment it started, in gossip intervals.
public struct SpreadResult: Sendable, Equatable {
    /// Intervals until 99% of the nodes it must reach had it; nil if not within the phase.
    public var rounds99: Double?
    /// Intervals until every one of them had it; nil if not within the phase.
    public var roundsAll: Double?
    /// The share of them that had it when the phase ended.
    public var reached: Double
    /// The nodes it had to reach, as a share of the live nodes other than its subject (for
    /// membership 1; for a rotation or revocation, the nodes with the subject in their table).
    public var scope: Double
    /// The phase's length in intervals (when it ended: everyone reached, or the limit).
    public var phaseRounds: Double

    public var json: JSONValue {
        [
            "rounds99": rounds99.map(JSONValue.number) ?? .null, "roundsAll": roundsAll.map(JSONValue.number) ?? .null,
            "reached": .number(reached), "scope": .number(scope), "phaseRounds": .number(phaseRounds),
        ]
    }
}

/// What the live nodes sent over a window, per node per interval.
public struct TrafficResult: Sendable, Equatable {
    /// Window length in intervals.
    public var rounds: Double
    /// Bytes of signed messages sent (requests and replies), per node per interval.
    public var bytesMean: Double
    public var bytesP99: Double
    public var bytesMax: Double
    /// Messages sent per node per interval.
    public var messagesMean: Double
    public var messagesMax: Double
    /// Log fetch attempts per node per interval (each endpoint tried by a pull).
    public var pullsMean: Double
    /// Advertisements a message lists, on average (hellos count as none).
    public var entriesPerMessage: Double

    public var json: JSONValue {
        [
            "rounds": .number(rounds), "bytesMean": .number(bytesMean), "bytesP99": .number(bytesP99), "bytesMax": .number(bytesMax),
            "messagesMean": .number(messagesMean), "messagesMax": .number(messagesMax), "pullsMean": .number(pullsMean),
            "entriesPerMessage": .number(entriesPerMessage),
        ]
    }
}

/// Everything one run measured.
public struct SimulationReport: Sendable, Equatable {
    public var parameters: SimulationParameters
    /// Rows every node must reach: min(N − 1, the policy's maximumPeers).
    public var membershipTarget: Int
    /// Every node's table holding at least ``membershipTarget`` rows.
    public var membership: SpreadResult
    /// Intervals after membership until an interval passed with fewer than 0.1 log pulls per node:
    /// the nodes have fetched the logs of the rows they learned (at most the phase limit).
    public var settling: Double
    /// One node's log going from version 1 to 2, held by every node with it in its table.
    public var rotation: SpreadResult
    /// The same node's log going to version 3 (deactivated).
    public var revocation: SpreadResult
    /// A rotation of another node after ``SimulationParameters/churn`` of the nodes were
    /// killed, among the live nodes; nil when churn is 0.
    public var churnRotation: SpreadResult?
    /// Traffic while membership converged.
    public var membershipTraffic: TrafficResult
    /// Traffic in a quiet window after membership (no rotation, hot rows cooled down).
    public var steadyTraffic: TrafficResult
    /// Table sizes when the run ended: mean and largest, over live nodes.
    public var tableMean: Double
    public var tableMax: Int
    /// Events the simulator handled.
    public var events: Int

    public var json: JSONValue {
        [
            "nodes": .number(Double(parameters.nodes)), "fanout": .number(Double(parameters.policy.fanout)),
            "interval": .number(parameters.policy.interval), "seed": .string(String(parameters.seed)),
            "latencyMs": [.number(parameters.latency.lowerBound * 1000), .number(parameters.latency.upperBound * 1000)],
            "loss": .number(parameters.loss), "churn": .number(parameters.churn),
            "maximumPeers": .number(Double(parameters.policy.maximumPeers)),
            "sampleSize": .number(Double(parameters.policy.sampleSize)), "hotIntervals": .number(parameters.policy.hotIntervals),
            "newPeersPerMessage": .number(Double(parameters.policy.newPeersPerMessage)),
            "membershipTarget": .number(Double(membershipTarget)), "membership": membership.json, "settling": .number(settling),
            "rotation": rotation.json,
            "revocation": revocation.json, "churnRotation": churnRotation?.json ?? .null,
            "membershipTraffic": membershipTraffic.json, "steadyTraffic": steadyTraffic.json,
            "tableMean": .number(tableMean), "tableMax": .number(Double(tableMax)), "events": .number(Double(events)),
        ]
    }
}
