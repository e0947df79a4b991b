import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauMesh
import TauNode

struct PeerShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One peer: its table entry, its reputation score and the evidence behind it.",
        discussion: """
            The score is the mean of a Beta posterior: a prior (one success and one failure by \
            default), plus every outcome this node saw or holds a receipt for, each weighing half as \
            much per half-life of age (7 days by default; disputes count double). Peers below the \
            threshold (0.5 by default) are not chosen. See [mesh.reputation] in docs/configuration.md.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The peer's DID.")
    var did: String

    @Option(help: "How many pieces of evidence to list.")
    var limit: Int = 20

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let subject = try DID(did)
            let context = try await NodeContext.open(homeOptions.nodeHome)
            do {
                try await show(subject, context)
            } catch {
                await context.close()
                throw error
            }
            await context.close()
        }
    }

    private func show(_ subject: DID, _ context: NodeContext) async throws {
        let peer = try await context.peers.peer(subject)
        let all = try await context.store.reputation.evidence(about: subject.description, limit: 10_000)
        guard peer != nil || !all.isEmpty else {
            throw MeshError("peer_not_found", "\(subject) is not in the peer table and has no reputation", category: .notFound)
        }
        let score = context.reputationModel.score(subject.description, evidence: all, now: context.clock.now())
        let listed = all.prefix(max(0, limit))
        if homeOptions.json {
            Output.json([
                "did": .string(subject.description), "peer": peer?.json ?? .null,
                "reputation": [
                    "score": .number(score.score), "alpha": .number(score.alpha), "beta": .number(score.beta),
                    "evidence": .number(Double(score.evidence)),
                    "median_latency_ms": score.medianLatency.map { .number(($0.timeInterval * 1000).rounded()) } ?? .null,
                    "counts": .object(Dictionary(uniqueKeysWithValues: ReputationEvidence.Outcome.allCases.map { ($0.rawValue, .number(Double(score.counts[$0] ?? 0))) })),
                ],
                "evidence": .array(
                    listed.map {
                        [
                            "id": .string($0.id), "outcome": .string($0.outcome.rawValue), "time": .string(Timestamp.format($0.time)),
                            "latency_ms": $0.latency.map { .number(($0.timeInterval * 1000).rounded()) } ?? .null,
                            "receipt_id": $0.receiptID.map(JSONValue.string) ?? .null,
                        ]
                    }),
            ])
            return
        }
        var rows: [(String, String)] = [("did", subject.description)]
        if let peer {
            rows += [("endpoint", peer.endpoint), ("state", peer.state.rawValue), ("last seen", peer.lastSeen.map(Timestamp.format) ?? "never")]
        }
        let counts = ReputationEvidence.Outcome.allCases.map { "\($0.rawValue) \(score.counts[$0] ?? 0)" }.joined(separator: ", ")
        rows += [
            ("score", String(format: "%.3f", score.score)), ("evidence", "\(score.evidence) (\(counts))"),
            ("median latency", score.medianLatency.map { "\(Int(($0.timeInterval * 1000).rounded())) ms" } ?? "-"),
        ]
        Output.table(rows)
        for item in listed {
            Output.line("  \(Timestamp.format(item.time))  \(item.outcome.rawValue)" + (item.receiptID.map { "  receipt \($0)" } ?? ""))
        }
    }
}
