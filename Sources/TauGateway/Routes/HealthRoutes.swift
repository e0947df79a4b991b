import Hummingbird
import TauCore

/// `GET /healthz`: the node's DID and version, and whether its store answers — a load
/// balancer takes a replica whose database is out of reach (503) out of rotation.
struct HealthRoutes {
    let dependencies: GatewayDependencies

    func register(on router: Router<GatewayRequestContext>) {
        router.get("healthz") { _, _ -> Response in
            do {
                try await dependencies.checkHealth()
            } catch let error as any TauError {
                return .json(
                    [
                        "status": "unavailable", "version": .string(dependencies.version),
                        "error": ["code": .string(error.code), "message": .string(error.message)],
                    ], status: .serviceUnavailable)
            }
            let did = try? await dependencies.localDID()
            return .json([
                "status": "ok",
                "did": did.map { .string($0.description) } ?? .null,
                "version": .string(dependencies.version),
            ])
        }
    }
}
