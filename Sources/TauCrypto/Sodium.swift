import CSodium
import TauCore

/// Ensures libsodium is initialised before any primitive is used.
///
/// `sodium_init` is thread-safe and idempotent; the lazily initialised `let`
/// runs it exactly once per process.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0

    static func ensureReady() throws(CryptoError) {
        guard ready else { throw CryptoError("crypto_unavailable", "libsodium failed to initialise") }
    }
}

/// Errors raised by TauCrypto.
public struct CryptoError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .invalidInput) {
        self.code = code
        self.message = message
        self.category = category
    }
}

