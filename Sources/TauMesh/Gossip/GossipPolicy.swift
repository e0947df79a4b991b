import Foundation
import TauIdentity

/// The decisions of gossip (`Specs/mesh.md` sections 4.4, 6.2 and 7.3) as plain functions of
/// the peer table, with no I/O: which peers a round contacts, what a message advertises, which
/// advertised entries a node merges and how a merge changes a row.
///
/// ``MeshNode`` runs them against its store; the gossip simulator runs the very same code
/// against simulated tables, so what it shows about spreading holds for the node.
public struct GossipPolicy: Sendable, Equatable {
    /// Peers contacted per round.
    public var fanout: Int
    /// Time between rounds.
    public var interval: TimeInterval
    /// The most entries one message lists (the receiver refuses longer lists).
    public var maximumAdvertised: Int
    /// Entries a message lists beyond the recently changed ones: a random sample of the rest
    /// of the table, so that a view that tells nothing new stays small whatever the table's size.
    public var sampleSize: Int
    /// How long a row whose advertised content changed is listed in every message, in
    /// intervals: a change spreads like a rumor, then falls back to the random sample.
    public var hotIntervals: Double
    /// New peers one message may add.
    public var newPeersPerMessage: Int
    /// The largest table hearsay may grow.
    public var maximumPeers: Int
    /// How long a dead peer is kept before it is dropped.
    public var forgetDeadAfter: TimeInterval

    public init(
        fanout: Int = 3, interval: TimeInterval = 30, maximumAdvertised: Int = maximumGossipPeers, sampleSize: Int = 16,
        hotIntervals: Double = 8, newPeersPerMessage: Int = 16, maximumPeers: Int = 1_000,
        forgetDeadAfter: TimeInterval = Peer.forgetDeadAfter
    ) {
        self.fanout = fanout
        self.interval = interval
        self.maximumAdvertised = maximumAdvertised
        self.sampleSize = sampleSize
        self.hotIntervals = hotIntervals
        self.newPeersPerMessage = newPeersPerMessage
        self.maximumPeers = maximumPeers
        self.forgetDeadAfter = forgetDeadAfter
    }

    /// How long a changed row stays hot.
    public var hotWindow: TimeInterval { interval * hotIntervals }

    /// The peers dead for longer than ``forgetDeadAfter``: dropped before a round.
    public func forgotten(in table: [Peer], at now: Date) -> [DID] {
        table.filter { isForgotten($0, at: now) }.map(\.did)
    }

    @inlinable
    func isForgotten(_ peer: Peer, at now: Date) -> Bool {
        peer.state == .dead && now.timeIntervalSince(peer.lastSeen ?? peer.firstSeen) > forgetDeadAfter
    }

    /// The peers a round contacts: the due peers other than `own` and not forgotten, in a
    /// uniformly random order, the first ``fanout``.
    ///
    /// Inlinable, like ``view(own:table:at:using:)``, so that callers in other modules (the
    /// gossip simulator) get it specialized for their generator; it shuffles positions, which
    /// draws the same permutation as shuffling the rows.
    @inlinable
    public func targets(
        in table: [Peer], own: DID, at now: Date, using generator: inout some RandomNumberGenerator
    ) -> [Peer] {
        let due = table.indices.filter { table[$0].did != own && table[$0].isDue(at: now) && !isForgotten(table[$0], at: now) }
        return due.shuffled(using: &generator).prefix(fanout).map { table[$0] }
    }

