import Hummingbird
import TauCore

/// `GET /healthz`: liveness plus the node's DID and version.
struct HealthRoutes {
    let dependencies: GatewayDependencies

    func register(on router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ -> Response in
            let did = try? await dependencies.localDID()
            return .json([
                "status": "ok",
                "did": did.map { .string($0.description) } ?? .null,
                "version": .string(dependencies.version),
            ])
        }
    }
}
