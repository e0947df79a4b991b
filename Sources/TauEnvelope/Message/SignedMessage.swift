import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// A DIDComm v2 signed message: the plaintext JWM signed as a JWS in General JSON
/// serialization with `alg: EdDSA` (Ed25519). tau-node writes exactly one signature, with
/// `kid` (a DID URL of the sender's authentication key) in the per-signature unprotected
/// `header`, as the DIDComm v2 specification's signed-message example and its reference
/// libraries do, and `alg` and `typ` in the protected header. On reading, `kid` may be in
/// either header (earlier tau-node versions wrote it in the protected one), but no parameter may
/// be in both (RFC 7515 §7.2.1).
public struct SignedMessage: Sendable, Equatable {
    /// `typ` of a signed message, and its HTTP media type.
    public static let mediaType = "application/didcomm-signed+json"
    /// The largest signed message accepted from the network.
    public static let maximumBytes = 256 * 1024

    /// The plaintext message that was signed.
    public let plaintext: PlaintextMessage
    /// The verification method that signed, e.g. `did:tau:Qm…#sig-2`.
    public let keyID: String
    /// The exact payload bytes (the JWM) that were signed.
    public let payload: [UInt8]
    /// base64url of the protected header, as received.
    let protectedHeader: String
    /// base64url of ``payload``, as received (kept: the signing input is made of it).
    let encodedPayload: String
    /// The unprotected per-signature header, as received (nil when there was none).
    let unprotectedHeader: JSONValue?
    let signature: [UInt8]

    /// The JWS General JSON form, with the headers as they were signed or received.
    public var json: JSONValue {
        Self.json(encodedPayload: encodedPayload, protectedHeader: protectedHeader, unprotectedHeader: unprotectedHeader, signature: signature)
    }

    private static func json(encodedPayload: String, protectedHeader: String, unprotectedHeader: JSONValue?, signature: [UInt8]) -> JSONValue {
        var entry: JSONValue = [
            "protected": .string(protectedHeader),
            "signature": .string(Base64URL.encode(signature)),
        ]
        if let unprotectedHeader { entry["header"] = unprotectedHeader }
        return ["payload": .string(encodedPayload), "signatures": [entry]]
    }

    /// The serialized message: canonical JSON for a message signed here, the bytes as received
    /// for one parsed (what the signature covers is the same either way).
    public var bytes: [UInt8] { serialized }
    /// Kept rather than made on each access: a message is sent, counted and sometimes kept as
    /// a receipt, and serializing costs more than signing.
    private let serialized: [UInt8]

    /// The JWS signing input: `ASCII(BASE64URL(protected) || '.' || BASE64URL(payload))`.
    var signingInput: [UInt8] {
        var input: [UInt8] = []
        input.reserveCapacity(protectedHeader.utf8.count + 1 + encodedPayload.utf8.count)
        input += protectedHeader.utf8
        input.append(UInt8(ascii: "."))
        input += encodedPayload.utf8
        return input
    }

    /// Signs `plaintext` with `key`, naming `keyID` as the signer in the unprotected header.
    public static func sign(_ plaintext: PlaintextMessage, keyID: String, key: Ed25519.PrivateKey) -> SignedMessage {
        let header: JSONValue = ["alg": "EdDSA", "typ": .string(mediaType)]
        let protectedHeader = Base64URL.encode(header.canonicalBytes())
        let payload = plaintext.json.canonicalBytes()
        let encodedPayload = Base64URL.encode(payload)
        let input = Array((protectedHeader + "." + encodedPayload).utf8)
        let unprotectedHeader: JSONValue = ["kid": .string(keyID)]
        let signature = key.signature(for: input)
        let serialized = json(
            encodedPayload: encodedPayload, protectedHeader: protectedHeader, unprotectedHeader: unprotectedHeader, signature: signature)
        return SignedMessage(
            plaintext: plaintext, keyID: keyID, payload: payload, encodedPayload: encodedPayload, protectedHeader: protectedHeader,
            unprotectedHeader: unprotectedHeader, signature: signature, serialized: serialized.canonicalBytes())
    }

