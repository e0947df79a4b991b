import Foundation
import Logging
import TauCore
import TauProviders

/// The agent loop: sends the session's branch to the model, streams the answer, runs the
/// tools it asks for, feeds the results back, and repeats until the model answers without
/// tools — or a limit, a failure or the caller ends the run, always with a reason code
/// (``AgentOutcome``) and with the session consistent: every entry the run reported is
/// stored, and every tool call has a result.
public struct Agent: Sendable {
    let models: ModelService
    let sessions: any SessionRepository
    let runner: ToolRunner
    let safety: AgentSafety?
    let configuration: AgentConfiguration
    let clock: NodeClock
    let logger: Logger

    /// - Parameter safety: the policy, approval, redaction, screening and audit every tool call
    ///   passes through; nil runs tools under `toolContext`'s path policy alone (tests).
    public init(
        models: ModelService, sessions: any SessionRepository, tools: [any AgentTool], toolContext: ToolContext,
        configuration: AgentConfiguration, safety: AgentSafety? = nil, clock: NodeClock = .system, logger: Logger = Logger(label: "tau.agent")
    ) {
        self.models = models
        self.safety = safety
        self.sessions = sessions
        self.runner = ToolRunner(
            tools: tools, context: toolContext, timeout: configuration.toolTimeout, clock: clock,
            maximumOutputCharacters: configuration.maximumToolOutputCharacters)
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Runs `prompt` in the session, after its head, reporting every event to `emit` as it
    /// happens. Returns how the run ended (also sent as the last event). Cancelling the
    /// calling task ends the run `cancelled`.
    public func run(
        _ prompt: String, in sessionID: String, runID: String = AgentRunID.make(),
        emit: @escaping @Sendable (AgentEvent) async -> Void = { _ in }
    ) async -> AgentRunSummary {
        await emit(.runStarted(runID: runID, sessionID: sessionID, model: configuration.model))
        let session: Session?
        let branch: [SessionEntry]
        do {
            session = try await Task { try await sessions.session(sessionID) }.value
            // Read once: from here on the run is the only writer of its branch (another writer
            // moving the head ends the run with session_conflict), so the recorder keeps it.
            branch = session == nil ? [] : try await Task { try await sessions.path(of: sessionID, to: session?.headID) }.value
        } catch {
            return await finish(runID, sessionID, .storeFailed, "the session could not be read: \(Self.describe(error))", recorder: nil, emit: emit)
        }
        guard session != nil else {
            await emit(.error(code: "session_not_found", message: "no session \(sessionID)"))
            return await finish(runID, sessionID, .storeFailed, "no session \(sessionID)", recorder: nil, emit: emit)
        }
        let recorder = RunRecorder(sessions: sessions, sessionID: sessionID, branch: branch, now: clock.now)
        let check = safety.map { SafetyCheck(safety: $0, sessionID: sessionID, runID: runID, now: clock.now, logger: logger) }
        let loop = RunLoop(agent: self, recorder: recorder, safety: check, emit: emit)
        let ending: RunEnding
        do {
            try await recorder.append(.message, Conversation.userMessage(prompt))
            ending = try await Deadline.run(configuration.runTimeout, clock: clock, kind: .run) { try await loop.turns() }
        } catch {
            ending = RunEnding.from(error, cancelled: Task.isCancelled)
        }
        if let code = ending.errorCode { await emit(.error(code: code, message: ending.message ?? code)) }
        return await finish(runID, sessionID, ending.outcome, ending.message, recorder: recorder, finalText: ending.finalText, emit: emit)
    }

    /// The run's events as a stream; ending the iteration early (or cancelling the task that
    /// iterates) cancels the run.
    public func events(_ prompt: String, in sessionID: String, runID: String = AgentRunID.make()) -> AsyncStream<AgentEvent> {
        let (stream, continuation) = AsyncStream<AgentEvent>.makeStream(bufferingPolicy: .unbounded)
        let task = Task {
            _ = await run(prompt, in: sessionID, runID: runID) { continuation.yield($0) }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func finish(
        _ runID: String, _ sessionID: String, _ outcome: AgentOutcome, _ message: String?, recorder: RunRecorder?,
        finalText: String = "", emit: @Sendable (AgentEvent) async -> Void
    ) async -> AgentRunSummary {
        let summary = AgentRunSummary(
            runID: runID, sessionID: sessionID, outcome: outcome, message: message, turns: await recorder?.turns ?? 0,
            usage: await recorder?.usage ?? Usage(), cost: await recorder?.cost ?? .zero(.usd), finalText: finalText,
            headID: await recorder?.head)
        await emit(.finished(summary))
        return summary
    }

    static func describe(_ error: any Error) -> String {
        if let coded = error as? any TauError { return "\(coded.code): \(coded.message)" }
        return "\(type(of: error))"
    }
}

/// How the turns ended.
struct RunEnding: Sendable {
    var outcome: AgentOutcome
    var message: String?
    /// The code of the `error` event sent before `finished`, if any.
    var errorCode: String?
    var finalText = ""

    static func from(_ error: any Error, cancelled: Bool) -> RunEnding {
        if let deadline = error as? Deadline.Exceeded {
            let outcome: AgentOutcome = deadline.kind == .run ? .runTimeout : .turnTimeout
            return RunEnding(outcome: outcome, message: deadline.message, errorCode: outcome.rawValue)
        }
        if cancelled || error is CancellationError {
            return RunEnding(outcome: .cancelled, message: "the run was cancelled")
        }
        if let agent = error as? AgentError, agent.isSessionConflict {
            return RunEnding(outcome: .sessionConflict, message: agent.message, errorCode: agent.code)
        }
        if let ending = error as? ModelCallFailed {
            return RunEnding(outcome: ending.afterToolResults ? .toolTurnFailed : .modelError, message: ending.message, errorCode: ending.code)
        }
        let text = Agent.describe(error)
        return RunEnding(outcome: .storeFailed, message: text, errorCode: (error as? any TauError)?.code ?? "store_failed")
    }
}

/// A model call that failed, with the provider's code.
struct ModelCallFailed: Error {
    var code: String
    var message: String
    var afterToolResults: Bool
}

/// Races work against a deadline on the node's clock.
enum Deadline {
    enum Kind: Sendable { case run, turn }

    struct Exceeded: Error {
        var kind: Kind
        var limit: Duration
        var message: String { kind == .run ? "the run took longer than \(limit)" : "a model call took longer than \(limit)" }
    }

    /// Runs `work`; when `limit` passes first, cancels it, waits for it to wind down (so
    /// what it writes while stopping is written) and throws ``Exceeded``.
    static func run<T: Sendable>(_ limit: Duration, clock: NodeClock, kind: Kind, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await clock.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            guard let value = first else { throw Exceeded(kind: kind, limit: limit) }
            return value
        }
    }
}
