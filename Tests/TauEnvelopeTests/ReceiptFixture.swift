import Foundation
import TauCore
import TauCrypto
import TauIdentity

@testable import TauEnvelope

/// did:tau identities whose logs and messages are dated by the test, for receipt bundles.
struct ReceiptFixture {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let escrow = "esc_0123456789abcdef01234567"
    static let prefix = "https://tau-node.dev/kamn/1/"

    /// A did:tau identity and its log so far.
    struct Identity {
        var controller: DIDTauController
        var log: VerifiedDIDTauLog
        var did: DID { controller.did }
        var jsonLines: String { log.log.jsonLines }

        init(createdAt time: Date) throws {
            let (controller, log) = try DIDTauController.create(now: time)
            self.controller = controller
            self.log = try log.verify(now: time)
        }

        /// Rotates every key at `time`; the old controller still holds the old signing key.
        mutating func rotate(at time: Date) throws {
            let (controller, log) = try controller.rotate(log, now: time)
            self.controller = controller
            self.log = try log.verify(now: time)
        }

        mutating func deactivate(at time: Date) throws {
            log = try controller.deactivate(log, now: time).verify(now: time)
        }

        /// A message signed with the current signing key (or `controller`'s), dated `time`.
        func sign(
            _ type: String, at time: Date, escrow: String = ReceiptFixture.escrow, to recipient: DID? = nil,
            with controller: DIDTauController? = nil
        ) -> SignedMessage {
            let signer = controller ?? self.controller
            return EnvelopeSigner(did: did, keyID: signer.signingKeyID, key: signer.signingKey, now: { time })
                .sign(type: ReceiptFixture.prefix + type, body: ["escrow": .string(escrow), "amount": 5], to: [recipient ?? did])
        }
    }

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    static func bundle(
        _ messages: [SignedMessage], logs identities: [Identity], escrow: String = ReceiptFixture.escrow
    ) throws -> ReceiptBundle {
        var logs: [DID: String] = [:]
        for identity in identities { logs[identity.did] = identity.jsonLines }
        return try ReceiptBundle(escrow: escrow, messages: messages.map(\.bytes), logs: logs)
    }

    /// The reason codes of a bundle's messages ("ok" for those that verify).
    static func results(_ bundle: ReceiptBundle) -> [String] {
        ReceiptVerifier().verify(bundle).checks.map { $0.failure?.code ?? "ok" }
    }
}

func receiptReason(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as ReceiptError {
        return error.code
    } catch {
        return "unexpected: \(error)"
    }
}
