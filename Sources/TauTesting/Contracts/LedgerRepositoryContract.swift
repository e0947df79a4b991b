import Foundation
import TauCore
import TauLedger

/// What every ``LedgerRepository`` must do.
public enum LedgerRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func credits(_ micro: Int64) -> Money { Money(microunits: micro, currency: .credits) }

    static func topUp(_ micro: Int64, key: String, at offset: Int64 = 0) throws -> LedgerEntry {
        try LedgerEntry.transfer(
            credits(micro), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: key,
            time: Date(epochMilliseconds: start.epochMilliseconds + offset))
    }

    public static let cases: [ContractCase<any LedgerRepository>] = [
        ContractCase("posts balanced entries and sums balances per account and currency") { ledger in
            try await ledger.post(try topUp(5_000_000, key: "top-1"))
            let hold = try LedgerEntry.transfer(
                credits(2_000_000), from: .wallet, to: .escrow("esc_1"), kind: .hold, idempotencyKey: "esc_1/hold", escrowID: "esc_1",
                time: Date(epochMilliseconds: start.epochMilliseconds + 10))
            try await ledger.post(hold)
            let release = try LedgerEntry(
                idempotencyKey: "esc_1/settle", kind: .release,
                postings: [
                    Posting(.escrow("esc_1"), credits(-2_000_000)), Posting(.paid(to: "did:tau:b"), credits(1_500_000)),
                    Posting(.wallet, credits(500_000)),
                ], escrowID: "esc_1", memo: "task 7", time: Date(epochMilliseconds: start.epochMilliseconds + 20))
            try await ledger.post(release)
            try await ledger.post(
                try LedgerEntry.transfer(
                    Money(microunits: 7, currency: .usd), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: "usd-1", time: start))
            try await require(try await ledger.balance(of: .wallet, currency: .credits) == credits(3_500_000), "wallet")
            try await require(try await ledger.balance(of: .escrow("esc_1"), currency: .credits) == credits(0), "escrow emptied")
            try await require(try await ledger.balance(of: .fees, currency: .credits) == credits(0), "an account without postings")
            try await require(try await ledger.balance(of: .wallet, currency: .usd) == Money(microunits: 7, currency: .usd), "per currency")
            let balances = try await ledger.balances(currency: .credits)
            try await require(balances.values.reduce(0) { $0 + $1.microunits } == 0, "the ledger sums to zero")
            try await require(balances[.paid(to: "did:tau:b")] == credits(1_500_000), "paid")
            let forEscrow = try await ledger.entries(escrowID: "esc_1", limit: 10)
            try await require(forEscrow.map(\.idempotencyKey) == ["esc_1/settle", "esc_1/hold"], "an escrow's entries, newest first")
            try await require(forEscrow.first == release, "read back exactly: \(String(describing: forEscrow.first))")
            try await require(try await ledger.entries(escrowID: nil, limit: 2).count == 2, "limited")
        },
        ContractCase("a repeated idempotency key posts once; another operation under it is refused") { ledger in
            let first = try topUp(1_000, key: "retry-me")
            try await ledger.post(first)
            let retry = try topUp(1_000, key: "retry-me", at: 5)
            let stored = try await ledger.post(retry)
            try await require(stored.id == first.id, "the retry returns the first entry")
            try await require(try await ledger.balance(of: .wallet, currency: .credits) == credits(1_000), "posted once")
            do {
                try await ledger.post(try topUp(2_000, key: "retry-me"))
                try await require(false, "another amount under the key must be refused")
            } catch let error as LedgerError {
                try await require(error.code == "idempotency_key_reused", "idempotency_key_reused, got \(error.code)")
            }
            try await require(try await ledger.balance(of: .wallet, currency: .credits) == credits(1_000), "nothing posted by the refusal")
        },
        ContractCase("concurrent posts under one key post exactly once") { ledger in
            let attempts = try (0..<12).map { _ in try topUp(500, key: "race") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in attempts { group.addTask { try await ledger.post(attempt) } }
                try await group.waitForAll()
            }
            try await require(try await ledger.balance(of: .wallet, currency: .credits) == credits(500), "one of twelve posted")
            try await require(try await ledger.entries(escrowID: nil, limit: 100).count == 1, "one entry")
        },
    ]
}
