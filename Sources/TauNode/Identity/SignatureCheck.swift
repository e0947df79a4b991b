import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// Verifies a detached Ed25519 signature against a DID's authentication or
/// assertion keys, at the current version or at a chosen one.
public struct SignatureCheck: Sendable {
    /// A successful verification.
    public struct Outcome: Sendable, Equatable {
        public let did: DID
        public let keyID: String
        public let versionId: String?
        /// Set when the DID has been deactivated since (only possible for historical checks).
        public let deactivated: Bool
    }

    let resolver: DIDResolver

    public init(resolver: DIDResolver) {
        self.resolver = resolver
    }

    /// Verifies `signature` over `message` by `did` at `query`.
    /// - Throws: ``NodeError`` `signature_invalid`, `signature_key_not_current` (valid
    ///   under an older version only; the message names it), `did_deactivated`, or the
    ///   resolution failure.
    public func verify(
        _ signature: [UInt8], of message: [UInt8], by did: DID, at query: DIDVersionQuery = .latest
    ) async throws -> Outcome {
        let result = await resolver.resolve(did, query: query)
        guard let document = result.document else {
            throw NodeError(
                result.reason ?? "resolution_failed", result.resolutionMetadata["errorMessage"]?.stringValue ?? "cannot resolve \(did)",
                category: SignatureCheck.category(of: result))
        }
        // After deactivation nothing is accepted as current, nor against the deactivating
        // version itself (a time after the revocation selects that version).
        if result.documentMetadata.deactivated, query == .latest || result.documentMetadata.nextVersionId == nil {
            throw NodeError("did_deactivated", "\(did) is deactivated: nothing it signs is accepted", category: .unauthorized)
        }
        if let keyID = Self.signingKey(in: document, verifies: signature, of: message) {
            return Outcome(
                did: did, keyID: keyID, versionId: result.documentMetadata.versionId,
                deactivated: result.documentMetadata.deactivated)
        }
        // Say why, when the signature is good under an older version of a did:tau.
        if query == .latest, did.method == "tau", let log = try? await resolver.verifiedLog(for: did) {
            for version in log.versions.reversed() where Self.signingKey(in: version.document, verifies: signature, of: message) != nil {
                throw NodeError(
                    "signature_key_not_current",
                    "the signature was made with a key of version \(version.versionId) that has been rotated out; verify with --version-id \(version.number) to check it as a historical signature",
                    category: .unauthorized)
            }
        }
        throw NodeError("signature_invalid", "the signature does not verify against \(did)", category: .unauthorized)
    }

    /// The failure category of a DID Resolution error, shared by every edge that reports one.
    public static func category(of result: DIDResolutionResult) -> ErrorCategory {
        switch result.error {
        case "notFound", "methodNotSupported": return .notFound
        case "internalError": return result.failure?.category == .unavailable ? .unavailable : .internal
        default: return .invalidInput
        }
    }

    static func signingKey(in document: DIDDocument, verifies signature: [UInt8], of message: [UInt8]) -> String? {
        // Only keys of this DID count, whatever else the document embeds.
        for method in document.authentication + document.assertionMethod where method.id.hasPrefix("\(document.id)#") {
            if let key = try? method.ed25519PublicKey(), key.isValidSignature(signature, for: message) { return method.id }
        }
        return nil
    }
}
