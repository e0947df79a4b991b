import TauCore
import TauCrypto

/// W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite
/// (vc-di-eddsa v1.0, section 3.3): JCS canonicalization, SHA-256, Ed25519.
///
/// hashData = SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document without proof)),
/// signed as-is; `proofValue` = multibase base58btc of the 64-byte signature.
public enum DataIntegrityProof {
    public static let type = "DataIntegrityProof"
    public static let cryptosuite = "eddsa-jcs-2022"

    /// Creates a proof over `document` (which must not contain `proof`).
    /// - Parameters:
    ///   - verificationMethod: DID URL of the signing key.
    ///   - proofPurpose: e.g. `assertionMethod`.
    ///   - created: the RFC 3339 creation time.
    public static func create(
        for document: JSONValue, key: Ed25519.PrivateKey, verificationMethod: String, proofPurpose: String,
        created: String
    ) -> JSONValue {
        var options: JSONValue = [
            "type": .string(type),
            "cryptosuite": .string(cryptosuite),
            "created": .string(created),
            "verificationMethod": .string(verificationMethod),
            "proofPurpose": .string(proofPurpose),
        ]
        if let context = document["@context"] { options["@context"] = context }
        let signature = key.signature(for: hashData(document: document, proofOptions: options))
        options["proofValue"] = .string(Multibase.base58btc(signature))
        return options
    }

    /// Checks one proof over `document` (the document without its `proof` member)
    /// with `key`. Returns normally when valid.
    /// - Throws: ``IdentityError`` `proof_malformed` or `proof_invalid`.
    public static func verify(_ proof: JSONValue, for document: JSONValue, key: Ed25519.PublicKey) throws(IdentityError) {
        guard proof["type"]?.stringValue == type, proof["cryptosuite"]?.stringValue == cryptosuite else {
            throw IdentityError("proof_malformed", "proof is not a DataIntegrityProof with cryptosuite \(cryptosuite)")
        }
        guard let proofValue = proof["proofValue"]?.stringValue, proofValue.hasPrefix("z"),
            let signature = try? Multibase.decode(proofValue), signature.count == 64
        else { throw IdentityError("proof_malformed", "proofValue must be a base58btc Ed25519 signature") }
        guard proof["verificationMethod"]?.stringValue != nil, proof["proofPurpose"]?.stringValue != nil else {
            throw IdentityError("proof_malformed", "proof lacks verificationMethod or proofPurpose")
        }
        var options = proof
        options["proofValue"] = nil
        if let context = options["@context"], document["@context"] != context {
            throw IdentityError("proof_invalid", "proof @context does not match the document's")
        }
        guard key.isValidSignature(signature, for: hashData(document: document, proofOptions: options)) else {
            throw IdentityError("proof_invalid", "the eddsa-jcs-2022 signature does not verify")
        }
    }

    /// The 64 bytes that are signed.
    public static func hashData(document: JSONValue, proofOptions: JSONValue) -> [UInt8] {
        SHA256.hash(proofOptions.canonicalBytes()) + SHA256.hash(document.canonicalBytes())
    }

    /// The Ed25519 key named by a `did:key` verification method
    /// (`did:key:z6Mk…#z6Mk…`), as did:tau update-key proofs use.
    public static func didKeyPublicKey(_ verificationMethod: String) throws(IdentityError) -> Ed25519.PublicKey {
        guard let url = try? DIDURL(verificationMethod) else {
            throw IdentityError("proof_malformed", "verificationMethod \(verificationMethod.prefix(120)) is not a DID URL")
        }
        guard url.did.method == "key", url.fragment == nil || url.fragment == url.did.methodSpecificID else {
            throw IdentityError("proof_malformed", "update-key proofs must name a did:key verification method")
        }
        do {
            return try Ed25519.PublicKey(multibase: url.did.methodSpecificID)
        } catch {
            throw IdentityError("proof_malformed", "verification method \(verificationMethod) is not an Ed25519 did:key")
        }
    }
}
