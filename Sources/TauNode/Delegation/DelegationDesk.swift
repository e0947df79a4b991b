import Foundation
import Logging
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

/// What the delegation handlers, the worker and the payer share: the node's records, its
/// escrows and receipts, its evidence about peers, and how it signs and sends
/// (`Specs/mesh.md` section 15, `Specs/escrow.md` §7). TauMesh and TauLedger do not know
/// each other; this is where they meet.
struct DelegationDesk: Sendable {
    let node: MeshNode
    let delegations: any DelegationRepository
    let book: EscrowBook
    let escrows: any EscrowRepository
    let ledger: any LedgerRepository
    let receipts: any EscrowReceiptRepository
    let reputation: any ReputationRepository
    let settings: DelegationSettings
    /// How peers are scored and chosen (`[mesh.reputation]`).
    let reputationModel: ReputationModel
    let now: @Sendable () -> Date
    let logger: Logger

    var did: DID { node.did }

    /// Keeps a signed message as a receipt of `escrowID`.
    func keep(_ message: SignedMessage, escrow escrowID: String) async throws {
        try await receipts.keep(
            EscrowReceipt(
                escrowID: escrowID, messageID: message.plaintext.id, signer: message.plaintext.from.description, type: message.plaintext.type,
                message: String(decoding: message.bytes, as: UTF8.self), time: now()))
    }

    /// Records an outcome about `peer`, once per escrow and outcome.
    func record(_ outcome: ReputationEvidence.Outcome, peer: String, escrow escrowID: String, latency: Duration? = nil, receipt: String? = nil) async {
        let evidence = ReputationEvidence(
            id: "\(escrowID)/\(outcome.rawValue)", peer: peer, outcome: outcome, latency: latency, time: now(), receiptID: receipt)
        do {
            try await reputation.record(evidence)
        } catch {
            logger.warning("could not record reputation evidence", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Runs an escrow transition, answering a ledger refusal as the mesh refusal of the same
    /// code (so the peer sees `invoice_above_quote`, not a 500).
    func transition(
        _ id: String, side: Escrow.Side, _ change: @Sendable (inout Escrow, Date) throws(LedgerError) -> [Escrow.Action]
    ) async throws -> Escrow {
        do {
            return try await book.transition(id, side: side, change)
        } catch let error as LedgerError {
            throw MeshError(error.code, error.message, category: error.category)
        }
    }

    /// The stored escrow on `side`, or `escrow_not_found`.
    func escrow(_ id: String, side: Escrow.Side) async throws -> Escrow {
        guard let escrow = try await escrows.escrow(id, side: side) else {
            throw MeshError("escrow_not_found", "no escrow \(id) with this node as \(side.rawValue)", category: .notFound)
        }
        return escrow
    }

    /// Updates the stored delegation, if there is one.
    @discardableResult
    func update(_ id: String, role: Delegation.Role, claimer: String? = nil, _ change: (inout Delegation) -> Void) async throws -> Delegation? {
        guard var delegation = try await delegations.delegation(id, role: role) else { return nil }
        change(&delegation)
        delegation.updated = now()
        guard try await delegations.save(delegation, claimer: claimer) else { return nil }
        return delegation
    }

    /// Where `peer` is reached: what the record holds, else the peer table.
    func endpoint(of peer: String, recorded: String?) async throws -> String {
        if let recorded { return recorded }
        guard let did = try? DID(peer), let endpoint = try await node.endpoint(of: did) else {
            throw MeshError("peer_unknown", "no endpoint is known for \(peer)", category: .unavailable)
        }
        return endpoint
    }

    /// A `receipt` reply acknowledging `message` for `escrowID` in `state`.
    static func receipt(for message: VerifiedMessage, escrow escrowID: String, state: String) -> MeshReply {
        MeshReply(
            type: DelegationMessageType.receipt,
            body: ["escrow": .string(escrowID), "of": .string(message.plaintext.id), "state": .string(state)])
    }
}
