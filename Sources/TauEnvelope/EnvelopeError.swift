import TauCore

/// Why a signed message was refused. Every code is listed in `Specs/envelope.md`.
public struct EnvelopeError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .unauthorized) {
        self.code = code
        self.message = message
        self.category = category
    }

    static func malformed(_ why: String) -> EnvelopeError {
        EnvelopeError("envelope_malformed", why, category: .invalidInput)
    }
}
