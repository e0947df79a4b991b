import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

extension Delegator {
    /// Decides escrow `id` as its agent (`Specs/mesh.md` section 15.7): `release` pays the
    /// result's invoice to the payee, otherwise everything goes back to the payer. This node is
    /// either a third agent (it holds the agent's side) or the payer, agent of its own escrow.
    /// - Returns: the escrow as this node holds it, and whether every party took the decision
    ///   (a party that did not can be sent it again by running the command again).
    /// - Throws: `escrow_not_found`, `escrow_not_agent`, `release_without_result`, `escrow_settled`, …
    public func decide(_ id: String, release: Bool) async throws -> (escrow: Escrow, delivered: Bool) {
        if let held = try await desk.escrows.escrow(id, side: .agent) {
            return try await decideAsThirdAgent(held, release: release)
        }
        let held = try await desk.escrow(id, side: .payer)
        guard held.agent == desk.did.description else {
            throw MeshError("escrow_not_agent", "escrow \(id) is decided by its agent \(held.agent)", category: .unauthorized)
        }
        if release { return try await self.release(id) }
        let payee = try DID(held.payee)
        let signed = try await desk.node.signed(
            type: DelegationMessageType.escrowRefund, body: ["escrow": .string(id), "reason": "agent_decision"], to: payee)
        try await desk.keep(signed, escrow: id)
        let escrow = try await desk.applyRefund(id, signer: desk.did, messageID: signed.plaintext.id, reason: "agent_decision")
        return (escrow, await send(signed, to: [payee], escrow: id))
    }

    private func decideAsThirdAgent(_ held: Escrow, release: Bool) async throws -> (escrow: Escrow, delivered: Bool) {
        let id = held.id
        let parties = [try DID(held.payer), try DID(held.payee)]
        let me = desk.did.description
        let signed: SignedMessage
        let escrow: Escrow
        if !held.state.isFinal {
            if release {
                guard let invoice = held.invoice, let hash = held.resultHash else {
                    throw MeshError("release_without_result", "escrow \(id) has no result to pay", category: .conflict)
                }
                signed = try await desk.node.signed(
                    type: DelegationMessageType.escrowRelease, body: DelegationDesk.releaseBody(id, invoice, hash), to: parties)
                try await desk.keep(signed, escrow: id)
                let messageID = signed.plaintext.id
                escrow = try await desk.transition(id, side: .agent) { escrow, time throws(LedgerError) in
                    try escrow.release(invoice: invoice, signer: me, messageID: messageID, now: time)
                }
            } else {
                signed = try await desk.node.signed(
                    type: DelegationMessageType.escrowRefund, body: ["escrow": .string(id), "reason": "agent_decision"], to: parties)
                try await desk.keep(signed, escrow: id)
                let messageID = signed.plaintext.id
                escrow = try await desk.transition(id, side: .agent) { escrow, time throws(LedgerError) in
                    try escrow.refund(signer: me, messageID: messageID, now: time)
                }
            }
        } else {
            // Decided before: send the same decision again to a party that missed it.
            guard (held.state == .released) == release else {
                throw MeshError("escrow_settled", "escrow \(id) was \(held.state.rawValue) already", category: .conflict)
            }
            let type = release ? DelegationMessageType.escrowRelease : DelegationMessageType.escrowRefund
            let kept = try await desk.receipts.receipts(of: id).last { $0.type == type && $0.signer == me }
            guard let kept, let before = try? SignedMessage(bytes: Array(kept.message.utf8)) else {
                throw MeshError("escrow_settled", "escrow \(id) was \(held.state.rawValue) by its timer", category: .conflict)
            }
            signed = try await desk.node.signed(type: type, body: before.plaintext.body, to: parties)
            try await desk.keep(signed, escrow: id)
            escrow = held
        }
        return (escrow, await send(signed, to: parties, escrow: id))
    }

    /// Sends a decision to each party; a party that has it settled already counts as told.
    private func send(_ message: SignedMessage, to parties: [DID], escrow id: String) async -> Bool {
        var all = true
        for party in parties where party != desk.did {
            do {
                guard let endpoint = try await desk.node.endpoint(of: party) else { throw MeshError("peer_unknown", "no endpoint for \(party)") }
                let reply = try await desk.node.send(message, to: endpoint, expecting: party)
                try await desk.keep(reply.message, escrow: id)
            } catch let error as MeshError where error.peerRefusal == .escrowSettled {
                continue
            } catch {
                desk.logger.warning("a party did not take the agent's decision", metadata: ["escrow": "\(id)", "party": "\(party)", "error": "\(error)"])
                all = false
            }
        }
        return all
    }
}
