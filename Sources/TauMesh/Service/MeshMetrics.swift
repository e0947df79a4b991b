import Prometheus

/// The mesh's counters and gauges, exposed on `/metrics` in Prometheus text format.
public final class MeshMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let gossipRounds: Counter
    let peersAlive: Gauge
    let peersDead: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        gossipRounds = registry.makeCounter(name: "tau_mesh_gossip_rounds_total", help: "Gossip rounds started by this node")
        peersAlive = registry.makeGauge(name: "tau_mesh_peers_alive", help: "Peers that answered their last contact")
        peersDead = registry.makeGauge(name: "tau_mesh_peers_dead", help: "Peers marked dead after repeated failures")
    }

    /// Counts an inbound message accepted, by type.
    func accepted(type: String) {
        registry.makeCounter(
            name: "tau_mesh_messages_accepted_total", labels: [("type", MeshMetrics.shortType(type))],
            help: "Inbound mesh messages accepted"
        ).increment()
    }

    /// Counts an inbound message refused, by reason code (also for refusals made before
    /// the mesh sees the message, such as an oversize body).
    public func rejected(reason: String) {
        registry.makeCounter(
            name: "tau_mesh_messages_rejected_total", labels: [("reason", reason)], help: "Inbound mesh messages refused"
        ).increment()
    }

    func peers(alive: Int, dead: Int) {
        peersAlive.set(Double(alive))
        peersDead.set(Double(dead))
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func shortType(_ type: String) -> String {
        type.hasPrefix(MeshMessageType.base) ? String(type.dropFirst(MeshMessageType.base.count)) : "other"
    }
}
