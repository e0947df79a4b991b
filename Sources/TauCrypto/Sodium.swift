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

/// The domain of TauCrypto.
public enum CryptoErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by TauCrypto.
public typealias CryptoError = CodedError<CryptoErrors>

