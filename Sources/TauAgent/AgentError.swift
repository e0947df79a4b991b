import TauCore

/// The domain of the agent runtime (sessions, runs, tools).
public enum AgentErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by the agent runtime; codes are listed in `docs/agent.md`.
public typealias AgentError = CodedError<AgentErrors>
