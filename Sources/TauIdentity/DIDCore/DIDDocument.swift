import TauCore
import TauCrypto

/// A verification method of a DID document.
public struct VerificationMethod: Sendable, Hashable {
    /// Absolute DID URL of the method, e.g. `did:tau:Qm…#sig-1`.
    public let id: String
    /// `Multikey`, `Ed25519VerificationKey2020`, `Ed25519VerificationKey2018`, `JsonWebKey2020`, …
    public let type: String
    public let controller: String
    /// The method as it appears in the document.
    public let json: JSONValue
    /// The Ed25519 key, decoded once when the document is read: a document is cached and
    /// checks a signature per message, and base58 decoding costs a tenth of the check.
    private let decodedKey: Ed25519.PublicKey?

    init(id: String, type: String, controller: String, json: JSONValue) {
        self.id = id
        self.type = type
        self.controller = controller
        self.json = json
        decodedKey = try? Self.ed25519PublicKey(type: type, json: json, id: id)
    }

    /// The Ed25519 key, whichever of the common encodings the method uses.
    /// - Throws: ``IdentityError`` `key_unsupported` when it is not an Ed25519 key.
    public func ed25519PublicKey() throws(IdentityError) -> Ed25519.PublicKey {
        if let decodedKey { return decodedKey }
        return try Self.ed25519PublicKey(type: type, json: json, id: id)
    }

    private static func ed25519PublicKey(type: String, json: JSONValue, id: String) throws(IdentityError) -> Ed25519.PublicKey {
        do throws(CryptoError) {
            if let multibase = json["publicKeyMultibase"]?.stringValue {
                return try Ed25519.PublicKey(multibase: multibase)
            }
            if let base58 = json["publicKeyBase58"]?.stringValue, type == "Ed25519VerificationKey2018" {
                guard let raw = try? Base58.decode(base58) else { throw CryptoError("key_invalid_multibase", "bad base58") }
                return try Ed25519.PublicKey(rawRepresentation: raw)
            }
            if let jwk = json["publicKeyJwk"], jwk["kty"]?.stringValue == "OKP", jwk["crv"]?.stringValue == "Ed25519",
                let x = jwk["x"]?.stringValue, let raw = Base64URL.decode(x)
            {
                return try Ed25519.PublicKey(rawRepresentation: raw)
            }
        } catch {
            throw IdentityError("key_unsupported", "verification method \(id) has an invalid Ed25519 key: \(error.message)")
        }
        throw IdentityError("key_unsupported", "verification method \(id) is not an Ed25519 key")
    }

    /// The public key material as a multibase string, when the method has one.
    public var publicKeyMultibase: String? { json["publicKeyMultibase"]?.stringValue }
}

/// A service entry of a DID document.
public struct DIDService: Sendable, Hashable {
    public let id: String
    public let type: String
    /// A URL string, a map or a list, as DID Core allows.
    public let serviceEndpoint: JSONValue

    /// The endpoint when it is a single URL.
    public var endpointURL: String? { serviceEndpoint.stringValue }
}

/// A W3C DID Core document: the original JSON plus a typed view of the parts
/// tau-node uses. Relative ids (`#key-1`) are made absolute against `id`.
public struct DIDDocument: Sendable, Equatable {
    /// The document exactly as published.
    public let json: JSONValue
    public let id: DID
    public let verificationMethods: [VerificationMethod]
    public let authentication: [VerificationMethod]
    public let assertionMethod: [VerificationMethod]
    public let keyAgreement: [VerificationMethod]
    public let services: [DIDService]

    /// Limits applied to every document read (did:tau states, did:web documents, did:key
    /// expansions), so that a hostile document costs little to refuse. `Specs/did-tau.md`
    /// section 7.4 lists them.
    public enum Limits {
        /// Entries of `verificationMethod`.
        public static let verificationMethods = 64
        /// Entries of each verification relationship (`authentication`, `assertionMethod`, …).
        public static let relationshipEntries = 64
        /// Entries of `service`.
        public static let services = 64
        /// Characters of a method or service id.
        public static let idLength = 2_048
    }

