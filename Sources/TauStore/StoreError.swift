import TauCore

/// The domain of TauStore.
public enum StoreErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.internal
}

/// Errors raised by TauStore. Driver errors never leave the module; they become one of:
///
/// | code | meaning |
/// |---|---|
/// | `store_unavailable` | the database cannot be reached or did not answer in time (HTTP 503); retry later |
/// | `store_conflict` | a concurrent transaction won (serialization failure, deadlock, busy); retry (HTTP 503) |
/// | `store_constraint` | a write broke a uniqueness or integrity rule |
/// | `store_corrupt` | a stored value has the wrong shape |
/// | `store_schema_newer` | the database was migrated by a newer tau-node |
/// | `store_migration_failed` | a schema migration failed (nothing of it was kept) |
/// | `store_url_invalid` | `TAU_DATABASE_URL` / `[database] url` cannot be used |
/// | `store_closed` | the store was closed |
/// | `store_failed` | any other database failure |
public typealias StoreError = CodedError<StoreErrors>

extension CodedError where Domain == StoreErrors {
    /// The database cannot be reached or did not answer in time.
    static func unavailable(_ message: String, cause: (any Error)? = nil) -> StoreError {
        StoreError("store_unavailable", message, category: .temporarilyUnavailable, cause: cause)
    }

    /// A concurrent transaction won; retrying after a moment succeeds, so it is reported as
    /// a temporary refusal (503), like a database that is out of reach.
    static func conflict(_ message: String, cause: (any Error)? = nil) -> StoreError {
        StoreError("store_conflict", message, category: .temporarilyUnavailable, cause: cause)
    }

    /// Whether the failure is worth retrying after a moment.
    public var isTransient: Bool { category == .temporarilyUnavailable }
}
