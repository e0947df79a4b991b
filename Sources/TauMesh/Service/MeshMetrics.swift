import CoreMetrics

/// The mesh's counters and gauges, through swift-metrics: the node exports them on
/// `/metrics` in Prometheus text format; tests read them from a test factory.
public struct MeshMetrics: Sendable {
    let factory: any MetricsFactory
    let gossipRounds: CoreMetrics.Counter
    let peersAlive: Gauge
    let peersDead: Gauge
    let gossipBytesSent: CoreMetrics.Counter
    let gossipBytesReceived: CoreMetrics.Counter
    let peersEvicted: CoreMetrics.Counter

    /// The names and help texts of the mesh's metrics, for exporters that print help.
    public static let help: [String: String] = [
        "tau_mesh_gossip_rounds_total": "Gossip rounds started by this node",
        "tau_mesh_peers_alive": "Peers that answered their last contact",
        "tau_mesh_peers_dead": "Peers marked dead after repeated failures",
        "tau_mesh_messages_accepted_total": "Inbound mesh messages accepted",
        "tau_mesh_messages_rejected_total": "Inbound mesh messages refused",
        "tau_mesh_gossip_bytes_total": "Bytes of signed peer/gossip messages and their replies, sent and received",
        "tau_mesh_peers_evicted_total": "Rows dropped from a full peer table to make room for a peer that said hello",
    ]

    public init(factory: any MetricsFactory) {
        self.factory = factory
        gossipRounds = CoreMetrics.Counter(label: "tau_mesh_gossip_rounds_total", factory: factory)
        peersAlive = Gauge(label: "tau_mesh_peers_alive", factory: factory)
        peersDead = Gauge(label: "tau_mesh_peers_dead", factory: factory)
        gossipBytesSent = CoreMetrics.Counter(label: "tau_mesh_gossip_bytes_total", dimensions: [("direction", "sent")], factory: factory)
        gossipBytesReceived = CoreMetrics.Counter(
            label: "tau_mesh_gossip_bytes_total", dimensions: [("direction", "received")], factory: factory)
        peersEvicted = CoreMetrics.Counter(label: "tau_mesh_peers_evicted_total", factory: factory)
    }

    /// Metrics that go nowhere, for nodes nobody scrapes (CLI commands).
    public static var discarded: MeshMetrics { MeshMetrics(factory: NOOPMetricsHandler.instance) }

    /// Counts an inbound message accepted, by type.
    func accepted(type: String) {
        CoreMetrics.Counter(
            label: "tau_mesh_messages_accepted_total", dimensions: [("type", MeshMetrics.shortType(type))], factory: factory
        ).increment()
    }

    /// Counts an inbound message refused, by reason code (also for refusals made before
    /// the mesh sees the message, such as an oversize body).
    public func rejected(reason: String) {
        CoreMetrics.Counter(label: "tau_mesh_messages_rejected_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Counts the bytes of one gossip exchange as seen by this node (its message and the
    /// reply, whichever side it was on).
    func gossipBytes(sent: Int, received: Int) {
        gossipBytesSent.increment(by: sent)
        gossipBytesReceived.increment(by: received)
    }

    /// Counts rows dropped to make room in a full table (`Specs/mesh.md` section 6.2, step 2).
    func evicted(_ count: Int) {
        peersEvicted.increment(by: count)
    }

    func peers(alive: Int, dead: Int) {
        peersAlive.record(alive)
        peersDead.record(dead)
    }

    static func shortType(_ type: String) -> String {
        type.hasPrefix(MeshMessageType.base) ? String(type.dropFirst(MeshMessageType.base.count)) : "other"
    }
}
