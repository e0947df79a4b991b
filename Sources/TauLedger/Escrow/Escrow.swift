import Foundation
import TauCore

/// One escrow as one node sees it: a plain value that takes verified events and returns the
/// actions they call for (postings, receipts, timers), so that it can be tested without a
/// clock, a store or a network. `Specs/escrow.md` §5 is its normative description.
///
/// `held → released | refunded | disputed`, `disputed → released | refunded`. Released and
/// refunded are final.
public struct Escrow: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case held, disputed, released, refunded

        /// Whether nothing can change the escrow any more.
        public var isFinal: Bool { self == .released || self == .refunded }
    }

    /// Which side of the escrow this node is on. An escrow agent that is neither party keeps
    /// the escrow to decide a dispute, and never posts.
    public enum Side: String, Sendable {
        case payer, payee, agent
    }

    /// `esc_` and 24 hex digits, chosen by the payer.
    public let id: String
    public let side: Side
    public let payer: String
    public let payee: String
    /// Who may release or refund a disputed escrow: the payer unless both named another node.
    public let agent: String
    /// The most the payee may invoice; what the payer holds.
    public let amount: Money
    /// The hash of the task the payee is paid for.
    public let taskHash: String
    /// Without a result by then, the escrow is refunded.
    public let deadline: Date
    public private(set) var state: State
    /// What the payee invoiced with its result, and the hash of the result.
    public private(set) var invoice: Money?
    public private(set) var resultHash: String?
    /// Until when a dispute waits for the agent's decision; refunded after.
    public private(set) var disputeDeadline: Date?
    /// The ids of the signed messages that moved the escrow, in order (its receipts).
    public private(set) var receipts: [String]
    /// How many times the store has written it (0 before the first write); stores refuse a
    /// write from a writer that read an older version.
    public var version: Int = 0
    /// When its timer wakes it, if it has one (the last `.wake` action not cancelled).
    public private(set) var wakeAt: Date?

    /// An escrow as a store kept it.
    public static func restore(
        id: String, side: Side, payer: String, payee: String, agent: String, amount: Money, taskHash: String, deadline: Date,
        state: State, invoice: Money?, resultHash: String?, disputeDeadline: Date?, receipts: [String], version: Int, wakeAt: Date?
    ) -> Escrow {
        var escrow = Escrow(
            id: id, side: side, payer: payer, payee: payee, agent: agent, amount: amount, taskHash: taskHash, deadline: deadline, state: state,
            invoice: invoice, resultHash: resultHash, disputeDeadline: disputeDeadline, receipts: receipts)
        escrow.version = version
        escrow.wakeAt = wakeAt
        return escrow
    }

    /// Keeps ``wakeAt`` in step with the timer actions of a transition.
    public mutating func noteTimers(_ actions: [Action]) {
        for action in actions {
            switch action {
            case .wake(let time): wakeAt = time
            case .cancelWake: wakeAt = nil
            case .post, .keepReceipt: break
            }
        }
    }

    /// What the node must do after a transition.
    public enum Action: Sendable, Equatable {
        /// Write this ledger entry (in the same store transaction as the new state).
        case post(LedgerEntry)
        /// Keep this signed message as a receipt of the escrow.
        case keepReceipt(messageID: String)
        /// Wake the escrow at this time (a row any replica may claim).
        case wake(at: Date)
        /// No timer is needed any more.
        case cancelWake
    }

    /// Opens an escrow: on the payer's side the amount moves from the wallet to the escrow's
    /// account; on the payee's side nothing is posted until it is paid.
    /// - Parameter openMessageID: the signed `escrow/open` that opened it.
    /// - Throws: ``LedgerError`` `amount_invalid` for an amount that is not positive,
    ///   `deadline_invalid` for a deadline not after `now`.
    public static func open(
        id: String, side: Side, payer: String, payee: String, agent: String? = nil, amount: Money, taskHash: String, deadline: Date,
        openMessageID: String, now: Date
    ) throws(LedgerError) -> (Escrow, [Action]) {
        guard amount.isPositive else { throw LedgerError("amount_invalid", "an escrow holds a positive amount") }
        guard deadline > now else { throw LedgerError("deadline_invalid", "the escrow's deadline has passed") }
        guard payer != payee else { throw LedgerError("escrow_parties_invalid", "payer and payee are one DID") }
        let escrow = Escrow(
            id: id, side: side, payer: payer, payee: payee, agent: agent ?? payer, amount: amount, taskHash: taskHash, deadline: deadline,
            state: .held, invoice: nil, resultHash: nil, disputeDeadline: nil, receipts: [openMessageID])
        var opened = escrow
        opened.wakeAt = deadline
        var actions: [Action] = [.keepReceipt(messageID: openMessageID), .wake(at: deadline)]
        if side == .payer {
            actions.insert(
                .post(try LedgerEntry.transfer(amount, from: .wallet, to: .escrow(id), kind: .hold, idempotencyKey: "\(id)/hold", escrowID: id, time: now)),
                at: 0)
        }
        return (opened, actions)
    }

    /// The payee's signed `task/result`: its hash and invoice.
    /// - Throws: `escrow_settled`, `escrow_signer_wrong` (not the payee), `invoice_above_quote`,
    ///   `amount_invalid` (a negative invoice), `result_duplicate` (a second, different result).
    public mutating func result(hash: String, invoice: Money, signer: String, messageID: String) throws(LedgerError) -> [Action] {
        try requireOpen()
        guard signer == payee else { throw LedgerError("escrow_signer_wrong", "only the payee sends the result", category: .unauthorized) }
        try check(invoice)
        if let resultHash {
            guard resultHash == hash, self.invoice == invoice else {
                throw LedgerError("result_duplicate", "escrow \(id) already has a different result", category: .conflict)
            }
            return []
        }
        resultHash = hash
        self.invoice = invoice
        receipts.append(messageID)
        return [.keepReceipt(messageID: messageID)]
    }

    /// A signed `escrow/release`: pays `invoice` to the payee, returns the rest to the payer.
    /// The payer releases a held escrow; only the agent releases a disputed one.
    /// - Throws: `escrow_settled` (released or refunded already: a double release),
    ///   `escrow_signer_wrong`, `invoice_above_quote`, `release_invoice_mismatch` (not what the
    ///   result invoiced).
    public mutating func release(invoice: Money, signer: String, messageID: String, now: Date) throws(LedgerError) -> [Action] {
        try requireOpen()
        let allowed = state == .disputed ? [agent] : [payer, agent]
        guard allowed.contains(signer) else {
            throw LedgerError(
                "escrow_signer_wrong", state == .disputed ? "only the escrow agent decides a dispute" : "only the payer or the escrow agent releases",
                category: .unauthorized)
        }
        try check(invoice)
        if let invoiced = self.invoice, invoiced != invoice {
            throw LedgerError("release_invoice_mismatch", "the release pays \(invoice.formatted()), the result invoiced \(invoiced.formatted())")
        }
        state = .released
        self.invoice = invoice
        receipts.append(messageID)
        // A payee paid nothing, and an agent, have nothing to post.
        let posting: [Action] = (side == .payee && invoice.isZero) || side == .agent ? [] : [.post(try releaseEntry(invoice, now: now))]
        return posting + [.keepReceipt(messageID: messageID), .cancelWake]
    }

    /// A signed `escrow/refund`: everything back to the payer. The payee may give up; the
    /// agent may decide so (the payer, when it is the agent).
    /// - Throws: `escrow_settled`, `escrow_signer_wrong`.
    public mutating func refund(signer: String, messageID: String, now: Date) throws(LedgerError) -> [Action] {
        try requireOpen()
        guard signer == payee || signer == agent else {
            throw LedgerError("escrow_signer_wrong", "only the payee or the escrow agent refunds", category: .unauthorized)
        }
        receipts.append(messageID)
        return try settleRefund(now: now) + [.keepReceipt(messageID: messageID)]
    }

    /// A signed `escrow/dispute` by the payer against the result: the funds stay held until
    /// the agent decides or `window` passes (then they are refunded).
    /// - Throws: `escrow_settled`, `escrow_signer_wrong`, `dispute_without_result`,
    ///   `escrow_disputed` (already).
    public mutating func dispute(signer: String, messageID: String, window: Duration, now: Date) throws(LedgerError) -> [Action] {
        try requireOpen()
        guard signer == payer else { throw LedgerError("escrow_signer_wrong", "only the payer disputes", category: .unauthorized) }
        guard state == .held else { throw LedgerError("escrow_disputed", "escrow \(id) is already disputed", category: .conflict) }
        guard resultHash != nil else { throw LedgerError("dispute_without_result", "there is no result to dispute") }
        state = .disputed
        let until = now.addingTimeInterval(window.timeInterval)
        disputeDeadline = until
        receipts.append(messageID)
        return [.keepReceipt(messageID: messageID), .wake(at: until)]
    }

    /// The escrow's timer fired: without a result by the deadline, or with a dispute nobody
    /// decided in time, it is refunded. Otherwise nothing happens (the payer releases).
    public mutating func wake(now: Date) throws(LedgerError) -> [Action] {
        switch state {
        case .held where resultHash == nil && now >= deadline:
            return try settleRefund(now: now)
        case .disputed where disputeDeadline.map { now >= $0 } == true:
            return try settleRefund(now: now)
        case .held where resultHash != nil && now >= deadline:
            // The payer releases once it has checked the result; the timer has done its part.
            return [.cancelWake]
        default:
            return []
        }
    }

    private mutating func settleRefund(now: Date) throws(LedgerError) -> [Action] {
        state = .refunded
        guard side == .payer else { return [.cancelWake] }
        let entry = try LedgerEntry.transfer(amount, from: .escrow(id), to: .wallet, kind: .refund, idempotencyKey: "\(id)/settle", escrowID: id, time: now)
        return [.post(entry), .cancelWake]
    }

    /// Payer: the escrow account empties into the payee's `paid/` account and the wallet.
    /// Payee: the invoice comes in from `earned/<payer>` into the wallet.
    private func releaseEntry(_ invoice: Money, now: Date) throws(LedgerError) -> LedgerEntry {
        let key = "\(id)/settle"
        switch side {
        case .payee, .agent:
            return try LedgerEntry.transfer(invoice, from: .earned(from: payer), to: .wallet, kind: .earn, idempotencyKey: key, escrowID: id, time: now)
        case .payer:
            do {
                var postings = [Posting(.escrow(id), try amount.negated())]
                if invoice.isPositive { postings.append(Posting(.paid(to: payee), invoice)) }
                let change = try amount.subtracting(invoice)
                if change.isPositive { postings.append(Posting(.wallet, change)) }
                return try LedgerEntry(idempotencyKey: key, kind: .release, postings: postings, escrowID: id, time: now)
            } catch let error as LedgerError {
                throw error
            } catch {
                throw LedgerError("amount_invalid", "\(error)")
            }
        }
    }

    private func requireOpen() throws(LedgerError) {
        guard !state.isFinal else { throw LedgerError("escrow_settled", "escrow \(id) was \(state.rawValue) already", category: .conflict) }
    }

    private func check(_ invoice: Money) throws(LedgerError) {
        guard invoice.currency == amount.currency else { throw LedgerError("currency_mismatch", "the invoice is not in the escrow's currency") }
        guard !invoice.isNegative else { throw LedgerError("amount_invalid", "an invoice is not negative") }
        guard invoice.microunits <= amount.microunits else {
            throw LedgerError("invoice_above_quote", "the invoice \(invoice.formatted()) is above the \(amount.formatted()) held")
        }
    }
}
