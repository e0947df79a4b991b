import Foundation
import ServiceLifecycle
import Synchronization
import TauCore
import TauMesh
import TauProviders

/// Where the model routes meet the mesh (`Specs/mesh.md` section 16): which models live peers
/// serve, refreshed from the peer table, and the desk that pays for a call. The routes are
/// built before the mesh node exists, so the link is filled in once it does.
final class MeshModelLink: Sendable {
    private struct State {
        var desk: DelegationDesk?
        var offered: Set<String> = []
    }

    private let state = Mutex(State())
    /// The capability prefix of a served model: `model:<name>`.
    static let capabilityPrefix = "model:"

    func attach(_ desk: DelegationDesk) {
        state.withLock { $0.desk = desk }
    }

    var desk: DelegationDesk? { state.withLock { $0.desk } }

    /// Reads the peer table again: the models that peers not known to be dead advertise.
    func refresh() async {
        guard let desk else { return }
        guard let peers = try? await desk.node.peers(offering: nil) else { return }
        let offered = Set(peers.flatMap(\.capabilities).filter { $0.hasPrefix(Self.capabilityPrefix) }.map { String($0.dropFirst(Self.capabilityPrefix.count)) })
        state.withLock { $0.offered = offered }
    }

    /// The mesh route of `name`, when some peer serves it: tried after every local route.
    func route(for name: String) -> Route? {
        let offered = state.withLock { $0.desk != nil && $0.offered.contains(name) }
        guard offered else { return nil }
        return Route(name: "mesh:\(name)", modelID: name, client: MeshModelClient(link: self, model: name), isRemote: true)
    }
}

/// Keeps the link's view of served models fresh (every replica runs one).
struct MeshModelDirectoryService: Service {
    let link: MeshModelLink
    let clock: NodeClock
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await link.refresh()
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
