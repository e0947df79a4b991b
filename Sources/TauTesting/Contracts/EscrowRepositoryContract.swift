import Foundation
import TauCore
import Synchronization
import TauLedger

/// An escrow repository with the ledger it posts into (one backend).
public struct EscrowStoreUnderTest: Sendable {
    public let escrows: any EscrowRepository
    public let ledger: any LedgerRepository

    public init(escrows: any EscrowRepository, ledger: any LedgerRepository) {
        self.escrows = escrows
        self.ledger = ledger
    }
}

/// What every ``EscrowRepository`` must do, seen through ``EscrowBook``.
public enum EscrowRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)
    static func credits(_ micro: Int64) -> Money { Money(microunits: micro, currency: .credits) }

    /// A book whose clock the case moves.
    final class Clock: Sendable {
        let time = Mutex(start)
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func funded(_ subject: EscrowStoreUnderTest, clock: Clock) async throws -> EscrowBook {
        try await subject.ledger.post(
            try LedgerEntry.transfer(credits(10_000_000), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: "fund", time: start))
        return EscrowBook(escrows: subject.escrows, now: { clock.now })
    }

    public static let cases: [ContractCase<EscrowStoreUnderTest>] = [
        ContractCase("a transition is stored with its postings, and read back exactly") { subject in
            let clock = Clock()
            let book = try await funded(subject, clock: clock)
            let opened = try await book.open(
                id: "esc_a", side: .payer, payer: "did:tau:a", payee: "did:tau:b", amount: credits(3_000_000), taskHash: "t",
                deadline: start.addingTimeInterval(600), openMessageID: "m-open")
            try await require(opened.version == 1, "first version")
            try await require(try await subject.escrows.escrow("esc_a", side: .payer) == opened, "read back exactly")
            try await require(try await subject.escrows.escrow("esc_a", side: .payee) == nil, "one side only")
            try await require(try await subject.ledger.balance(of: .escrow("esc_a"), currency: .credits) == credits(3_000_000), "held")
            _ = try await book.transition("esc_a", side: .payer) { escrow, _ throws(LedgerError) in
                try escrow.result(hash: "r", invoice: credits(1_000_000), signer: "did:tau:b", messageID: "m-result")
            }
            let released = try await book.transition("esc_a", side: .payer) { escrow, time throws(LedgerError) in
                try escrow.release(invoice: credits(1_000_000), signer: "did:tau:a", messageID: "m-release", now: time)
            }
            try await require(released.state == .released && released.version == 3 && released.wakeAt == nil, "released, timer gone")
            try await require(released.receipts == ["m-open", "m-result", "m-release"], "receipts")
            try await require(try await subject.ledger.balance(of: .wallet, currency: .credits) == credits(9_000_000), "wallet after release: 10 - 3 held + 2 change")
            try await require(try await subject.ledger.balance(of: .escrow("esc_a"), currency: .credits) == credits(0), "escrow empty")
            let all = try await subject.ledger.balances(currency: .credits)
            try await require(all.values.reduce(0) { $0 + $1.microunits } == 0, "balanced")
            try await require(try await subject.escrows.list(limit: 10).map(\.id) == ["esc_a"], "listed")
        },
        ContractCase("a refused transition stores and posts nothing") { subject in
            let clock = Clock()
            let book = try await funded(subject, clock: clock)
            let opened = try await book.open(
                id: "esc_r", side: .payer, payer: "did:tau:a", payee: "did:tau:b", amount: credits(1_000_000), taskHash: "t",
                deadline: start.addingTimeInterval(60), openMessageID: "m-open")
            do {
                _ = try await book.transition("esc_r", side: .payer) { escrow, time throws(LedgerError) in
                    try escrow.release(invoice: credits(2_000_000), signer: "did:tau:a", messageID: "m-bad", now: time)
                }
                try await require(false, "an invoice above the hold must be refused")
            } catch let error as LedgerError {
                try await require(error.code == "invoice_above_quote", "invoice_above_quote, got \(error.code)")
            }
            try await require(try await subject.escrows.escrow("esc_r", side: .payer) == opened, "unchanged")
            try await require(try await subject.ledger.balance(of: .wallet, currency: .credits) == credits(9_000_000), "no posting")
            do {
                _ = try await book.open(
                    id: "esc_r", side: .payer, payer: "did:tau:a", payee: "did:tau:b", amount: credits(1), taskHash: "t",
                    deadline: start.addingTimeInterval(60), openMessageID: "m-again")
                try await require(false, "an id twice must be refused")
            } catch let error as LedgerError {
                try await require(error.code == "escrow_exists" || error.code == "idempotency_key_reused", "refused, got \(error.code)")
            }
            try await require(try await subject.ledger.balance(of: .wallet, currency: .credits) == credits(9_000_000), "nothing held twice")
        },
        ContractCase("due escrows are refunded after their deadline, once") { subject in
            let clock = Clock()
            let book = try await funded(subject, clock: clock)
            for (id, seconds) in [("esc_1", 60.0), ("esc_2", 600.0)] {
                _ = try await book.open(
                    id: id, side: .payer, payer: "did:tau:a", payee: "did:tau:b", amount: credits(1_000_000), taskHash: "t",
                    deadline: start.addingTimeInterval(seconds), openMessageID: "m-\(id)")
            }
            try await require(try await book.wakeDue().isEmpty, "nothing due yet")
            clock.advance(61)
            try await require(try await book.wakeDue().map(\.id) == ["esc_1"], "the first is refunded")
            try await require(try await book.wakeDue().isEmpty, "and only once")
            try await require(try await subject.ledger.balance(of: .wallet, currency: .credits) == credits(9_000_000), "one refunded")
            try await require(try await subject.escrows.escrow("esc_2", side: .payer)?.state == .held, "the other still held")
        },
        ContractCase("concurrent transitions of one escrow settle it once") { subject in
            let clock = Clock()
            let book = try await funded(subject, clock: clock)
            _ = try await book.open(
                id: "esc_c", side: .payer, payer: "did:tau:a", payee: "did:tau:b", amount: credits(2_000_000), taskHash: "t",
                deadline: start.addingTimeInterval(60), openMessageID: "m-open")
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await book.transition("esc_c", side: .payer) { escrow, time throws(LedgerError) in
                                index.isMultiple(of: 2)
                                    ? try escrow.release(invoice: credits(500_000), signer: "did:tau:a", messageID: "m-\(index)", now: time)
                                    : try escrow.refund(signer: "did:tau:a", messageID: "m-\(index)", now: time)
                            }
                            return "ok"
                        } catch let error as LedgerError {
                            return error.code
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            try await require(outcomes.filter { $0 == "ok" }.count == 1, "one settles: \(outcomes)")
            try await require(outcomes.filter { $0 == "escrow_settled" }.count == 7, "the rest see it settled: \(outcomes)")
            let wallet = try await subject.ledger.balance(of: .wallet, currency: .credits).microunits
            try await require(wallet == 9_500_000 || wallet == 10_000_000, "released or refunded once: \(wallet)")
            let all = try await subject.ledger.balances(currency: .credits)
            try await require(all.values.reduce(0) { $0 + $1.microunits } == 0, "balanced")
        },
    ]
}
