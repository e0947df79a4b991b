import TauCore

/// The domain of signed-message verification (codes in `Specs/envelope.md`).
public enum EnvelopeErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.unauthorized
}

/// Errors raised by signed-message verification (codes in `Specs/envelope.md`).
public typealias EnvelopeError = CodedError<EnvelopeErrors>

extension CodedError where Domain == EnvelopeErrors {
    static func malformed(_ why: String) -> EnvelopeError {
        EnvelopeError("envelope_malformed", why, category: .invalidInput)
    }
}
