import TauCore

/// The domain of TauStore.
public enum StoreErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.internal
}

/// Errors raised by TauStore.
public typealias StoreError = CodedError<StoreErrors>
