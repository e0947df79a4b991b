import Foundation
import TauMeshSimulation

/// The reports as one plain-text table, one row per mesh size, with log2(N) and log3(N)
/// beside the rounds so that the trend can be read off.
struct ReportTable {
    let reports: [SimulationReport]

    init(_ reports: [SimulationReport]) {
        self.reports = reports
    }

    var text: String {
        var lines: [String] = []
        if let first = reports.first?.parameters {
            let latency = "\(Int(first.latency.lowerBound * 1000))-\(Int(first.latency.upperBound * 1000)) ms"
            lines.append(
                "fanout \(first.policy.fanout), interval \(first.policy.interval) s, seed \(first.seed), latency \(latency), "
                    + "loss \(first.loss), maximumPeers \(first.policy.maximumPeers), sampleSize \(first.policy.sampleSize), "
                    + "hotIntervals \(first.policy.hotIntervals), newPeersPerMessage \(first.policy.newPeersPerMessage)")
            lines.append(
                "Spreading in intervals (99% / all); logs settle: intervals after membership until one passes with under 0.1 log pulls per node; "
                    + "traffic per node per interval in a quiet window after that.")
        }
        let header = [
            "nodes", "log2N", "log3N", "members", "logs settle", "rotation", "in table", "revocation", "B/node/rnd mean", "p99", "max",
            "msgs/node/rnd", "entries/msg", "pulls/node/rnd", "table mean/max",
        ]
        var rows = [header]
        for report in reports {
            let n = Double(report.parameters.nodes)
            rows.append([
                "\(report.parameters.nodes)", format(log2(n), 1), format(log(n) / log(3), 1),
                spread(report.membership), format(report.settling, 1), spread(report.rotation), percent(report.rotation.scope), spread(report.revocation),
                bytes(report.steadyTraffic.bytesMean), bytes(report.steadyTraffic.bytesP99), bytes(report.steadyTraffic.bytesMax),
                "\(format(report.steadyTraffic.messagesMean, 1)) (max \(format(report.steadyTraffic.messagesMax, 1)))",
                format(report.steadyTraffic.entriesPerMessage, 1), format(report.steadyTraffic.pullsMean, 2), "\(Int(report.tableMean.rounded()))/\(report.tableMax)",
            ])
        }
        lines += align(rows)
        lines.append("")
        lines.append("While membership converged (per node per interval):")
        var busy = [["nodes", "B/node/rnd mean", "p99", "max", "msgs/node/rnd", "entries/msg", "pulls/node/rnd"]]
        for report in reports {
            let traffic = report.membershipTraffic
            busy.append([
                "\(report.parameters.nodes)", bytes(traffic.bytesMean), bytes(traffic.bytesP99), bytes(traffic.bytesMax),
                "\(format(traffic.messagesMean, 1)) (max \(format(traffic.messagesMax, 1)))", format(traffic.entriesPerMessage, 1),
                format(traffic.pullsMean, 2),
            ])
        }
        lines += align(busy)
        let churned = reports.filter { $0.churnRotation != nil }
        if !churned.isEmpty {
            lines.append("")
            lines.append("Rotation after killing \(percent(churned[0].parameters.churn)) of the nodes, among the live ones:")
            var churn = [["nodes", "rotation", "in table"]]
            for report in churned {
                guard let result = report.churnRotation else { continue }
                churn.append(["\(report.parameters.nodes)", spread(result), percent(result.scope)])
            }
            lines += align(churn)
        }
        return lines.joined(separator: "\n")
    }

    private func spread(_ result: SpreadResult) -> String {
        let all = result.roundsAll.map { format($0, 1) } ?? "not all (\(percent(result.reached)) in \(format(result.phaseRounds, 0)))"
        return "\(result.rounds99.map { format($0, 1) } ?? "-") / \(all)"
    }

    private func percent(_ value: Double) -> String { "\(format(value * 100, value < 0.1 ? 1 : 0))%" }

    private func bytes(_ value: Double) -> String {
        value >= 10_000 ? "\(format(value / 1000, 0)) kB" : value >= 1000 ? "\(format(value / 1000, 1)) kB" : "\(Int(value)) B"
    }

    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private func align(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }
}
