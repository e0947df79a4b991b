import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauCrypto
import TauEnvelope
import TauMesh

extension MeshRoutes {
    /// `application/didcomm-signed+json` or `application/json`, parameters allowed.
    static func isSignedMessageType(_ header: String?) -> Bool {
        guard let header else { return false }
        let type = header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == SignedMessage.mediaType || type == "application/json"
    }
}

/// Mesh routes:
/// - `POST /mesh/v1/inbox`: one signed message in, one signed reply out;
/// - `GET /mesh/v1/peers`: the peer table (operator token required);
/// - `GET /metrics`: Prometheus text (mesh and model gateway); the operator token when
///   `[metrics] auth = "operator"`.
struct MeshRoutes {
    let dependencies: GatewayDependencies

    func register(on router: Router<GatewayRequestContext>) {
        router.post("mesh/v1/inbox") { request, context -> Response in
            guard let mesh = dependencies.mesh else {
                throw GatewayError(status: .serviceUnavailable, code: "mesh_unavailable", message: "this node runs without its keys; the mesh is off")
            }
            // Only the media types of signed messages: a web page can POST text/plain or a
            // form without asking (no CORS preflight), never these.
            guard MeshRoutes.isSignedMessageType(request.headers[.contentType]) else {
                mesh.metrics.rejected(reason: "content_type_unsupported")
                throw GatewayError(
                    status: .unsupportedMediaType, code: "content_type_unsupported",
                    message: "the inbox takes \(SignedMessage.mediaType) (or application/json)")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: SignedMessage.maximumBytes)
            } catch {
                mesh.metrics.rejected(reason: "envelope_too_large")
                throw GatewayError(status: .contentTooLarge, code: "envelope_too_large", message: "a signed message may have at most \(SignedMessage.maximumBytes) bytes")
            }
            do {
                let reply = try await mesh.receive(Array(buffer: body), from: context.clientAddress)
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
        router.get("metrics") { request, _ -> Response in
            if dependencies.metricsRequireOperator { try dependencies.authorizeOperator(request) }
            if let models = dependencies.models, let metrics = models.metrics {
                metrics.breakers(await models.service.router.breakerStatuses())
            }
            return .text(dependencies.metrics.exposition(), contentType: "text/plain; version=0.0.4")
        }
    }
}
