import Foundation
import Hummingbird
import TauCore
import TauIdentity

/// DID routes:
/// - `GET /.well-known/did.json`: this node's current DID document;
/// - `GET /.well-known/did-log.jsonl`: this node's did:tau log;
/// - `GET /mesh/v1/dids/{did}/log`: any did:tau log this node holds;
/// - `GET /1.0/identifiers/{did}`: DID resolution (Universal Resolver HTTP binding).
struct IdentityRoutes {
    static let logContentType = "application/jsonl"
    let dependencies: GatewayDependencies

    func register(on router: Router<GatewayRequestContext>) {
        router.get(".well-known/did.json") { _, _ -> Response in
            let log = try await localLog()
            // A revoked identity still shows its last document, with 410 so clients notice.
            return .json(log.head.document.json, status: log.isDeactivated ? .gone : .ok, contentType: "application/did+json")
        }
        router.get(".well-known/did-log.jsonl") { _, _ -> Response in
            .text(try await localLog().log.jsonLines, contentType: IdentityRoutes.logContentType)
        }
        router.get("mesh/v1/dids/:did/log") { _, context -> Response in
            let did = try parseDID(context.parameters.get("did") ?? "")
            // The stored bytes as they are: verified when stored, never parsed again to serve.
            guard let stored = try await dependencies.logs.storedJSONLines(for: did) else {
                throw GatewayError(status: .notFound, code: "did_not_found", message: "this node holds no log for \(did)")
            }
            return .text(stored, contentType: IdentityRoutes.logContentType)
        }
        router.get("1.0/identifiers/:did") { request, context -> Response in
            var didURL = IdentityRoutes.pathDID(context.parameters.get("did") ?? "")
            if let query = request.uri.query, !query.isEmpty, !didURL.contains("?") { didURL += "?" + query }
            let result = await dependencies.resolver.resolve(didURL)
            let query = (try? DIDURL(didURL))?.query.map(\.0) ?? []
            let isHistorical = query.contains("versionId") || query.contains("versionTime")
            return .json(
                result.json, status: IdentityRoutes.status(for: result, historical: isHistorical),
                contentType: "application/did-resolution+json")
        }
    }

    private func localLog() async throws -> VerifiedDIDTauLog {
        guard let did = try await dependencies.localDID() else {
            throw GatewayError(status: .notFound, code: "identity_missing", message: "this node has no identity yet (run tau-node init)")
        }
        do {
            return try await dependencies.resolver.verifiedLog(for: did)
        } catch let error as IdentityError {
            throw GatewayError(error)
        }
    }

    private func parseDID(_ text: String) throws -> DID {
        do {
            return try DID(IdentityRoutes.pathDID(text))
        } catch {
            throw GatewayError(error)
        }
    }

    /// A DID taken from a path segment. DIDs are sent as they are (a did:web port stays
    /// `%3A`); only a DID whose own colons were percent-encoded is decoded.
    static func pathDID(_ segment: String) -> String {
        segment.hasPrefix("did:") ? segment : (segment.removingPercentEncoding ?? segment)
    }

    /// Statuses of the Universal Resolver binding: 410 marks a deactivated DID's
    /// current document; a historical version of it is an ordinary 200.
    static func status(for result: DIDResolutionResult, historical: Bool) -> HTTPResponse.Status {
        switch result.error {
        case nil: return result.documentMetadata.deactivated && !historical ? .gone : .ok
        case "invalidDid": return .badRequest
        case "notFound": return .notFound
        case "methodNotSupported": return .notImplemented
        case "invalidDidDocument": return .unprocessableContent
        default: return result.failure?.category == .unavailable ? .badGateway : .internalServerError
        }
    }
}
