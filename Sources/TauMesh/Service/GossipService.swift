import Foundation
import Logging
import ServiceLifecycle
import TauCore

/// Runs the mesh in the background: hello to the bootstrap peers, then a gossip round
/// every interval, until graceful shutdown.
///
/// With `timers` (the node's store), a round is a timer `mesh/gossip` that any replica of
/// the node may claim: replicas sharing one database gossip once per interval between them,
/// not once each, and a replica that dies leaves the rounds to the others.
public struct GossipService: Service {
    /// The name of the gossip timer.
    public static let timerName = "mesh/gossip"

    let node: MeshNode
    let bootstrap: [String]
    let interval: Duration
    let clock: NodeClock
    let timers: (any TimerQueue)?
    let claimer: String
    let logger: Logger

    /// - Parameters:
    ///   - timers: where the round's timer is claimed; nil gossips every interval regardless.
    ///   - claimer: this process's name in timer claims.
    public init(
        node: MeshNode, bootstrap: [String], interval: Duration, clock: NodeClock = .system, timers: (any TimerQueue)? = nil,
        claimer: String = UUID().uuidString, logger: Logger = Logger(label: "tau.mesh.gossip")
    ) {
        self.node = node
        self.bootstrap = bootstrap
        self.interval = interval
        self.clock = clock
        self.timers = timers
        self.claimer = claimer
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
            if await claimRound() {
                await node.gossipRound()
                await finishRound()
            }
            // A shutdown signal ends the wait at once, not after the interval.
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// Whether this process runs the round now: always without timers; with them, when it
    /// claims the round's timer (creating it, due now, if no replica has yet).
    func claimRound() async -> Bool {
        guard let timers else { return true }
        let now = clock.now()
        do {
            try await timers.schedule(Self.timerName, at: now, payload: nil, replacing: false)
            // A replica that dies mid-round holds the timer for at most the lease.
            let lease = max(interval.timeInterval * 3, 10)
            return try await timers.claim(Self.timerName, now: now, lease: lease, claimer: claimer) != nil
        } catch {
            logger.warning("cannot claim the gossip round; skipping it", metadata: ["reason": "\(error)"])
            return false
        }
    }

    private func finishRound() async {
        guard let timers else { return }
        let next = clock.now().addingTimeInterval(interval.timeInterval)
        do {
            try await timers.complete(Self.timerName, claimer: claimer, next: next)
        } catch {
            logger.warning("cannot reschedule the gossip round", metadata: ["reason": "\(error)"])
        }
    }
}
