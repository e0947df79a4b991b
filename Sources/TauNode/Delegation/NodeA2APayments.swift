import Foundation
import TauCore
import TauEnvelope
import TauGateway
import TauIdentity
import TauLedger
import TauMesh

/// Payment for the A2A front door (docs/a2a.md): the skill `task` (the node's agent under the
/// delegated-task policy) costs `[delegation] price` when the node takes paid tasks. A caller
/// pays with a voucher: a signed `escrow/open` naming this node as payee and the task's hash;
/// the escrow is then settled over the mesh as any other (`Specs/mesh.md` section 15).
struct NodeA2APayments: A2APaymentDesk {
    let desk: DelegationDesk
    /// Verifies a signed message addressed to this node (signature, freshness, replay).
    let verify: @Sendable ([UInt8]) async throws -> VerifiedMessage

    /// The paid skill's id.
    static let skill = "task"

    func requirement(forSkill skill: String) async -> A2APaymentRequirement? {
        guard skill == Self.skill, desk.settings.acceptTasks else { return nil }
        return A2APaymentRequirement(
            skill: skill, price: desk.settings.price, payTo: desk.did.description, timeoutSeconds: Int(desk.settings.deadline),
            description: "one task run by this node's agent under its delegated-task policy")
    }

    func accept(voucher: String, requirement: A2APaymentRequirement, taskHash: String) async throws -> String {
        guard let bytes = Base64URL.decode(voucher) else { throw MeshError("voucher_malformed", "X-PAYMENT is not base64url") }
        let message: VerifiedMessage
        do {
            message = try await verify(bytes)
        } catch let error as any TauError {
            throw MeshError(error.code, "the voucher was refused: \(error.message)", category: .unauthorized)
        }
        guard message.plaintext.type == DelegationMessageType.escrowOpen else {
            throw MeshError("voucher_invalid", "a voucher is a signed escrow/open message")
        }
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let amount = try body.amount("amount")
        let payer = message.plaintext.from
        let agent = try body.did("agent")
        let deadline = Date(timeIntervalSince1970: TimeInterval(try body.integer("deadline", in: 0...4_102_444_800)))
        guard try body.did("payee") == desk.did else { throw MeshError("escrow_parties_invalid", "the voucher pays another node", category: .conflict) }
        guard agent == payer || agent == desk.did else {
            throw MeshError("escrow_agent_unsupported", "this node accepts the payer or itself as escrow agent", category: .conflict)
        }
        guard try body.string("task_hash", limit: 64) == taskHash else {
            throw MeshError("task_hash_mismatch", "the voucher pays for another task", category: .conflict)
        }
        guard amount.currency == requirement.price.currency, amount.microunits >= requirement.price.microunits else {
            throw MeshError("payment_insufficient", "the skill costs \(requirement.price.formatted())", category: .conflict)
        }
        let remaining = deadline.timeIntervalSince(desk.now())
        guard remaining >= DelegationProtocol.minimumDeadline, remaining <= DelegationProtocol.maximumDeadline + 60 else {
            throw MeshError("deadline_invalid", "the voucher's deadline must be 5 seconds to a day ahead")
        }
        do {
            _ = try await desk.book.open(
                id: id, side: .payee, payer: payer.description, payee: desk.did.description, agent: agent.description, amount: amount,
                taskHash: taskHash, deadline: deadline, openMessageID: message.plaintext.id)
        } catch let error as LedgerError {
            throw MeshError(error.code, error.message, category: error.category)
        }
        try await desk.keep(message.message, escrow: id)
        _ = try await desk.delegations.insert(
            Delegation(
                id: id, role: .payee, peer: payer.description, peerEndpoint: nil, skill: "a2a:\(Self.skill)", prompt: "", taskHash: taskHash,
                price: amount, deadline: deadline, hops: 0, visited: [], state: .running, created: desk.now()))
        return id
    }

    /// Records the outcome on the escrow: a signed result invoicing the price (the payer then
    /// releases it over the mesh), or a refund when the task did not complete.
    func finished(escrowID: String, resultHash: String, invoice: Money) async {
        do {
            let escrow = try await desk.escrow(escrowID, side: .payee)
            let payer = try DID(escrow.payer)
            let me = desk.did.description
            if invoice.isPositive, !resultHash.isEmpty {
                let body: JSONValue = [
                    "escrow": .string(escrowID), "result_hash": .string(resultHash), "invoice": .microunits(invoice),
                    "currency": .string(invoice.currency.code),
                ]
                let signed = try await desk.node.signed(type: DelegationMessageType.result, body: body, to: payer)
                try await desk.keep(signed, escrow: escrowID)
                let messageID = signed.plaintext.id
                _ = try await desk.transition(escrowID, side: .payee) { escrow, _ throws(LedgerError) in
                    try escrow.result(hash: resultHash, invoice: invoice, signer: me, messageID: messageID)
                }
                try await desk.update(escrowID, role: .payee) {
                    $0.state = .done
                    $0.resultHash = resultHash
                    $0.invoice = invoice
                }
            } else {
                let signed = try await desk.node.signed(
                    type: DelegationMessageType.escrowRefund, body: ["escrow": .string(escrowID), "reason": "task_failed"], to: payer)
                try await desk.keep(signed, escrow: escrowID)
                let messageID = signed.plaintext.id
                _ = try await desk.transition(escrowID, side: .payee) { escrow, time throws(LedgerError) in
                    try escrow.refund(signer: me, messageID: messageID, now: time)
                }
                try await desk.update(escrowID, role: .payee) { $0.state = .failed }
            }
        } catch {
            desk.logger.warning("could not record an A2A task's outcome on its escrow", metadata: ["escrow": "\(escrowID)", "error": "\(error)"])
        }
    }
}
