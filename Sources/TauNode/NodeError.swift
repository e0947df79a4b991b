import TauCore

/// The domain of the composition root (home, configuration, identity operations).
public enum NodeErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by the composition root (home, configuration, identity operations).
public typealias NodeError = CodedError<NodeErrors>

/// The version of this build, reported by `--version` and `/healthz`.
public let tauNodeVersion = "0.1.0"
