import Foundation

/// A signed message that moved an escrow (or answered one that did), kept as a receipt
/// (`Specs/escrow.md` §7): either side can later prove what happened with it.
public struct EscrowReceipt: Sendable, Equatable {
    public var escrowID: String
    /// The signed message's `id`.
    public var messageID: String
    /// The DID that signed it.
    public var signer: String
    /// Its full type URI.
    public var type: String
    /// The signed message as received or sent (its JSON serialization).
    public var message: String
    public var time: Date

    public init(escrowID: String, messageID: String, signer: String, type: String, message: String, time: Date) {
        self.escrowID = escrowID
        self.messageID = messageID
        self.signer = signer
        self.type = type
        self.message = message
        self.time = time
    }
}

/// Where a node keeps its receipts. Implemented by TauStore on SQLite and PostgreSQL.
public protocol EscrowReceiptRepository: Sendable {
    /// Keeps a receipt; keeping one already kept (same escrow and message id) changes nothing.
    func keep(_ receipt: EscrowReceipt) async throws
    /// The receipts of an escrow, oldest first.
    func receipts(of escrowID: String) async throws -> [EscrowReceipt]
}
