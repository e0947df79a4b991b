import ArgumentParser
import Foundation
import TauCore
import TauMesh
import TauMeshSimulation

@main
struct GossipSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tau-gossip-sim",
        abstract: "Simulate tau-node gossip for N nodes on a simulated clock and network.",
        discussion: """
            Runs the real gossip decisions (GossipPolicy, Peer.merged, the peer liveness rules) for \
            every node, with simulated latencies and no cryptography, and prints the intervals until \
            membership, a rotation and a revocation reach every node, and the bytes each node sends \
            per interval. The same seed gives the same figures. See docs/gossip-simulator.md.
            """
    )

    @Option(help: "Mesh sizes, comma-separated (one row each).")
    var nodes: String = "1000"

    @Option(help: "Peers contacted per round.")
    var fanout: Int = 3

    @Option(help: "Gossip interval in seconds.")
    var interval: Double = 1

    @Option(name: .customLong("sample-size"), help: "GossipPolicy.sampleSize: the random sample of a view.")
    var sampleSize: Int = GossipPolicy().sampleSize

    @Option(name: .customLong("hot-intervals"), help: "GossipPolicy.hotIntervals: how long a changed row is listed in every view.")
    var hotIntervals: Double = GossipPolicy().hotIntervals

    @Option(name: .customLong("maximum-peers"), help: "GossipPolicy.maximumPeers: the largest table hearsay may grow.")
    var maximumPeers: Int = GossipPolicy().maximumPeers

    @Option(name: .customLong("new-peers"), help: "GossipPolicy.newPeersPerMessage: new peers one message may add.")
    var newPeers: Int = GossipPolicy().newPeersPerMessage

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Option(name: .customLong("latency-ms"), help: "One-way latency range in milliseconds, e.g. 1-50.")
    var latency: String = "1-50"

    @Option(help: "Probability that a message is lost.")
    var loss: Double = 0

    @Option(help: "Intervals of the steady-state traffic window.")
    var rounds: Int = 20

    @Option(name: .customLong("max-rounds"), help: "The longest a phase may take, in intervals.")
    var maximumRounds: Int = 120

    @Option(help: "Share of the nodes killed before a last rotation (0 skips that phase).")
    var churn: Double = 0

    @Flag(help: "Print the reports as JSON (one array).")
    var json = false

    @Flag(help: "Print the end of each phase on standard error.")
    var verbose = false

    func run() throws {
        let sizes = nodes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty else { throw ValidationError("--nodes takes sizes such as 100,1000") }
        let bounds = latency.split(separator: "-").compactMap { Double($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { throw ValidationError("--latency-ms takes a range such as 1-50") }
        var policy = GossipPolicy(fanout: fanout, interval: interval)
        policy.sampleSize = sampleSize
        policy.hotIntervals = hotIntervals
        policy.maximumPeers = maximumPeers
        policy.newPeersPerMessage = newPeers
        var reports: [SimulationReport] = []
        for size in sizes {
            let parameters = SimulationParameters(
                nodes: size, policy: policy, seed: seed,
                latency: (bounds[0] / 1000)...(bounds[1] / 1000), loss: loss, steadyRounds: rounds, maximumRounds: maximumRounds,
                churn: churn)
            let started = ContinuousClock.now
            let report: SimulationReport
            do {
                report = try GossipSimulation.run(parameters) { line in
                    if verbose { FileHandle.standardError.write(Data("[\(size) nodes, \(ContinuousClock.now - started)] \(line)\n".utf8)) }
                }
            } catch let error as SimulationError {
                throw ValidationError(error.description)
            }
            reports.append(report)
            if verbose { FileHandle.standardError.write(Data("[\(size) nodes] done in \(ContinuousClock.now - started)\n".utf8)) }
        }
        if json {
            print(JSONValue.array(reports.map(\.json)).prettyString())
        } else {
            print(ReportTable(reports).text)
        }
    }
}
