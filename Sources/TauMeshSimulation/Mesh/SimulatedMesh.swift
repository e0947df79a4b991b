import Foundation
import TauCore
import TauIdentity
import TauMesh

/// One simulated node: its peer table (the rows `MeshNode` keeps in `mesh_peers`), the DIDs
/// in it (what ``GossipPolicy/admitted(_:from:own:known:)`` is given), and the state of the
/// round it is in. Counters add up what it sent.
final class SimulatedNode {
    var table: [Peer] = []
    var known: Set<DID> = []
    var alive = true
    /// Bootstrap hellos not answered yet: retried at the start of every round.
    var pendingHellos: [Int32] = []
    /// What is left of the current round, contacted one after the other.
    var contacts: [Contact] = []
    /// The round's view, built once per round (`Specs/mesh.md` section 7.3, step 4).
    var roundView = GossipList(peers: [])
    /// The news it relays (`Specs/mesh.md` section 6.5).
    var news = NewsBuffer()
    var roundViewBytes = 0
    var bytesSent = 0
    var messagesSent = 0
    /// Advertisements listed in the gossip messages sent.
    var entriesSent = 0
    var pullAttempts = 0
}

/// One contact of a round.
enum Contact {
    case hello(Int32)
    case gossip(Int32)
}

/// The simulated mesh: every node's table and held logs, the network, the event queue and the
/// simulated clock. Every gossip decision is taken by ``GossipPolicy``, ``Peer/merged(_:with:verifiedHead:firstHand:at:)``
/// and the liveness functions of ``Peer``, exactly as `MeshNode` takes them; this type only
/// moves messages and keeps time.
final class SimulatedMesh {
    let parameters: SimulationParameters
    let policy: GossipPolicy
    let identities: SimulatedIdentities
    let count: Int
    var nodes: [SimulatedNode]
    /// `rows[node * count + subject]`: the position of `subject`'s row in `node`'s table, or -1.
    var rows: [Int32]
    /// `held[node * count + subject]`: the version of `subject`'s log `node` holds, 0 for none
    /// (the resolver's held log; a pull from a node yields what that node holds).
    var held: [UInt8]
    /// The version of a node's log that deactivates it, once revoked.
    var revokedAt: [Int32: UInt8] = [:]
    /// `ownAdvertisements[node][version - 1]`, built once.
    let ownAdvertisements: [[PeerAdvertisement]]
    var queue = EventQueue<Event>()
    var generator: SplitMix64
    /// Simulated seconds since the start.
    private(set) var now: Double = 0
    var eventsHandled = 0
    /// The wall-clock date simulated time 0 stands for (only differences matter).
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    init(parameters: SimulationParameters) throws {
        try parameters.validate()
        self.parameters = parameters
        policy = parameters.policy
        count = parameters.nodes
        generator = SplitMix64(seed: parameters.seed)
        let identities = try SimulatedIdentities(count: count, using: &generator)
        self.identities = identities
        nodes = (0..<count).map { _ in SimulatedNode() }
        ownAdvertisements = (0..<count).map { node in
            (1...SimulatedIdentities.maximumVersion).map { identities.advertisement(of: node, version: $0) }
        }
        rows = Array(repeating: -1, count: count * count)
        held = Array(repeating: 0, count: count * count)
        for node in 0..<count { held[node * count + node] = 1 }
    }

    func date(_ time: Double) -> Date { Self.epoch.addingTimeInterval(time) }

    func heldVersion(_ node: Int, of subject: Int) -> Int { Int(held[node * count + subject]) }

    func hasRow(_ node: Int, for subject: Int) -> Bool { rows[node * count + subject] >= 0 }

    /// How `node` describes itself: its log head is the version of its own log it holds.
    func ownAdvertisement(_ node: Int) -> PeerAdvertisement {
        ownAdvertisements[node][heldVersion(node, of: node) - 1]
    }

    /// Makes `node`'s own log `version` long (a rotation or a revocation).
    func setOwnVersion(_ node: Int, _ version: Int, revoking: Bool) {
        held[node * count + node] = UInt8(version)
        if revoking { revokedAt[Int32(node)] = UInt8(version) }
    }

    /// Whether `node` knows `subject` is deactivated: it holds the deactivating version, so it
    /// refuses `subject`'s messages and replies (`Specs/mesh.md` section 8).
    func refuses(_ node: Int, from subject: Int) -> Bool {
        guard let version = revokedAt[Int32(subject)] else { return false }
        return held[node * count + subject] >= version
    }

    // MARK: Time

    /// Handles every event up to `time` and moves the clock there.
    func advance(to time: Double) {
        while let next = queue.nextTime, next <= time, let (at, event) = queue.pop() {
            now = at
            eventsHandled += 1
            handle(event)
        }
        now = max(now, time)
    }

    func latency() -> Double {
        parameters.latency.lowerBound == parameters.latency.upperBound
            ? parameters.latency.lowerBound : Double.random(in: parameters.latency, using: &generator)
    }

