import TauCore

/// The domain of the ledger and escrow.
public enum LedgerErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors of the ledger and of escrow transitions; codes are listed in `Specs/escrow.md` §9.
public typealias LedgerError = CodedError<LedgerErrors>
