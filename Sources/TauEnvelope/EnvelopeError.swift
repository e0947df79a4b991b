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

extension CodedError where Domain == EnvelopeErrors {
    /// `kid_not_current`: the key is not (or no longer) a current key of the sender.
    static let kidNotCurrentCode = "kid_not_current"
    /// `sender_unknown`: the sender's DID could not be resolved here.
    static let senderUnknownCode = "sender_unknown"

    /// Whether a fresher copy of the sender's DID log may cure this refusal: the sender is
    /// unknown here, or signed with a key that the held log does not list as current.
    public var mayBeCuredByFresherLog: Bool { code == Self.kidNotCurrentCode || code == Self.senderUnknownCode }

    /// `envelope_too_large`: more bytes than a signed message may have.
    static let tooLargeCode = "envelope_too_large"
    static func tooLarge(_ why: String) -> EnvelopeError { EnvelopeError(tooLargeCode, why, category: .invalidInput) }

    /// Whether the message was refused for its size alone.
    public var isTooLarge: Bool { code == Self.tooLargeCode }
}
