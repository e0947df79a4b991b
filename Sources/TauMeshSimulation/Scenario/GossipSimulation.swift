import TauMesh

/// Runs the gossip of N nodes on a simulated clock and network, with the real decisions of
/// ``GossipPolicy``, ``Peer/merged(_:with:verifiedHead:firstHand:at:)`` and ``Peer``'s
/// liveness functions, and measures how fast membership, a rotation and a revocation spread
/// and what each node sends (`docs/gossip-simulator.md`).
///
/// The phases, one after the other on one mesh:
/// 1. membership: every node starts knowing one or two earlier nodes, until every table holds
///    min(N − 1, maximumPeers) rows;
/// 2. once the logs have caught up with the rows (a whole interval without pulls) and the rows
///    changed meanwhile have cooled down (the policy's hot window), a quiet window of
///    ``SimulationParameters/steadyRounds`` intervals for steady-state traffic;
/// 3. at the same time, a rotation of one random node (log version 1 to 2) and the revocation of
///    another (version 3, deactivated), each until every live node with that node in its table
///    holds the new version;
/// 4. with churn, a share of the nodes killed, and a rotation of a third node among the living.
///
/// The same parameters (seed included) give the same report.
public enum GossipSimulation {
    /// Runs the phases; `progress` is told when each one ends (for a command's log).
    public static func run(_ parameters: SimulationParameters, progress: (String) -> Void = { _ in }) throws -> SimulationReport {
        let mesh = try SimulatedMesh(parameters: parameters)
        let policy = parameters.policy
        let target = min(parameters.nodes - 1, policy.maximumPeers)
        mesh.start()

        let startCounters = Counters(mesh)
        let membership = watch(
            mesh, parameters, "membership", progress,
            measures: [{ mesh in
                let live = mesh.nodes.filter(\.alive)
                return (live.filter { $0.table.count >= target }.count, live.count, live.count)
            }])[0]
        let membershipTraffic = Counters(mesh).traffic(since: startCounters, in: mesh)
        progress("membership: \(describe(membership)), \(mesh.eventsHandled) events")

        // Logs trail rows: a row learned when the list's pull budget was spent gets its log
        // from a later list, and the row then changes (its head), so the mesh is quiet only
        // once an interval passes with fewer than one pull per 10 nodes.
        let settleStart = mesh.now
        var previous = Counters(mesh)
        while mesh.now - settleStart < Double(parameters.maximumRounds) * policy.interval {
            mesh.advance(to: mesh.now + policy.interval)
            let current = Counters(mesh)
            if current.traffic(since: previous, in: mesh).pullsMean < 0.1 { break }
            previous = current
        }
        let settling = (mesh.now - settleStart) / policy.interval
        progress("logs settled after \(settling) intervals")
        mesh.advance(to: mesh.now + policy.hotWindow)
        let quietStart = Counters(mesh)
        mesh.advance(to: mesh.now + Double(parameters.steadyRounds) * policy.interval)
        let steadyTraffic = Counters(mesh).traffic(since: quietStart, in: mesh)
        progress("steady window: \(Int(steadyTraffic.bytesMean)) bytes per node per interval")

        // A rotation of one node and the revocation of another, spreading at the same time.
        let subject = Int.random(in: 0..<mesh.count, using: &mesh.generator)
        var revoked = Int.random(in: 0..<(mesh.count - 1), using: &mesh.generator)
        if revoked >= subject { revoked += 1 }
        mesh.setOwnVersion(subject, 2, revoking: false)
        mesh.setOwnVersion(revoked, 3, revoking: true)
        let changes = watch(
            mesh, parameters, "rotation and revocation", progress,
            measures: [{ spread(of: subject, version: 2, in: $0) }, { spread(of: revoked, version: 3, in: $0) }])
        let (rotation, revocation) = (changes[0], changes[1])
        progress("rotation: \(describe(rotation))")
        progress("revocation: \(describe(revocation))")

        var churnRotation: SpreadResult?
        if parameters.churn > 0, mesh.count > 2 {
            mesh.advance(to: mesh.now + policy.interval)
            // Kill a random share of the other nodes, let the survivors notice for a few
            // rounds, then rotate a surviving node.
            var others = Array(0..<mesh.count).filter { $0 != subject && $0 != revoked }
            others.shuffle(using: &mesh.generator)
            let killed = min(Int((Double(mesh.count) * parameters.churn).rounded()), others.count - 1)
            for node in others.prefix(killed) { mesh.nodes[node].alive = false }
            mesh.advance(to: mesh.now + 3 * policy.interval)
            let second = others[killed]
            mesh.setOwnVersion(second, 2, revoking: false)
            let result = watch(mesh, parameters, "churn rotation", progress, measures: [{ spread(of: second, version: 2, in: $0) }])[0]
            churnRotation = result
            progress("churn rotation: \(describe(result))")
        }

        let live = mesh.nodes.filter(\.alive)
        return SimulationReport(
            parameters: parameters, membershipTarget: target, membership: membership, settling: settling, rotation: rotation,
            revocation: revocation,
            churnRotation: churnRotation, membershipTraffic: membershipTraffic, steadyTraffic: steadyTraffic,
            tableMean: Double(live.reduce(0) { $0 + $1.table.count }) / Double(max(1, live.count)),
            tableMax: live.map(\.table.count).max() ?? 0, events: mesh.eventsHandled)
    }