    /// What a message lists (`Specs/mesh.md` section 4.4): `own` first; then the recent
    /// changes, newest first: the peers not dead whose advertised content changed within the
    /// ``hotWindow`` and the `news` verified within it (section 6.5); then a uniformly random
    /// sample of ``sampleSize`` of the other peers not dead; at most ``maximumAdvertised`` in all.
    @inlinable
    public func view(
        own: PeerAdvertisement, table: [Peer], news: [GossipNews] = [], at now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> GossipList {
        let limit = max(1, maximumAdvertised)
        let since = now.addingTimeInterval(-hotWindow)
        // Positions in `table`, in table order: sorting and shuffling move integers, not rows
        // (a view is built for every message; tables hold up to ~1,000 rows). Shuffling the
        // positions of the cold rows draws the same permutation as shuffling the rows.
        var hot: [Int] = []
        var cold: [Int] = []
        for index in table.indices where table[index].state != .dead && table[index].did != own.did {
            if table[index].changed >= since { hot.append(index) } else { cold.append(index) }
        }
        // Newest first; DID order among equal times keeps the cut deterministic.
        hot.sort { GossipPolicy.isNewer(table[$0], than: table[$1]) }
        var listed = [own]
        let fresh = news.filter { $0.received >= since && $0.advertisement.did != own.did }
        if fresh.isEmpty {
            listed += hot.prefix(limit - 1).map { table[$0].advertisement }
        } else {
            listed += GossipPolicy.merging(hot: hot, of: table, news: fresh, limit: limit - 1)
        }
        let recent = listed.count - 1
        let room = min(sampleSize, limit - listed.count)
        if room > 0 {
            listed += cold.shuffled(using: &generator).prefix(room).map { table[$0].advertisement }
        }
        return GossipList(peers: listed, recent: recent)
    }

    /// Hot rows (newest first) and news merged newest first, news of a DID that also has a
    /// hot row left out, at most `limit`.
    @usableFromInline
    static func merging(hot: [Int], of table: [Peer], news: [GossipNews], limit: Int) -> [PeerAdvertisement] {
        let hotDIDs = Set(hot.map { table[$0].did })
        let relayed = news.filter { !hotDIDs.contains($0.advertisement.did) }.sorted { $0.received > $1.received }
        var merged: [PeerAdvertisement] = []
        var (row, item) = (0, 0)
        while merged.count < limit, row < hot.count || item < relayed.count {
            if item < relayed.count, row == hot.count || relayed[item].received > table[hot[row]].changed {
                merged.append(relayed[item].advertisement)
                item += 1
            } else {
                merged.append(table[hot[row]].advertisement)
                row += 1
            }
        }
        return merged
    }

    /// The order of hot rows in a view: the later change first, then DID order (`DID.<`).
    /// DIDs are ASCII (DID Core syntax), so with equal methods their order is that of the
    /// method-specific ids, compared without building the DID strings.
    @usableFromInline
    static func isNewer(_ first: Peer, than second: Peer) -> Bool {
        let (firstChanged, secondChanged) = (first.changed, second.changed)
        guard firstChanged == secondChanged else { return firstChanged > secondChanged }
        guard first.did.method == second.did.method else { return first.did < second.did }
        return first.did.methodSpecificID < second.did.methodSpecificID
    }

    /// One element of a received list that is to be merged.
    public struct Admission: Sendable, Equatable {
        public var advertisement: PeerAdvertisement
        /// The element describes the message's sender.
        public var firstHand: Bool
    }

    /// The elements of a list from `sender` that are merged (`Specs/mesh.md` sections 4.4
    /// and 6.2, steps 1–2): never `own`; elements of known peers always; the sender's own
    /// elements while the table (with the rows planned so far) is below ``maximumPeers``, or
    /// always when the list is a `bootstrap` (a hello); at most ``newPeersPerMessage`` unknown
    /// hearsay elements counted in list order, and those only while the table is below
    /// ``maximumPeers``.
    public func admitted(
        _ advertised: [PeerAdvertisement], from sender: DID?, own: DID, known: Set<DID>, bootstrap: Bool = false
    ) -> [Admission] {
        // The rows this list plans to add, apart from `known`: inserting into a copy of
        // `known` would copy the whole table's set for every list with a new peer.
        var planned: Set<DID> = []
        var added = 0
        var admitted: [Admission] = []
        for advertisement in advertised where advertisement.did != own {
            let firstHand = advertisement.did == sender
            if !known.contains(advertisement.did), !planned.contains(advertisement.did) {
                if !firstHand {
                    guard added < newPeersPerMessage else { continue }
                    added += 1
                }
                // A full table takes a new peer only from a hello (the way into the mesh):
                // first-hand gossip from strangers would grow it without end in a mesh larger
                // than the table, and every new row would be news for a hot window.
                guard known.count + planned.count < maximumPeers || (firstHand && bootstrap) else { continue }
                planned.insert(advertisement.did)
            }
            admitted.append(Admission(advertisement: advertisement, firstHand: firstHand))
        }
        return admitted
    }

    /// The rows that make room for the new peers of `admitted` (`Specs/mesh.md` section 6.2,
    /// step 2): none while the table stays within ``maximumPeers``; past it, one row per new
    /// peer, at most as many as it takes to get back to the limit, so a table already over it
    /// (rows from `peer add`, or from an older version) is not emptied at once. Dead rows go
    /// first, then suspect, then alive ones, each the least recently seen first (`last_seen`,
    /// or `first_seen` when never seen), then in DID order; never a peer the list admits.
    ///
    /// Only a hello can take a full table past the limit (``admitted(_:from:own:known:bootstrap:)``),
    /// so this is what bounds the rows that hellos add.
    public func evictions(for admitted: [Admission], table: [Peer], known: Set<DID>) -> [DID] {
        // Every gossip list comes here: most leave the table below the limit whatever they add.
        guard known.count + admitted.count > maximumPeers else { return [] }
        let incoming = Set(admitted.map(\.advertisement.did))
        let newPeers = incoming.subtracting(known).count
        let excess = min(newPeers, known.count + newPeers - maximumPeers)
        guard excess > 0 else { return [] }
        var candidates = table.filter { !incoming.contains($0.did) }
        var victims: [DID] = []
        // Usually one victim (a hello adds one peer): a pass for each beats sorting the table.
        for _ in 0..<min(excess, candidates.count) {
            guard let index = candidates.indices.min(by: { Self.evictsBefore(candidates[$0], candidates[$1]) }) else { break }
            victims.append(candidates.remove(at: index).did)
        }
        return victims
    }

    /// Whether `row` is evicted before `other`: worse state, then seen longer ago, then DID.
    static func evictsBefore(_ row: Peer, _ other: Peer) -> Bool {
        func rank(_ state: Peer.State) -> Int {
            switch state {
            case .dead: 0
            case .suspect: 1
            case .alive: 2
            }
        }
        if rank(row.state) != rank(other.state) { return rank(row.state) < rank(other.state) }
        let seen = row.lastSeen ?? row.firstSeen
        let otherSeen = other.lastSeen ?? other.firstSeen
        if seen != otherSeen { return seen < otherSeen }
        return row.did.description < other.did.description
    }

    /// The recent elements of `list` this node may relay as news (`Specs/mesh.md` section 6.5):
    /// marked recent by the sender, with a log head past the genesis entry (a rotation or a
    /// deactivation: a new node spreads as a row, not as news), neither `own` nor the sender,
    /// with no row here (`known`) and not given one by this list (`admitted`); one per DID.
    public func newsCandidates(
        in list: GossipList, from sender: DID?, own: DID, known: Set<DID>, admitted: [Admission]
    ) -> [PeerAdvertisement] {
        guard list.recent > 0 else { return [] }
        var seen = Set(admitted.map(\.advertisement.did))
        var candidates: [PeerAdvertisement] = []
        for advertisement in list.recentPeers where (advertisement.logHeadNumber ?? 0) > 1 {
            let did = advertisement.did
            guard did != own, did != sender, !known.contains(did), seen.insert(did).inserted else { continue }
            candidates.append(advertisement)
        }
        return candidates
    }

    /// Whether an advertised head calls for a pull: its number is above the held one's.
    public static func needsPull(advertised: Int?, held: Int?) -> Bool {
        guard let advertised else { return false }
        return advertised > (held ?? 0)
    }
}

extension Peer {
    /// When what this node advertises about the peer last changed (its first sighting if never).
    public var changed: Date { changedAt ?? firstSeen }

