import Foundation
import TauCore
import TauCrypto

/// One change of an account's balance; positive adds to it.
public struct Posting: Sendable, Hashable {
    public let account: LedgerAccount
    public let amount: Money

    public init(_ account: LedgerAccount, _ amount: Money) {
        self.account = account
        self.amount = amount
    }
}

/// One operation of the ledger: postings that sum to zero, in one currency, written in one
/// store transaction, under an idempotency key that makes a retried operation a no-op.
public struct LedgerEntry: Sendable, Hashable {
    /// What the operation was.
    public enum Kind: String, Sendable, CaseIterable {
        case topUp = "top_up"
        case hold
        case release
        case refund
        case earn
    }

    /// `led_` and 24 hex digits.
    public let id: String
    /// The same key twice is the same operation: the second is not posted again.
    public let idempotencyKey: String
    public let kind: Kind
    public let postings: [Posting]
    /// The escrow the entry belongs to, if any.
    public let escrowID: String?
    public let memo: String
    public let time: Date

    /// - Throws: ``LedgerError`` `ledger_unbalanced` (postings do not sum to zero, or fewer than
    ///   two), `currency_mismatch`, `amount_invalid` (a zero posting), `idempotency_key_invalid`.
    public init(
        id: String = LedgerEntry.newID(), idempotencyKey: String, kind: Kind, postings: [Posting], escrowID: String? = nil,
        memo: String = "", time: Date
    ) throws(LedgerError) {
        guard !idempotencyKey.isEmpty, idempotencyKey.utf8.count <= 256 else {
            throw LedgerError("idempotency_key_invalid", "an idempotency key has 1 to 256 bytes")
        }
        guard postings.count >= 2 else { throw LedgerError("ledger_unbalanced", "an entry needs at least two postings") }
        let currency = postings[0].amount.currency
        guard postings.allSatisfy({ $0.amount.currency == currency }) else {
            throw LedgerError("currency_mismatch", "the postings of one entry share one currency")
        }
        guard postings.allSatisfy({ !$0.amount.isZero }) else { throw LedgerError("amount_invalid", "a posting of zero changes nothing") }
        var sum = Money.zero(currency)
        for posting in postings {
            do {
                sum = try sum.adding(posting.amount)
            } catch {
                throw LedgerError("amount_invalid", "the postings overflow: \(error.message)")
            }
        }
        guard sum.isZero else { throw LedgerError("ledger_unbalanced", "the postings sum to \(sum.formatted()), not zero") }
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.kind = kind
        self.postings = postings
        self.escrowID = escrowID
        self.memo = memo
        self.time = time
    }

    public static func newID() -> String { "led_" + Hex.encode(SecureRandom.bytes(12)) }

    /// A transfer of `amount` (positive) from one account to another.
    public static func transfer(
        _ amount: Money, from source: LedgerAccount, to destination: LedgerAccount, kind: Kind, idempotencyKey: String,
        escrowID: String? = nil, memo: String = "", time: Date
    ) throws(LedgerError) -> LedgerEntry {
        guard amount.isPositive else { throw LedgerError("amount_invalid", "a transfer moves a positive amount") }
        let negated: Money
        do {
            negated = try amount.negated()
        } catch {
            throw LedgerError("amount_invalid", error.message)
        }
        return try LedgerEntry(
            idempotencyKey: idempotencyKey, kind: kind, postings: [Posting(source, negated), Posting(destination, amount)],
            escrowID: escrowID, memo: memo, time: time)
    }
}
