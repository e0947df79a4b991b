import TauCore

/// Errors raised by the composition root (home, configuration, identity operations).
public struct NodeError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .invalidInput) {
        self.code = code
        self.message = message
        self.category = category
    }
}

/// The version of this build, reported by `--version` and `/healthz`.
public let tauNodeVersion = "0.1.0"