    /// The advertisement this node lists for the peer.
    public var advertisement: PeerAdvertisement {
        PeerAdvertisement(did: did, endpoints: [endpoint], logHead: logHead, capabilities: capabilities, nodeVersion: nodeVersion)
    }

    /// The row after merging `advertisement` (`Specs/mesh.md` section 6.2, steps 2–7):
    /// `stored` (nil for a new row) with the endpoint moved when the peer says so itself or
    /// the stored one is dead, capabilities and version as advertised, and the log head set to
    /// `verifiedHead`, the head this node holds (never the advertised one). A change of what is
    /// advertised about the peer sets ``changedAt``; liveness is left as it was.
    public static func merged(
        _ stored: Peer?, with advertisement: PeerAdvertisement, verifiedHead: String?, firstHand: Bool, at now: Date
    ) -> Peer {
        var peer = stored ?? Peer(did: advertisement.did, endpoint: advertisement.endpoints[0], firstSeen: now, changedAt: now)
        let before = peer.advertisement
        if peer.endpoint != advertisement.endpoints[0], firstHand || peer.state == .dead {
            peer.endpoint = advertisement.endpoints[0]
            peer.nextAttempt = now
        }
        if !advertisement.capabilities.isEmpty { peer.capabilities = advertisement.capabilities }
        peer.nodeVersion = advertisement.nodeVersion ?? peer.nodeVersion
        if let verifiedHead { peer.logHead = verifiedHead }
        if stored != nil, peer.advertisement != before { peer.changedAt = now }
        return peer
    }
}