    /// Parses and checks a DID document.
    /// - Throws: ``IdentityError`` `document_invalid` with the reason, or `document_too_large`
    ///   when it has more entries than ``Limits`` allow.
    public init(json: JSONValue) throws(IdentityError) {
        func invalid(_ why: String) -> IdentityError { IdentityError("document_invalid", "DID document: \(why)") }
        func tooMany(_ member: String, _ limit: Int) -> IdentityError {
            IdentityError("document_too_large", "DID document: \(member) has more than \(limit) entries")
        }
        guard json.objectValue != nil else { throw invalid("not a JSON object") }
        guard let idText = json["id"]?.stringValue else { throw invalid("missing id") }
        guard let id = try? DID(idText) else { throw invalid("id \(idText.prefix(120)) is not a DID") }
        func absolute(_ reference: String) -> String {
            reference.hasPrefix("#") ? id.description + reference : reference
        }
        func parseMethod(_ value: JSONValue) throws(IdentityError) -> VerificationMethod {
            guard let methodID = value["id"]?.stringValue, let type = value["type"]?.stringValue else {
                throw invalid("verification method without id or type")
            }
            guard methodID.utf8.count <= Limits.idLength else { throw invalid("verification method id longer than \(Limits.idLength)") }
            return VerificationMethod(
                id: absolute(methodID), type: type, controller: value["controller"]?.stringValue ?? id.description, json: value)
        }
        func list(_ member: String, limit: Int) throws(IdentityError) -> [JSONValue] {
            guard let value = json[member] else { return [] }
            guard let entries = value.arrayValue else { throw invalid("\(member) must be a list") }
            guard entries.count <= limit else { throw tooMany(member, limit) }
            return entries
        }
        var methods: [VerificationMethod] = []
        // A dictionary, so that duplicate and reference checks cost one lookup each.
        var methodsByID: [String: VerificationMethod] = [:]
        for value in try list("verificationMethod", limit: Limits.verificationMethods) {
            let method = try parseMethod(value)
            guard methodsByID.updateValue(method, forKey: method.id) == nil else {
                throw invalid("duplicate verification method \(method.id.prefix(200))")
            }
            methods.append(method)
        }
        func relationship(_ name: String) throws(IdentityError) -> [VerificationMethod] {
            var result: [VerificationMethod] = []
            for entry in try list(name, limit: Limits.relationshipEntries) {
                if let reference = entry.stringValue {
                    guard let method = methodsByID[absolute(reference)] else {
                        throw invalid("\(name) refers to unknown method \(reference.prefix(200))")
                    }
                    result.append(method)
                } else {
                    result.append(try parseMethod(entry))
                }
            }
            return result
        }
        var services: [DIDService] = []
        for value in try list("service", limit: Limits.services) {
            guard let serviceID = value["id"]?.stringValue, let type = value["type"]?.stringValue,
                let endpoint = value["serviceEndpoint"]
            else { throw invalid("service without id, type or serviceEndpoint") }
            guard serviceID.utf8.count <= Limits.idLength else { throw invalid("service id longer than \(Limits.idLength)") }
            services.append(DIDService(id: absolute(serviceID), type: type, serviceEndpoint: endpoint))
        }
        self.json = json
        self.id = id
        self.verificationMethods = methods
        self.authentication = try relationship("authentication")
        self.assertionMethod = try relationship("assertionMethod")
        self.keyAgreement = try relationship("keyAgreement")
        self.services = services
    }

    /// The verification method with this id (absolute or `#fragment`).
    public func verificationMethod(_ reference: String) -> VerificationMethod? {
        let absoluteID = reference.hasPrefix("#") ? id.description + reference : reference
        return (verificationMethods + authentication + assertionMethod + keyAgreement).first { $0.id == absoluteID }
    }

    /// The first service of a type, e.g. `TauMesh`.
    public func service(ofType type: String) -> DIDService? {
        services.first { $0.type == type }
    }

    /// The JSON-LD contexts tau-node writes on documents it produces.
    public static let defaultContext: JSONValue = [
        "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
    ]
}
