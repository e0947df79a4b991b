import TauCore

/// An account of a node's ledger. Each is named by a string, so that the store keeps any
/// account without a schema change:
///
/// - `wallet`: credits the node may spend;
/// - `escrow/<escrow id>`: credits held for one escrow, by the payer;
/// - `paid/<did>`: what this node paid the peer, in total;
/// - `earned/<did>`: what the peer paid this node, in total (negative: it is owed out of the
///   outside world into `wallet`);
/// - `topup`: credits the operator brought in from outside (negative by that amount);
/// - `fees`: fees this node charged (reserved; no fee is charged in this version).
public struct LedgerAccount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let name: String

    /// - Throws: ``LedgerError`` `account_invalid` for a name of no known kind.
    public init(name: String) throws(LedgerError) {
        guard Self.isValid(name) else { throw LedgerError("account_invalid", "\(name.prefix(80)) is not a ledger account name") }
        self.name = name
    }

    private init(unchecked name: String) {
        self.name = name
    }

    public static let wallet = LedgerAccount(unchecked: "wallet")
    public static let topUp = LedgerAccount(unchecked: "topup")
    public static let fees = LedgerAccount(unchecked: "fees")

    public static func escrow(_ id: String) -> LedgerAccount { LedgerAccount(unchecked: "escrow/" + id) }
    public static func paid(to did: String) -> LedgerAccount { LedgerAccount(unchecked: "paid/" + did) }
    public static func earned(from did: String) -> LedgerAccount { LedgerAccount(unchecked: "earned/" + did) }

    /// The escrow id of an `escrow/<id>` account.
    public var escrowID: String? { name.hasPrefix("escrow/") ? String(name.dropFirst(7)) : nil }

    public var description: String { name }

    public static func < (lhs: LedgerAccount, rhs: LedgerAccount) -> Bool { lhs.name < rhs.name }

    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 2_200, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return false
        }
        if ["wallet", "topup", "fees"].contains(name) { return true }
        for prefix in ["escrow/", "paid/", "earned/"] where name.hasPrefix(prefix) { return name.count > prefix.count }
        return false
    }
}