    func lost() -> Bool {
        parameters.loss > 0 && Double.random(in: 0..<1, using: &generator) < parameters.loss
    }

    // MARK: Tables

    /// Applies `change` to `node`'s row of `subject` (nil when it has none), like one
    /// `PeerChange`; a row set where there was none is appended.
    func update(_ node: Int, _ subject: Int, _ change: (inout Peer?) -> Void) {
        let position = Int(rows[node * count + subject])
        let table = nodes[node]
        var row: Peer? = position >= 0 ? table.table[position] : nil
        change(&row)
        guard let row else { return }
        if position >= 0 {
            table.table[position] = row
        } else {
            rows[node * count + subject] = Int32(table.table.count)
            table.table.append(row)
            table.known.insert(row.did)
        }
    }

    /// Drops the rows of `forgotten` from `node`'s table (peers dead for a week, or evicted).
    func remove(_ forgotten: [DID], from node: Int) {
        guard !forgotten.isEmpty else { return }
        let table = nodes[node]
        let gone = Set(forgotten)
        table.table.removeAll { gone.contains($0.did) }
        table.known.subtract(gone)
        for subject in 0..<count { rows[node * count + subject] = -1 }
        for (position, peer) in table.table.enumerated() {
            if let subject = identities.indexOfDID[peer.did] { rows[node * count + Int(subject)] = Int32(position) }
        }
    }

    /// Merges a received list at `node` as `MeshNode.learnAll` does: the
    /// ``GossipPolicy/evictions(for:table:known:)`` dropped, then the elements
    /// ``GossipPolicy/admitted(_:from:own:known:bootstrap:)`` admits, each pulled first when
    /// ``GossipPolicy/needsPull(advertised:held:)`` says so (from `relay`, then the first two
    /// advertised endpoints, within one ``LogPullBudget``), then merged with
    /// ``Peer/merged(_:with:verifiedHead:firstHand:at:)`` with the head now held; then the
    /// ``GossipPolicy/newsCandidates(in:from:own:known:admitted:)``, pulled the same way and
    /// recorded as news when the pull made the held log newer.
    /// Returns the time the pulls took (one round trip each, or the unreachable delay).
    func learn(_ list: GossipList, at node: Int, from sender: DID?, relay: String?, budget: LogPullBudget, bootstrap: Bool = false) -> Double {
        let clock = date(now)
        let state = nodes[node]
        let admitted = policy.admitted(list.peers, from: sender, own: identities.dids[node], known: state.known, bootstrap: bootstrap)
        let candidates = policy.newsCandidates(in: list, from: sender, own: identities.dids[node], known: state.known, admitted: admitted)
        remove(policy.evictions(for: admitted, table: state.table, known: state.known), from: node)
        var spent = 0.0
        for admission in admitted {
            let advertisement = admission.advertisement
            guard let index = identities.indexOfDID[advertisement.did] else { continue }
            let subject = Int(index)
            let version = pull(advertisement, of: subject, at: node, relay: relay, budget: budget, spent: &spent)
            let head = version > 0 ? identities.versionId(of: subject, version) : nil
            update(node, subject) { row in
                row = Peer.merged(row, with: advertisement, verifiedHead: head, firstHand: admission.firstHand, at: clock)
            }
            state.news.remove(advertisement.did)
        }
        for advertisement in candidates {
            guard let index = identities.indexOfDID[advertisement.did] else { continue }
            let subject = Int(index)
            let before = heldVersion(node, of: subject)
            let version = pull(advertisement, of: subject, at: node, relay: relay, budget: budget, spent: &spent)
            guard version > before else { continue }
            var relayed = advertisement
            relayed.logHead = identities.versionId(of: subject, version)
            state.news.record(relayed, at: clock)
        }
        return spent
    }

    /// Pulls `subject`'s log at `node` when `advertisement` names a newer head (section 6.3),
    /// and returns the version held afterwards.
    private func pull(
        _ advertisement: PeerAdvertisement, of subject: Int, at node: Int, relay: String?, budget: LogPullBudget, spent: inout Double
    ) -> Int {
        var version = heldVersion(node, of: subject)
        guard let wanted = advertisement.logHeadNumber, GossipPolicy.needsPull(advertised: wanted, held: version == 0 ? nil : version) else {
            return version
        }
        for endpoint in [relay].compactMap({ $0 }) + advertisement.endpoints.prefix(2) {
            guard budget.take() else { break }
            nodes[node].pullAttempts += 1
            guard let source = identities.indexOfEndpoint[endpoint], nodes[Int(source)].alive else {
                spent += parameters.unreachableDelay
                continue
            }
            spent += latency() + latency()
            // The source serves the log it holds; a longer one replaces the held one.
            version = max(version, heldVersion(Int(source), of: subject))
            if version >= wanted { break }
        }
        held[node * count + subject] = UInt8(version)
        return version
    }
}
