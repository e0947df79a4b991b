import TauCore
import TauCrypto

extension DIDTauController {
    /// The secrets as a JSON object, for sealing in the keystore.
    public var secrets: JSONValue {
        [
            "kind": "did:tau-controller",
            "did": .string(did.description),
            "updateKey": .string(updateKey.multibase),
            "nextUpdateKey": .string(nextUpdateKey.multibase),
            "signingKey": ["fragment": .string(signingKeyFragment), "secretKeyMultibase": .string(signingKey.multibase)],
            "agreementKey": [
                "fragment": .string(agreementKeyFragment),
                "secretKeyBase64url": .string(Base64URL.encode(agreementKey.rawRepresentation)),
            ],
        ]
    }

    /// Restores a controller from keystore secrets.
    /// - Throws: ``IdentityError`` `keystore_malformed`.
    public init(secrets: JSONValue) throws(IdentityError) {
        func malformed(_ what: String) -> IdentityError { IdentityError("keystore_malformed", "keystore secrets: \(what)") }
        guard secrets["kind"]?.stringValue == "did:tau-controller" else { throw malformed("not a did:tau controller") }
        guard let didText = secrets["did"]?.stringValue, let did = try? DID(didText), did.method == "tau" else {
            throw malformed("missing did")
        }
        guard let update = secrets["updateKey"]?.stringValue.flatMap({ try? Ed25519.PrivateKey(multibase: $0) }),
            let next = secrets["nextUpdateKey"]?.stringValue.flatMap({ try? Ed25519.PrivateKey(multibase: $0) }),
            let signingFragment = secrets["signingKey"]?["fragment"]?.stringValue,
            let signing = secrets["signingKey"]?["secretKeyMultibase"]?.stringValue.flatMap({ try? Ed25519.PrivateKey(multibase: $0) }),
            let agreementFragment = secrets["agreementKey"]?["fragment"]?.stringValue,
            let agreementRaw = secrets["agreementKey"]?["secretKeyBase64url"]?.stringValue.flatMap(Base64URL.decode),
            let agreement = try? X25519.PrivateKey(rawRepresentation: agreementRaw)
        else { throw malformed("a key is missing or invalid") }
        self.init(
            did: did, updateKey: update, nextUpdateKey: next, signingKey: signing, signingKeyFragment: signingFragment,
            agreementKey: agreement, agreementKeyFragment: agreementFragment)
    }
}