    /// Equal when the signed content and headers are (however the message was obtained).
    public static func == (lhs: SignedMessage, rhs: SignedMessage) -> Bool {
        lhs.plaintext == rhs.plaintext && lhs.keyID == rhs.keyID && lhs.payload == rhs.payload
            && lhs.protectedHeader == rhs.protectedHeader && lhs.unprotectedHeader == rhs.unprotectedHeader
            && lhs.signature == rhs.signature
    }

    /// Parses a signed message without checking the signature or any policy
    /// (``EnvelopeVerifier`` does that).
    /// - Throws: ``EnvelopeError`` `envelope_too_large`, `envelope_malformed` or `unsupported_algorithm`.
    public init(bytes: some Collection<UInt8>) throws(EnvelopeError) {
        guard bytes.count <= SignedMessage.maximumBytes else {
            throw EnvelopeError.tooLarge("a signed message may have at most \(SignedMessage.maximumBytes) bytes")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw .malformed("not JSON: \(error.message)") }
        guard let members = json.objectValue, Set(members.keys).isSubset(of: ["payload", "signatures"]) else {
            throw .malformed("a signed message has exactly the members payload and signatures (General JSON serialization)")
        }
        // Base64URL.decode takes "=" only as trailing padding, so the last byte tells.
        guard let payloadText = members["payload"]?.stringValue, let payload = Base64URL.decode(payloadText),
            payloadText.utf8.last != UInt8(ascii: "=")
        else { throw .malformed("payload must be unpadded base64url") }
        guard let signatures = members["signatures"]?.arrayValue, signatures.count == 1, let entry = signatures[0].objectValue else {
            throw .malformed("a signed message carries exactly one signature")
        }
        guard let protectedHeader = entry["protected"]?.stringValue, let headerBytes = Base64URL.decode(protectedHeader),
            let header = try? JSONValue(parsing: headerBytes), let protectedNames = header.objectValue?.keys
        else { throw .malformed("the protected header must be base64url JSON") }
        guard header["alg"]?.stringValue == "EdDSA" else {
            throw EnvelopeError("unsupported_algorithm", "alg must be EdDSA (Ed25519)", category: .invalidInput)
        }
        if let typ = header["typ"], typ.stringValue != SignedMessage.mediaType {
            throw .malformed("typ must be \(SignedMessage.mediaType)")
        }
        if let critical = header["crit"] {
            throw EnvelopeError("unsupported_algorithm", "critical header parameters are not supported: \(critical)", category: .invalidInput)
        }
        let unprotectedHeader = entry["header"]
        let unprotectedNames = unprotectedHeader?.objectValue?.keys
        if unprotectedHeader != nil, unprotectedNames == nil { throw .malformed("the unprotected header must be a JSON object") }
        if let unprotectedNames, !Set(unprotectedNames).isDisjoint(with: protectedNames) {
            throw .malformed("a header parameter appears in both the protected and the unprotected header")
        }
        guard let keyID = (unprotectedHeader?["kid"] ?? header["kid"])?.stringValue else {
            throw .malformed("no kid (a string) names the signing key")
        }
        guard let signatureText = entry["signature"]?.stringValue, let signature = Base64URL.decode(signatureText), signature.count == 64 else {
            throw .malformed("signature must be a base64url Ed25519 signature")
        }
        let plaintextJSON: JSONValue
        do { plaintextJSON = try JSONValue(parsing: payload) } catch { throw .malformed("the payload is not JSON: \(error.message)") }
        self.plaintext = try PlaintextMessage(json: plaintextJSON)
        self.keyID = keyID
        self.payload = payload
        self.encodedPayload = payloadText
        self.protectedHeader = protectedHeader
        self.unprotectedHeader = unprotectedHeader
        self.signature = signature
        self.serialized = Array(bytes)
    }

    private init(
        plaintext: PlaintextMessage, keyID: String, payload: [UInt8], encodedPayload: String, protectedHeader: String,
        unprotectedHeader: JSONValue?, signature: [UInt8], serialized: [UInt8]
    ) {
        self.encodedPayload = encodedPayload
        self.serialized = serialized
        self.plaintext = plaintext
        self.keyID = keyID
        self.payload = payload
        self.protectedHeader = protectedHeader
        self.unprotectedHeader = unprotectedHeader
        self.signature = signature
    }
}
