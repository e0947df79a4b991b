import Foundation
import TauCore
import TauIdentity

/// A change this node verified for a peer it keeps no row for, relayed in its views for one
/// hot window (`Specs/mesh.md` section 6.5).
public struct GossipNews: Sendable, Equatable {
    /// What is relayed: the endpoints as advertised, the log head this node now holds.
    public var advertisement: PeerAdvertisement
    /// When this node verified the change.
    public var received: Date

    public init(advertisement: PeerAdvertisement, received: Date) {
        self.advertisement = advertisement
        self.received = received
    }
}

/// The news a node relays (`Specs/mesh.md` section 6.5): at most ``capacity`` items, one per
/// DID, the oldest dropped first. Items older than the hot window stay until pushed out (views
/// leave them out), so the buffer needs no clock. In memory only: news is relayed for one hot window, so a
/// restart loses at most what the rest of the mesh still carries.
public struct NewsBuffer: Sendable, Equatable {
    /// Oldest first.
    public private(set) var items: [GossipNews] = []
    public let capacity: Int

    public init(capacity: Int = maximumGossipPeers) {
        self.capacity = max(0, capacity)
    }

    /// Records `advertisement` as news verified at `now`, replacing earlier news of its DID.
    public mutating func record(_ advertisement: PeerAdvertisement, at now: Date) {
        guard capacity > 0 else { return }
        items.removeAll { $0.advertisement.did == advertisement.did }
        items.append(GossipNews(advertisement: advertisement, received: now))
        if items.count > capacity { items.removeFirst(items.count - capacity) }
    }

    /// Drops the news of `did` (the node now keeps a row for it, which carries the change).
    public mutating func remove(_ did: DID) {
        guard !items.isEmpty else { return }
        items.removeAll { $0.advertisement.did == did }
    }

}

/// A `peer/gossip` list as sent and read (`Specs/mesh.md` section 4.4): the advertisements,
/// and how many of those after the first are the sender's recent changes.
public struct GossipList: Sendable, Equatable {
    public var peers: [PeerAdvertisement]
    /// `peers[1...recent]` are the rows the sender changed within its hot window and the news
    /// it relays; the rest (after its own element) is a random sample.
    public var recent: Int

    public init(peers: [PeerAdvertisement], recent: Int = 0) {
        self.peers = peers
        self.recent = max(0, min(recent, peers.count - 1))
    }

    /// The elements the sender lists as recent changes.
    public var recentPeers: ArraySlice<PeerAdvertisement> { peers.dropFirst().prefix(recent) }

    /// The body: `{"peers": [...], "recent": k}`, `recent` left out when 0.
    public var body: JSONValue {
        let listed = peers.prefix(maximumGossipPeers)
        var members: [String: JSONValue] = ["peers": .array(listed.map(\.json))]
        let recent = min(recent, max(0, listed.count - 1))
        if recent > 0 { members["recent"] = .number(Double(recent)) }
        return .object(members)
    }

    /// Reads a gossip body. Elements that are not valid advertisements are skipped; `recent`
    /// then counts the valid ones among the elements the sender marked, and is 0 when the
    /// first element is not valid (nothing tells which element was the sender's own).
    public init(body: JSONValue) throws(MeshError) {
        guard let list = body["peers"]?.arrayValue, list.count <= maximumGossipPeers else {
            throw MeshError("body_invalid", "peer/gossip lists at most \(maximumGossipPeers) peers")
        }
        var marked = 0
        if let value = body["recent"] {
            guard let number = value.intValue, number >= 0, number < max(1, list.count) else {
                throw MeshError("body_invalid", "recent must be an integer from 0 to the number of peers minus one")
            }
            marked = number
        }
        var peers: [PeerAdvertisement] = []
        var recent = 0
        var firstValid = false
        for (position, element) in list.enumerated() {
            guard let advertisement = try? PeerAdvertisement(json: element) else { continue }
            if position == 0 { firstValid = true }
            if position >= 1, position <= marked, firstValid { recent += 1 }
            peers.append(advertisement)
        }
        self.init(peers: peers, recent: recent)
    }
}
