import Foundation
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity

/// The daemon's signer. It keeps the passphrase, and reopens the keystore whenever the
/// node's log head changes, so that `tau-node id rotate` run while the daemon serves
/// takes effect for the next message without a restart.
public actor LocalSigner {
    let context: NodeContext
    let passphrase: String
    private var cached: (head: String, signer: EnvelopeSigner)?

    public init(context: NodeContext, passphrase: String) {
        self.context = context
        self.passphrase = passphrase
    }

    /// The signer for the current log head. After a revocation it is the last one,
    /// so the node can still answer (and so spread its own revocation).
    /// - Throws: ``CryptoError`` `wrong_passphrase`, ``IdentityError`` `keystore_log_mismatch`, …
    public func current() async throws -> EnvelopeSigner {
        let log = try await context.localLog()
        if let cached, cached.head == log.head.versionId { return cached.signer }
        let keystore = try Keystore.read(from: context.home.keystorePath)
        let keys = try NodeKeys(secrets: try keystore.open(passphrase: passphrase))
        let controller = log.isDeactivated ? keys.current : try keys.controller(for: log)
        let signer = EnvelopeSigner(
            did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey, now: context.clock.now)
        cached = (log.head.versionId, signer)
        return signer
    }
}
