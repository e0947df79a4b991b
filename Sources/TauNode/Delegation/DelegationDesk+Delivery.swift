import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

extension DelegationDesk {
    /// Sends what the record owes its peer, freshly signed; retried with backoff until the
    /// peer answers, refuses it as settled, or an hour after the escrow's deadline.
    @discardableResult
    func deliver(_ record: Delegation, claimer: String?) async -> Bool {
        var next = record
        do {
            let peer = try DID(record.peer)
            guard let (type, body) = try await message(for: record) else {
                next.schedule(nil, at: nil)
                _ = try await delegations.save(next, claimer: claimer)
                return true
            }
            let endpoint = try await endpoint(of: record.peer, recorded: record.peerEndpoint)
            try await send(type, body, of: record.id, to: peer, at: endpoint)
            next.schedule(nil, at: nil)
        } catch let error as MeshError where error.peerRefusal == .escrowSettled {
            next.schedule(nil, at: nil)  // the peer has it settled: delivered before, its answer lost
        } catch {
            let now = now()
            if now > record.deadline.addingTimeInterval(3600) {
                next.detail = "not delivered: \(error)"
                next.schedule(nil, at: nil)
            } else {
                let delay = min(30, pow(2, Double(min(record.attempts, 5))))
                next.schedule(.deliver, at: now.addingTimeInterval(delay))
            }
            logger.info("delivery to a peer failed", metadata: ["escrow": "\(record.id)", "error": "\(error)"])
        }
        next.updated = now()
        _ = try? await delegations.save(next, claimer: claimer)
        return next.work == nil
    }

    /// Sends the message this node signed for the transition when it is still fresh, so that
    /// both sides keep the same receipt; a fresh copy when it has expired or the peer has seen
    /// it (`replayed`: accepted before, but the answer was lost, or refused).
    private func send(_ type: String, _ body: JSONValue, of escrowID: String, to peer: DID, at endpoint: String) async throws {
        let signedBefore = try await receipts.receipts(of: escrowID).last { $0.type == type && $0.signer == did.description }
        if let signedBefore, let message = try? SignedMessage(bytes: Array(signedBefore.message.utf8)),
            message.plaintext.body == body, TimeInterval(message.plaintext.expiresTime) > now().timeIntervalSince1970 + 10
        {
            let refusal: MeshError
            do {
                _ = try await node.send(message, to: endpoint, expecting: peer)
                return
            } catch {
                refusal = error
            }
            guard refusal.peerRefusal == .replayed else { throw refusal }
        }
        let (sent, _) = try await node.request(type: type, body: body, to: peer, at: endpoint)
        try await keep(sent, escrow: escrowID)
    }

    /// The message a record's state owes the peer.
    private func message(for record: Delegation) async throws -> (String, JSONValue)? {
        let id = record.id
        switch (record.role, record.state) {
        case (.payee, .done):
            guard let text = record.result, let hash = record.resultHash, let invoice = record.invoice else { return nil }
            return (DelegationMessageType.result, DelegationDesk.resultBody(id, text, hash, invoice))
        case (.payee, .failed), (.payee, .expired):
            return (DelegationMessageType.escrowRefund, ["escrow": .string(id), "reason": .string(record.errorCode ?? "task_failed")])
        case (.payer, .completed):
            let escrow = try await escrow(id, side: .payer)
            guard let invoice = escrow.invoice, let hash = escrow.resultHash else { return nil }
            return (DelegationMessageType.escrowRelease, Self.releaseBody(id, invoice, hash))
        case (.payer, .disputed):
            // The dispute as signed (it may carry the payee's result as evidence for an agent).
            let kept = try await receipts.receipts(of: id).last { $0.type == DelegationMessageType.escrowDispute && $0.signer == did.description }
            guard let kept, let signed = try? SignedMessage(bytes: Array(kept.message.utf8)) else { return nil }
            return (DelegationMessageType.escrowDispute, signed.plaintext.body)
        default:
            return nil
        }
    }


    static func resultBody(_ id: String, _ text: String, _ hash: String, _ invoice: Money) -> JSONValue {
        [
            "escrow": .string(id), "result": .string(text), "result_hash": .string(hash), "invoice": .microunits(invoice),
            "currency": .string(invoice.currency.code),
        ]
    }
}
