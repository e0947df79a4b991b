import Logging
import ServiceLifecycle
import TauCore

/// Runs the mesh in the background: hello to the bootstrap peers, then a gossip round
/// every interval, until graceful shutdown.
public struct GossipService: Service {
    let node: MeshNode
    let bootstrap: [String]
    let interval: Duration
    let clock: NodeClock
    let logger: Logger

    public init(
        node: MeshNode, bootstrap: [String], interval: Duration, clock: NodeClock = .system,
        logger: Logger = Logger(label: "tau.mesh.gossip")
    ) {
        self.node = node
        self.bootstrap = bootstrap
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        // Wait for the server to listen; if it never does (port taken), the group cancels us.
        while await !node.isListening {
            do { try await clock.sleep(for: .milliseconds(20)) } catch { return }
        }
        var pending = bootstrap
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            // Bootstrap peers that could not be reached yet are retried every round.
            var unreached: [String] = []
            for endpoint in pending {
                do {
                    let peer = try await node.hello(endpoint: endpoint)
                    logger.info("connected to bootstrap peer", metadata: ["endpoint": "\(endpoint)", "did": "\(peer.did)"])
                } catch {
                    logger.debug("bootstrap peer not reached", metadata: ["endpoint": "\(endpoint)", "reason": "\(error)"])
                    unreached.append(endpoint)
                }
            }
            pending = unreached
            await node.gossipRound()
            // A shutdown signal ends the wait at once, not after the interval.
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
