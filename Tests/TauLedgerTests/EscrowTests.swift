import Foundation
import TauCore
import TauLedger
import Testing

/// The escrow state machine on both sides, with the balances its postings make.
struct EscrowTests {
    static let payer = "did:tau:payer"
    static let payee = "did:tau:payee"
    static let agent = "did:tau:agent"
    static let start = Date(epochMilliseconds: 1_790_000_000_000)
    static let deadline = start.addingTimeInterval(600)

    static func credits(_ micro: Int64) -> Money { Money(microunits: micro, currency: .credits) }

    /// A ledger of balances, built from the actions' postings.
    struct Books {
        var balances: [LedgerAccount: Int64] = [:]
        var keys: Set<String> = []

        mutating func apply(_ actions: [Escrow.Action]) {
            for case .post(let entry) in actions {
                // Idempotency: the same key twice posts once.
                guard keys.insert(entry.idempotencyKey).inserted else { continue }
                for posting in entry.postings { balances[posting.account, default: 0] += posting.amount.microunits }
            }
        }

        var total: Int64 { balances.values.reduce(0, +) }
        func balance(_ account: LedgerAccount) -> Int64 { balances[account] ?? 0 }
    }

    static func both(agent: String? = nil) throws -> (payer: Escrow, payee: Escrow, payerBooks: Books, payeeBooks: Books) {
        var payerBooks = Books()
        payerBooks.apply([.post(try LedgerEntry.transfer(credits(5_000_000), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: "t1", time: start))])
        let (payerSide, payerActions) = try Escrow.open(
            id: "esc_1", side: .payer, payer: payer, payee: payee, agent: agent, amount: credits(2_000_000), taskHash: "h", deadline: deadline,
            openMessageID: "m-open", now: start)
        payerBooks.apply(payerActions)
        let (payeeSide, payeeActions) = try Escrow.open(
            id: "esc_1", side: .payee, payer: payer, payee: payee, agent: agent, amount: credits(2_000_000), taskHash: "h", deadline: deadline,
            openMessageID: "m-open", now: start)
        var payeeBooks = Books()
        payeeBooks.apply(payeeActions)
        #expect(payeeActions == [.keepReceipt(messageID: "m-open"), .wake(at: deadline)])
        return (payerSide, payeeSide, payerBooks, payeeBooks)
    }

