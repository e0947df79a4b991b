import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

extension DelegationDesk {
    /// Pays into a new escrow for `payee` (this node its agent) and tells the payee with a
    /// signed `escrow/open`: the payer's record, the hold and the message are kept first, so
    /// that a crash leaves a hold its timer refunds. A payee that refuses or cannot be reached
    /// is given up at once (``giveUp(_:because:)``).
    /// - Returns: the escrow id.
    /// - Throws: `insufficient_funds`, the send's errors (after the refund).
    /// - Parameter agent: a third node both parties trust to decide a dispute (it gets the same
    ///   `escrow/open`); nil: this node.
    func openHold(
        payee: DID, at endpoint: String, amount: Money, skill: String, prompt: String, taskHash: String, deadline requested: Date,
        agent: (did: DID, endpoint: String)? = nil
    ) async throws -> String {
        let wallet = try await ledger.balance(of: .wallet, currency: amount.currency)
        guard wallet.microunits >= amount.microunits else {
            throw MeshError("insufficient_funds", "the wallet holds \(wallet.formatted()); the call costs \(amount.formatted())", category: .conflict)
        }
        let deadline = Date(timeIntervalSince1970: requested.timeIntervalSince1970.rounded(.up))  // whole seconds on the wire
        let id = DelegationProtocol.newEscrowID()
        let me = did.description
        let agentDID = agent?.did.description ?? me
        _ = try await delegations.insert(
            Delegation(
                id: id, role: .payer, peer: payee.description, peerEndpoint: endpoint, skill: skill, prompt: prompt, taskHash: taskHash,
                price: amount, deadline: deadline, hops: DelegationProtocol.maximumHops, visited: [], state: .open, created: now()))
        let body: JSONValue = [
            "escrow": .string(id), "amount": .microunits(amount), "currency": .string(amount.currency.code), "payee": .string(payee.description),
            "agent": .string(agentDID), "task_hash": .string(taskHash), "deadline": .number(deadline.timeIntervalSince1970),
        ]
        let message = try await node.signed(type: DelegationMessageType.escrowOpen, body: body, to: [payee] + (agent.map { [$0.did] } ?? []))
        try await keep(message, escrow: id)
        do {
            _ = try await book.open(
                id: id, side: .payer, payer: me, payee: payee.description, agent: agentDID, amount: amount, taskHash: taskHash, deadline: deadline,
                openMessageID: message.plaintext.id)
        } catch let error as LedgerError {
            throw MeshError(error.code, error.message, category: error.category)
        }
        do {
            if let agent {
                // The agent first: a payee must not start work on an escrow nobody can judge.
                let held = try await node.send(message, to: agent.endpoint, expecting: agent.did)
                try await keep(held.message, escrow: id)
            }
            let receipt = try await node.send(message, to: endpoint, expecting: payee)
            try await keep(receipt.message, escrow: id)
        } catch {
            try await giveUp(id, because: error)
            throw error
        }
        return id
    }

    /// Refunds a hold the payee never took (this node is the escrow's agent), and notes why.
    func giveUp(_ id: String, because error: any Error) async throws {
        let code = (error as? any TauError)?.code ?? "delegation_failed"
        let held = try await escrow(id, side: .payer)
        guard held.agent == did.description else {
            // Only the third agent may refund now; without it the timer refunds at the deadline.
            try await update(id, role: .payer) {
                $0.state = .failed
                $0.errorCode = (error as? MeshError)?.peerRefusalCode ?? code
                $0.detail = "the hold returns at the deadline: \(String("\(error)".prefix(400)))"
            }
            await record(.failure, peer: held.payee, escrow: id)
            return
        }
        let refund = try await node.signed(
            type: DelegationMessageType.escrowRefund, body: ["escrow": .string(id), "reason": .string(code)], to: try DID(held.payee))
        try await keep(refund, escrow: id)
        let (me, messageID) = (did.description, refund.plaintext.id)
        _ = try await transition(id, side: .payer) { escrow, time throws(LedgerError) in
            try escrow.refund(signer: me, messageID: messageID, now: time)
        }
        try await update(id, role: .payer) {
            $0.state = .failed
            $0.errorCode = (error as? MeshError)?.peerRefusalCode ?? code
            $0.detail = String("\(error)".prefix(500))
        }
        await record(.failure, peer: held.payee, escrow: id)
    }
}
