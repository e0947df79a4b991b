import TauCore
import TauCrypto
import TauIdentity

/// What the keystore holds: the controller of the node's DID and, while a
/// rotation is being committed, the controller it is rotating to.
///
/// A rotation writes the keystore with both (`pending`), then the new log, then
/// the keystore with only the new controller. Whatever step a crash interrupts,
/// one of the two controls the log head on the next start, and that one is kept.
struct NodeKeys: Sendable {
    var current: DIDTauController
    var pending: DIDTauController?

    var secrets: JSONValue {
        var value: JSONValue = ["current": current.secrets]
        if let pending { value["pending"] = pending.secrets }
        return value
    }

    init(current: DIDTauController, pending: DIDTauController? = nil) {
        self.current = current
        self.pending = pending
    }

    init(secrets: JSONValue) throws(IdentityError) {
        guard let current = secrets["current"] else { throw IdentityError("keystore_malformed", "keystore holds no controller") }
        self.current = try DIDTauController(secrets: current)
        self.pending = try secrets["pending"].map { (value) throws(IdentityError) in try DIDTauController(secrets: value) }
    }

    /// The controller that controls `log`'s head (or, for a deactivated log, the
    /// one that was current before it).
    func controller(for log: VerifiedDIDTauLog) throws(IdentityError) -> DIDTauController {
        for candidate in [pending, current].compactMap({ $0 }) {
            if (try? candidate.checkControls(log)) != nil { return candidate }
        }
        if log.isDeactivated {
            throw IdentityError("did_deactivated", "\(log.did) is deactivated", category: .conflict)
        }
        throw IdentityError(
            "keystore_log_mismatch", "the keystore's keys do not control version \(log.head.versionId) of \(log.did)",
            category: .conflict)
    }
}

extension Keystore {
    static func sealing(_ keys: NodeKeys, passphrase: String, kdf: KDFParameters = .interactive) throws(CryptoError) -> Keystore {
        try Keystore.seal(secrets: keys.secrets, publicLabels: ["did": keys.current.did.description], passphrase: passphrase, kdf: kdf)
    }
}
