import TauCore

/// Errors raised by TauStore.
public struct StoreError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .internal) {
        self.code = code
        self.message = message
        self.category = category
    }
}
