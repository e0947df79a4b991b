import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauCrypto
import TauEnvelope
import TauMesh

/// Mesh routes:
/// - `POST /mesh/v1/inbox`: one signed message in, one signed reply out;
/// - `GET /mesh/v1/peers`: the peer table (operator token required);
/// - `GET /metrics`: Prometheus text (mesh and model gateway).
struct MeshRoutes {
    let dependencies: GatewayDependencies

    func register(on router: Router<BasicRequestContext>) {
        router.post("mesh/v1/inbox") { request, _ -> Response in
            guard let mesh = dependencies.mesh else {
                throw GatewayError(status: .serviceUnavailable, code: "mesh_unavailable", message: "this node runs without its keys; the mesh is off")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: SignedMessage.maximumBytes)
            } catch {
                mesh.metrics.rejected(reason: "envelope_too_large")
                throw GatewayError(status: .contentTooLarge, code: "envelope_too_large", message: "a signed message may have at most \(SignedMessage.maximumBytes) bytes")
            }
            do {
                let reply = try await mesh.receive(Array(buffer: body))
                return Response(
                    status: .ok, headers: [.contentType: SignedMessage.mediaType],
                    body: .init(byteBuffer: ByteBuffer(bytes: reply.bytes)))
            } catch let error as any TauError {
                throw GatewayError(error)
            }
        }
        router.get("mesh/v1/peers") { request, _ -> Response in
            try dependencies.authorizeOperator(request)
            let peers = try await dependencies.peers.all()
            return .json(["peers": .array(peers.map(\.json))])
        }
        router.get("metrics") { _, _ -> Response in
            if let models = dependencies.models, let metrics = models.metrics {
                metrics.breakers(await models.service.router.breakerStatuses())
            }
            return .text(dependencies.metrics.exposition(), contentType: "text/plain; version=0.0.4")
        }
    }
}
