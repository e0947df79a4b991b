import Foundation
import Synchronization
import TauCore
import TauLedger
import TauStore
import TauTesting
import Testing

/// Money is conserved across a payer and a payee whatever happens to their escrows: many
/// concurrent escrows, settled at random by release, refund, dispute or deadline, with two
/// replicas of the payer racing on one database. After every step each ledger balances to
/// zero, nothing stays held once all are settled, and what the payer paid is exactly what the
/// payee earned.
struct EscrowConservationTests {
    static let payer = "did:tau:payer"
    static let payee = "did:tau:payee"

    /// A clock the test moves, shared by both replicas.
    final class Clock: Sendable {
        let time = Mutex(Date(epochMilliseconds: 1_790_000_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func credits(_ micro: Int64) -> Money { Money(microunits: micro, currency: .credits) }

    static func checkBalanced(_ ledger: any LedgerRepository, _ label: String) async throws {
        let total = try await ledger.balances(currency: .credits).values.reduce(0) { $0 + $1.microunits }
        #expect(total == 0, "\(label) ledger sums to \(total)")
    }

    @Test(arguments: [TestBackend.sqlite, .postgres])
    func manyEscrowsWithRandomEndingsConserveMoney(_ backend: TestBackend) async throws {
        guard let payerStore = try await TestStore.open(backend), let payeeStore = try await TestStore.open(backend) else { return }
        defer {
            Task {
                await payerStore.remove()
                await payeeStore.remove()
            }
        }
        let clock = Clock()
        // Two replicas of the payer: two stores on one database, as two processes would have.
        let secondReplica = try await Store.open(payerStore.location)
        let replicas = [
            EscrowBook(escrows: payerStore.store.escrows, now: { clock.now }), EscrowBook(escrows: secondReplica.escrows, now: { clock.now }),
        ]
        let payeeBook = EscrowBook(escrows: payeeStore.store.escrows, now: { clock.now })
        try await payerStore.store.ledger.post(
            try LedgerEntry.transfer(Self.credits(1_000_000_000), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: "fund", time: clock.now))
        var generator = SystemRandomNumberGenerator()
        let count = 24
        var expectedPaid: Int64 = 0
        for index in 0..<count {
            let id = String(format: "esc_%024d", index)
            let amount = Int64.random(in: 1_000...5_000_000, using: &generator)
            let deadline = clock.now.addingTimeInterval(60)
            _ = try await replicas[index % 2].open(
                id: id, side: .payer, payer: Self.payer, payee: Self.payee, amount: Self.credits(amount), taskHash: "t\(index)", deadline: deadline,
                openMessageID: "open-\(index)")
            _ = try await payeeBook.open(
                id: id, side: .payee, payer: Self.payer, payee: Self.payee, amount: Self.credits(amount), taskHash: "t\(index)", deadline: deadline,
                openMessageID: "open-\(index)")
            let invoice = Int64.random(in: 0...amount, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                // Released, both replicas racing to send the same release: it settles once.
                for (book, side) in [(payeeBook, Escrow.Side.payee), (replicas[0], .payer)] {
                    _ = try await book.transition(id, side: side) { escrow, _ throws(LedgerError) in
                        try escrow.result(hash: "r", invoice: Self.credits(invoice), signer: Self.payee, messageID: "result-\(index)")
                    }
                }
                let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                    for book in replicas {
                        group.addTask {
                            do {
                                _ = try await book.transition(id, side: .payer) { escrow, time throws(LedgerError) in
                                    try escrow.release(invoice: Self.credits(invoice), signer: Self.payer, messageID: "release-\(index)", now: time)
                                }
                                return "ok"
                            } catch let error as LedgerError {
                                return error.code
                            }
                        }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(outcomes.sorted() == ["escrow_settled", "ok"], "\(outcomes)")
                _ = try await payeeBook.transition(id, side: .payee) { escrow, time throws(LedgerError) in
                    try escrow.release(invoice: Self.credits(invoice), signer: Self.payer, messageID: "release-\(index)", now: time)
                }
                expectedPaid += invoice
            case 1:
                // The payee gives up.
                for (book, side) in [(replicas[0], Escrow.Side.payer), (payeeBook, .payee)] {
                    _ = try await book.transition(id, side: side) { escrow, time throws(LedgerError) in
                        try escrow.refund(signer: Self.payee, messageID: "refund-\(index)", now: time)
                    }
                }
            case 2:
                // Disputed; nobody decides, so the dispute deadline refunds.
                for (book, side) in [(replicas[1], Escrow.Side.payer), (payeeBook, .payee)] {
                    _ = try await book.transition(id, side: side) { escrow, time throws(LedgerError) in
                        _ = try escrow.result(hash: "r", invoice: Self.credits(invoice), signer: Self.payee, messageID: "result-\(index)")
                        return try escrow.dispute(signer: Self.payer, messageID: "dispute-\(index)", window: .seconds(30), now: time)
                    }
                }
            default:
                break  // No result: the deadline refunds.
            }
            try await Self.checkBalanced(payerStore.store.ledger, "payer")
            try await Self.checkBalanced(payeeStore.store.ledger, "payee")
        }
        // Every timer comes due; both replicas wake at once, each escrow settles once.
        clock.advance(3_600)
        async let first = replicas[0].wakeDue(limit: 1_000)
        async let second = replicas[1].wakeDue(limit: 1_000)
        _ = try await (first, second)
        _ = try await payeeBook.wakeDue(limit: 1_000)
        try await Self.checkBalanced(payerStore.store.ledger, "payer")
        try await Self.checkBalanced(payeeStore.store.ledger, "payee")
        for escrow in try await payerStore.store.escrows.list(limit: 1_000) { #expect(escrow.state.isFinal, "\(escrow.id) \(escrow.state)") }
        let payerBalances = try await payerStore.store.ledger.balances(currency: .credits)
        let payeeBalances = try await payeeStore.store.ledger.balances(currency: .credits)
        let held = payerBalances.filter { $0.key.escrowID != nil }.reduce(0) { $0 + $1.value.microunits }
        #expect(held == 0, "nothing stays held")
        let paid = payerBalances[.paid(to: Self.payee)]?.microunits ?? 0
        let earned = -(payeeBalances[.earned(from: Self.payer)]?.microunits ?? 0)
        #expect(paid == expectedPaid && earned == expectedPaid, "paid \(paid), earned \(earned), released \(expectedPaid)")
        #expect(payerBalances[.wallet]?.microunits == 1_000_000_000 - expectedPaid)
        await secondReplica.close()
    }
}