    /// Advances the mesh in tenths of an interval until every one of `measures` reports all the
    /// nodes in its scope reached, or the phase's limit; a measure returns (reached, in scope,
    /// live others), and its result is taken when it first reaches all, else at the end.
    /// `progress` hears how far the phase got every 10 intervals.
    private static func watch(
        _ mesh: SimulatedMesh, _ parameters: SimulationParameters, _ phase: String, _ progress: (String) -> Void,
        measures: [(SimulatedMesh) -> (Int, Int, Int)]
    ) -> [SpreadResult] {
        let interval = parameters.policy.interval
        let start = mesh.now
        let deadline = start + Double(parameters.maximumRounds) * interval
        var results: [SpreadResult?] = Array(repeating: nil, count: measures.count)
        var rounds99: [Double?] = Array(repeating: nil, count: measures.count)
        var time = start
        while true {
            let rounds = (mesh.now - start) / interval
            var report: [String] = []
            for (index, measure) in measures.enumerated() where results[index] == nil {
                let (reached, scope, population) = measure(mesh)
                if rounds99[index] == nil, Double(reached) >= 0.99 * Double(scope) { rounds99[index] = rounds }
                if reached >= scope || time >= deadline {
                    results[index] = SpreadResult(
                        rounds99: rounds99[index], roundsAll: reached >= scope ? rounds : nil,
                        reached: Double(reached) / Double(max(1, scope)), scope: Double(scope) / Double(max(1, population)),
                        phaseRounds: rounds)
                }
                report.append("\(reached) of \(scope)")
            }
            let finished = results.compactMap { $0 }
            if finished.count == measures.count { return finished }
            let step = Int(((time - start) / interval * 10).rounded())
            if step > 0, step % 100 == 0 { progress("\(phase): \(report.joined(separator: ", ")) after \(step / 10) intervals") }
            time += interval / 10
            mesh.advance(to: time)
        }
    }

    /// Among the live nodes other than `subject`: those holding `version` of its log, those
    /// with it in their table, and all of them.
    private static func spread(of subject: Int, version: Int, in mesh: SimulatedMesh) -> (Int, Int, Int) {
        var reached = 0
        var scope = 0
        var population = 0
        for node in 0..<mesh.count where node != subject && mesh.nodes[node].alive {
            population += 1
            guard mesh.hasRow(node, for: subject) else { continue }
            scope += 1
            if mesh.heldVersion(node, of: subject) >= version { reached += 1 }
        }
        return (reached, scope, population)
    }

    private static func describe(_ result: SpreadResult) -> String {
        let all = result.roundsAll.map { "\($0)" } ?? "not all (\(result.reached) after \(result.phaseRounds))"
        return "99% in \(result.rounds99.map { "\($0)" } ?? "-"), all in \(all) intervals"
    }
}

/// What every node had sent at one moment.
private struct Counters {
    let time: Double
    let bytes: [Int]
    let messages: [Int]
    let pulls: [Int]
    let entries: [Int]

    init(_ mesh: SimulatedMesh) {
        time = mesh.now
        bytes = mesh.nodes.map(\.bytesSent)
        messages = mesh.nodes.map(\.messagesSent)
        pulls = mesh.nodes.map(\.pullAttempts)
        entries = mesh.nodes.map(\.entriesSent)
    }

    /// Per node per interval since `earlier`, over the nodes alive now.
    func traffic(since earlier: Counters, in mesh: SimulatedMesh) -> TrafficResult {
        let rounds = max((time - earlier.time) / mesh.policy.interval, 1e-9)
        let live = (0..<mesh.count).filter { mesh.nodes[$0].alive }
        let byteRates = live.map { Double(bytes[$0] - earlier.bytes[$0]) / rounds }.sorted()
        let messageRates = live.map { Double(messages[$0] - earlier.messages[$0]) / rounds }
        let pullRates = live.map { Double(pulls[$0] - earlier.pulls[$0]) / rounds }
        let count = Double(max(1, live.count))
        let messagesSent = live.reduce(0) { $0 + messages[$1] - earlier.messages[$1] }
        let entriesSent = live.reduce(0) { $0 + entries[$1] - earlier.entries[$1] }
        return TrafficResult(
            rounds: rounds, bytesMean: byteRates.reduce(0, +) / count,
            bytesP99: byteRates.isEmpty ? 0 : byteRates[min(byteRates.count - 1, Int((Double(byteRates.count) * 0.99).rounded(.down)))],
            bytesMax: byteRates.last ?? 0, messagesMean: messageRates.reduce(0, +) / count, messagesMax: messageRates.max() ?? 0,
            pullsMean: pullRates.reduce(0, +) / count, entriesPerMessage: Double(entriesSent) / Double(max(1, messagesSent)))
    }
}
