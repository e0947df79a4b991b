import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TauCore
import TauGateway
import TauIdentity

/// `tau-node serve`: the node's HTTP surface run in a ServiceGroup that drains on
/// SIGTERM / SIGINT and returns normally, so the process exits 0.
public struct NodeServer: Sendable {
    public let context: NodeContext
    public let host: String
    public let port: Int
    let logger: Logger

    public init(context: NodeContext, host: String? = nil, port: Int? = nil, logger: Logger) {
        self.context = context
        self.host = host ?? context.configuration.host
        self.port = port ?? context.configuration.port
        self.logger = logger
    }

    /// Runs until a shutdown signal. `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let logs = context.logs
        let dependencies = GatewayDependencies(
            localDID: { try await logs.localDID() }, logs: logs, resolver: context.resolver, version: tauNodeVersion)
        let application = Gateway.application(dependencies, host: host, port: port, logger: logger, onListening: onListening)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw NodeError("address_in_use", "\(host):\(port) is already in use (is another node running?)", category: .unavailable)
        } catch let error as IOError {
            throw NodeError("listen_failed", "cannot listen on \(host):\(port): \(error)", category: .unavailable)
        } catch let error as SocketAddressError {
            throw NodeError("listen_failed", "cannot listen on \(host):\(port): \(error)", category: .unavailable)
        }
    }
}
