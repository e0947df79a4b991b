import TauCore

/// The domain of offline receipt verification (codes in `docs/receipts.md`).
public enum ReceiptErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised while reading or verifying a receipt bundle.
public typealias ReceiptError = CodedError<ReceiptErrors>

/// Why a receipt bundle, or one message in it, does not verify. The raw values are the
/// stable reason codes printed by `tau-node receipts verify`.
public enum ReceiptReason: String, Sendable, CaseIterable {
    /// The file or a message is not what `tau-receipts/1` and `Specs/envelope.md` describe.
    case malformed = "receipt_malformed"
    /// The file, a message, or the number of messages or logs exceeds a limit.
    case tooLarge = "receipt_too_large"
    /// A did:tau signer's log is not in the bundle.
    case logMissing = "receipt_log_missing"
    /// A did:tau signer's bundled log does not verify from its genesis entry.
    case logInvalid = "receipt_log_invalid"
    /// `kid` was not an authentication key of the signer when the message was made.
    case keyNotValid = "receipt_key_not_valid"
    /// The signature does not verify with that key (the message was changed).
    case signatureInvalid = "receipt_signature_invalid"
    /// The message's body names another escrow than the bundle.
    case escrowMismatch = "receipt_escrow_mismatch"
    /// The signer's key cannot be known offline (did:web, an unsupported method).
    case signerUnverifiable = "receipt_signer_unverifiable"
    /// The signer's DID was deactivated at or before the message's `created_time`.
    case signerDeactivated = "receipt_signer_deactivated"
}

extension CodedError where Domain == ReceiptErrors {
    init(_ reason: ReceiptReason, _ message: String) {
        self.init(reason.rawValue, message)
    }

    /// The reason, when the code is one of ``ReceiptReason``.
    public var reason: ReceiptReason? { ReceiptReason(rawValue: code) }
}