    @Test func aReleasePaysTheInvoiceAndReturnsTheRest() throws {
        var (payerSide, payeeSide, payerBooks, payeeBooks) = try Self.both()
        #expect(payerBooks.balance(.wallet) == 3_000_000 && payerBooks.balance(.escrow("esc_1")) == 2_000_000)
        for side in [payerSide, payeeSide] { #expect(side.state == .held) }
        _ = try payerSide.result(hash: "r", invoice: Self.credits(1_250_000), signer: Self.payee, messageID: "m-result")
        _ = try payeeSide.result(hash: "r", invoice: Self.credits(1_250_000), signer: Self.payee, messageID: "m-result")
        payerBooks.apply(try payerSide.release(invoice: Self.credits(1_250_000), signer: Self.payer, messageID: "m-release", now: Self.start))
        payeeBooks.apply(try payeeSide.release(invoice: Self.credits(1_250_000), signer: Self.payer, messageID: "m-release", now: Self.start))
        #expect(payerBooks.balance(.wallet) == 3_750_000)
        #expect(payerBooks.balance(.escrow("esc_1")) == 0)
        #expect(payerBooks.balance(.paid(to: Self.payee)) == 1_250_000)
        #expect(payeeBooks.balance(.wallet) == 1_250_000)
        // Each ledger balances; what one paid is what the other earned.
        #expect(payerBooks.total == 0 && payeeBooks.total == 0)
        #expect(payerBooks.balance(.paid(to: Self.payee)) == -payeeBooks.balance(.earned(from: Self.payer)))
        #expect(payerSide.receipts == ["m-open", "m-result", "m-release"])
        // A second release changes nothing and says why.
        #expect(Self.code { _ = try payerSide.release(invoice: Self.credits(1), signer: Self.payer, messageID: "m2", now: Self.start) } == "escrow_settled")
    }

    @Test func refusalsLeaveTheEscrowAsItWas() throws {
        var (payerSide, _, _, _) = try Self.both()
        let before = payerSide
        #expect(Self.code { _ = try payerSide.result(hash: "r", invoice: Self.credits(2_000_001), signer: Self.payee, messageID: "x") } == "invoice_above_quote")
        #expect(Self.code { _ = try payerSide.result(hash: "r", invoice: Self.credits(1), signer: Self.payer, messageID: "x") } == "escrow_signer_wrong")
        #expect(Self.code { _ = try payerSide.release(invoice: Self.credits(1), signer: Self.payee, messageID: "x", now: Self.start) } == "escrow_signer_wrong")
        #expect(Self.code { _ = try payerSide.release(invoice: Self.credits(3_000_000), signer: Self.payer, messageID: "x", now: Self.start) } == "invoice_above_quote")
        #expect(Self.code { _ = try payerSide.release(invoice: Money(microunits: 1, currency: .usd), signer: Self.payer, messageID: "x", now: Self.start) } == "currency_mismatch")
        #expect(Self.code { _ = try payerSide.dispute(signer: Self.payer, messageID: "x", window: .seconds(60), now: Self.start) } == "dispute_without_result")
        #expect(payerSide == before, "no refused event changed the escrow")
        #expect(Self.code { _ = try payerSide.refund(signer: Self.payer, messageID: "x", now: Self.start) } == nil, "the payer is its own agent by default")
        #expect(payerSide.state == .refunded)
    }

    @Test func withoutAResultTheDeadlineRefunds() throws {
        var (payerSide, payeeSide, payerBooks, _) = try Self.both()
        #expect(try payerSide.wake(now: Self.deadline.addingTimeInterval(-1)).isEmpty)
        payerBooks.apply(try payerSide.wake(now: Self.deadline))
        #expect(payerSide.state == .refunded && payerBooks.balance(.wallet) == 5_000_000 && payerBooks.total == 0)
        #expect(try payeeSide.wake(now: Self.deadline) == [.cancelWake])
        // A crash and a replay of the same settlement posts it once.
        payerBooks.apply([.post(try LedgerEntry.transfer(Self.credits(2_000_000), from: .escrow("esc_1"), to: .wallet, kind: .refund, idempotencyKey: "esc_1/settle", time: Self.deadline))])
        #expect(payerBooks.balance(.wallet) == 5_000_000)
    }

    @Test func aDisputeWaitsForTheAgentOrItsDeadline() throws {
        var (payerSide, _, payerBooks, _) = try Self.both(agent: Self.agent)
        _ = try payerSide.result(hash: "r", invoice: Self.credits(2_000_000), signer: Self.payee, messageID: "m-result")
        let actions = try payerSide.dispute(signer: Self.payer, messageID: "m-dispute", window: .seconds(3600), now: Self.start)
        #expect(payerSide.state == .disputed && actions.contains(.wake(at: Self.start.addingTimeInterval(3600))))
        // Only the agent decides now; the payer's own release is refused.
        #expect(Self.code { _ = try payerSide.release(invoice: Self.credits(2_000_000), signer: Self.payer, messageID: "x", now: Self.start) } == "escrow_signer_wrong")
        #expect(try payerSide.wake(now: Self.deadline).isEmpty, "the task deadline does not end a dispute")
        var decided = payerSide
        payerBooks.apply(try decided.release(invoice: Self.credits(2_000_000), signer: Self.agent, messageID: "m-decision", now: Self.start))
        #expect(decided.state == .released && payerBooks.balance(.paid(to: Self.payee)) == 2_000_000)
        var undecided = payerSide
        var books = Books()
        books.apply(try undecided.wake(now: Self.start.addingTimeInterval(3600)))
        #expect(undecided.state == .refunded && books.balance(.wallet) == 2_000_000)
    }

    @Test func aThirdAgentKeepsTheEscrowAndNeverPosts() throws {
        let (opened, openActions) = try Escrow.open(
            id: "esc_1", side: .agent, payer: Self.payer, payee: Self.payee, agent: Self.agent, amount: Self.credits(2_000_000), taskHash: "h",
            deadline: Self.deadline, openMessageID: "m-open", now: Self.start)
        #expect(openActions == [.keepReceipt(messageID: "m-open"), .wake(at: Self.deadline)])
        var judged = opened
        _ = try judged.result(hash: "r", invoice: Self.credits(1_500_000), signer: Self.payee, messageID: "m-evidence")
        _ = try judged.dispute(signer: Self.payer, messageID: "m-dispute", window: .seconds(60), now: Self.start)
        var released = judged
        let release = try released.release(invoice: Self.credits(1_500_000), signer: Self.agent, messageID: "m-decision", now: Self.start)
        #expect(released.state == .released && !release.contains { if case .post = $0 { true } else { false } })
        var refunded = judged
        let refund = try refunded.refund(signer: Self.agent, messageID: "m-decision", now: Self.start)
        #expect(refunded.state == .refunded && !refund.contains { if case .post = $0 { true } else { false } })
        var expired = opened
        #expect(try expired.wake(now: Self.deadline) == [.cancelWake] && expired.state == .refunded)
    }

    @Test func entriesMustBalance() throws {
        #expect(Self.code { _ = try LedgerEntry(idempotencyKey: "k", kind: .hold, postings: [Posting(.wallet, Self.credits(5)), Posting(.fees, Self.credits(-4))], time: Self.start) } == "ledger_unbalanced")
        #expect(Self.code { _ = try LedgerEntry(idempotencyKey: "k", kind: .hold, postings: [Posting(.wallet, Self.credits(5))], time: Self.start) } == "ledger_unbalanced")
        #expect(Self.code { _ = try LedgerEntry(idempotencyKey: "", kind: .hold, postings: [], time: Self.start) } == "idempotency_key_invalid")
        #expect(Self.code { _ = try LedgerEntry.transfer(Self.credits(0), from: .wallet, to: .fees, kind: .hold, idempotencyKey: "k", time: Self.start) } == "amount_invalid")
        #expect(Self.code { _ = try LedgerAccount(name: "bank/robbery") } == "account_invalid")
        #expect(try LedgerAccount(name: "escrow/esc_9").escrowID == "esc_9")
        #expect(Self.code { _ = try Escrow.open(id: "e", side: .payer, payer: "a", payee: "a", amount: Self.credits(1), taskHash: "h", deadline: Self.deadline, openMessageID: "m", now: Self.start) } == "escrow_parties_invalid")
        #expect(Self.code { _ = try Escrow.open(id: "e", side: .payer, payer: "a", payee: "b", amount: Self.credits(1), taskHash: "h", deadline: Self.start, openMessageID: "m", now: Self.start) } == "deadline_invalid")
    }

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as LedgerError {
            return error.code
        } catch {
            return "\(error)"
        }
    }
}
