import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// Signs outgoing messages as one DID with one of its authentication keys.
public struct EnvelopeSigner: Sendable {
    public let did: DID
    /// The verification method id, e.g. `did:tau:Qm…#sig-2`.
    public let keyID: String
    let key: Ed25519.PrivateKey
    let now: @Sendable () -> Date

    public init(did: DID, keyID: String, key: Ed25519.PrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.did = did
        self.keyID = keyID
        self.key = key
        self.now = now
    }

    /// A detached Ed25519 signature of `bytes` with the signing key, for a JWS over content
    /// other than a message (the A2A agent card).
    public func signature(for bytes: [UInt8]) -> [UInt8] {
        key.signature(for: bytes)
    }

    /// Builds and signs a message to `recipients`, valid for `lifetime` seconds.
    public func sign(
        type: String, body: JSONValue, to recipients: [DID], lifetime: TimeInterval = 300, threadID: String? = nil,
        parentThreadID: String? = nil, id: String = UUID().uuidString.lowercased()
    ) -> SignedMessage {
        let created = Int64(now().timeIntervalSince1970.rounded(.down))
        let plaintext = PlaintextMessage(
            id: id, type: type, from: did, to: recipients, createdTime: created, expiresTime: created + Int64(lifetime),
            threadID: threadID, parentThreadID: parentThreadID, body: body)
        return SignedMessage.sign(plaintext, keyID: keyID, key: key)
    }
}
