import TauCore
import TauCrypto

/// The `did:key` method for Ed25519 keys (W3C CCG did:key, Multikey form).
public enum DIDKey {
    /// The did:key of an Ed25519 public key: `did:key:z6Mk…`.
    public static func did(for key: Ed25519.PublicKey) -> DID {
        // The base58btc alphabet is a subset of the DID id characters.
        DID(validatedMethod: "key", methodSpecificID: key.multibase)
    }

    /// Expands a did:key into its DID document: the Ed25519 key for authentication,
    /// assertion and capabilities, and its X25519 counterpart for key agreement.
    /// - Throws: ``IdentityError`` `malformed_did` or `method_not_supported` (non-Ed25519 keys).
    public static func document(for did: DID) throws(IdentityError) -> DIDDocument {
        guard did.method == "key" else { throw IdentityError("method_not_supported", "\(did) is not a did:key") }
        let identifier = did.methodSpecificID
        guard identifier.hasPrefix("z6Mk") else {
            if identifier.hasPrefix("z") {
                throw IdentityError("method_not_supported", "only Ed25519 did:key identifiers (z6Mk…) are supported")
            }
            throw IdentityError("malformed_did", "did:key identifiers are base58btc multibase ('z…')")
        }
        let key: Ed25519.PublicKey
        let agreement: X25519.PublicKey
        do throws(CryptoError) {
            key = try Ed25519.PublicKey(multibase: identifier)
            agreement = try key.x25519PublicKey()
        } catch {
            throw IdentityError("malformed_did", "\(did) does not hold a valid Ed25519 key: \(error.message)")
        }
        let signingID = "\(did)#\(identifier)"
        let agreementID = "\(did)#\(agreement.multibase)"
        let json: JSONValue = [
            "@context": DIDDocument.defaultContext,
            "id": .string(did.description),
            "verificationMethod": [
                ["id": .string(signingID), "type": "Multikey", "controller": .string(did.description), "publicKeyMultibase": .string(identifier)],
                ["id": .string(agreementID), "type": "Multikey", "controller": .string(did.description), "publicKeyMultibase": .string(agreement.multibase)],
            ],
            "authentication": [.string(signingID)],
            "assertionMethod": [.string(signingID)],
            "capabilityInvocation": [.string(signingID)],
            "capabilityDelegation": [.string(signingID)],
            "keyAgreement": [.string(agreementID)],
        ]
        return try DIDDocument(json: json)
    }
}
