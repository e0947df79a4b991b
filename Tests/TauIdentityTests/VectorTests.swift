import Foundation
import TauCore
import TauCrypto
import Testing

@testable import TauIdentity

func loadVector(_ name: String) -> JSONValue {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"),
        let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: Array(data))
    else { return .null }
    return value
}

/// did:key Ed25519 vectors from w3c-ccg/did-method-key test-vectors/ed25519-x25519.json.
struct DIDKeyVectorTests {
    static let vectors = loadVector("did-key-ed25519")["vectors"]?.arrayValue ?? []

    @Test func vectorsAreLoaded() { #expect(Self.vectors.count == 5) }

    @Test(arguments: vectors)
    func resolvesVector(vector: JSONValue) throws {
        let didText = try #require(vector["did"]?.stringValue)
        let did = try DID(didText)
        let document = try DIDKey.document(for: did)
        let signing = try #require(document.authentication.first)
        #expect(signing.publicKeyMultibase == vector["publicKeyMultibase"]?.stringValue)
        #expect(signing.id == "\(didText)#\(did.methodSpecificID)")
        let agreement = try #require(document.keyAgreement.first)
        let expectedAgreement = try #require(vector["x25519"]?["publicKeyMultibase"]?.stringValue ?? vector["keyAgreement"]?["publicKeyMultibase"]?.stringValue)
        #expect(agreement.publicKeyMultibase == expectedAgreement)
        if let seedHex = vector["seed"]?.stringValue, let seed = Hex.decode(seedHex) {
            #expect(DIDKey.did(for: try Ed25519.PrivateKey(seed: seed).publicKey) == did)
        }
    }

    @Test func rejectsNonEd25519AndMalformedKeys() {
        #expect(throws: IdentityError.self) { try DIDKey.document(for: DID("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")) }
        #expect(throws: IdentityError.self) { try DIDKey.document(for: DID("did:key:z6MkXXXX")) }
        #expect(throws: IdentityError.self) { try DIDKey.document(for: DID("did:key:abc")) }
    }
}

/// The eddsa-jcs-2022 vector from W3C vc-di-eddsa v1.0 (Appendix B.3) and the repository's second set.
struct DataIntegrityVectorTests {
    static let file = loadVector("eddsa-jcs-2022")
    static var sets: [JSONValue] { [file["primary"] ?? .null] + (file["additionalVectors"]?.arrayValue ?? []) }

    @Test func primaryVectorReproducesProofValue() throws {
        let vector = try #require(Self.file["primary"])
        let secret = try #require(vector["keyPair"]?["secretKeyMultibase"]?.stringValue)
        let key = try Ed25519.PrivateKey(multibase: secret)
        #expect(key.publicKey.multibase == vector["keyPair"]?["publicKeyMultibase"]?.stringValue)
        let document = try #require(vector["unsecuredDocument"])
        let options = try #require(vector["proofOptions"])
        #expect(document.canonicalString() == vector["canonicalDocument"]?.stringValue)
        #expect(options.canonicalString() == vector["canonicalProofOptions"]?.stringValue)
        #expect(Hex.encode(DataIntegrityProof.hashData(document: document, proofOptions: options)) == vector["hashDataHex"]?.stringValue)
        let proof = DataIntegrityProof.create(
            for: document, key: key, verificationMethod: try #require(options["verificationMethod"]?.stringValue),
            proofPurpose: "assertionMethod", created: try #require(options["created"]?.stringValue))
        #expect(proof["proofValue"]?.stringValue == vector["proofValue"]?.stringValue)
    }

    @Test func publishedSignedDocumentsVerify() throws {
        for vector in Self.sets {
            let signed = try #require(vector["signedDocument"])
            let publicKey = try #require(vector["keyPair"]?["publicKeyMultibase"]?.stringValue ?? Self.file["primary"]?["keyPair"]?["publicKeyMultibase"]?.stringValue)
            let key = try Ed25519.PublicKey(multibase: publicKey)
            var document = signed
            document["proof"] = nil
            let proof = try #require(signed["proof"])
            try DataIntegrityProof.verify(proof, for: document, key: key)
            var altered = document
            altered["name"] = "Altered"
            #expect(throws: IdentityError.self) { try DataIntegrityProof.verify(proof, for: altered, key: key) }
            var badOptions = proof
            badOptions["created"] = "2030-01-01T00:00:00Z"
            #expect(throws: IdentityError.self) { try DataIntegrityProof.verify(badOptions, for: document, key: key) }
        }
    }
}
