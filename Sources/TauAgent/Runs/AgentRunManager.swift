import Foundation
import Logging
import TauCore
import Synchronization
import TauCrypto

/// Runs agent runs on behalf of API callers, apart from the requests that start them: a run
/// goes on when its client disconnects, is recorded in the store so every replica can show
/// it, and stops when a cancel is requested on any replica (each running run sends a
/// heartbeat and reads the cancel flag every `heartbeatInterval`).
public actor AgentRunManager {
    let repository: any AgentRunRepository
    let sessions: any SessionRepository
    let clock: NodeClock
    /// This replica's name in run records.
    public nonisolated let replica: String
    let heartbeatInterval: Duration
    /// A running run whose heartbeat is older than this is shown as `lost`.
    public nonisolated let lostAfter: TimeInterval
    /// Most runs this replica runs at once; more are refused (`runs_busy`), since each may
    /// hold model calls, shell commands and MCP calls.
    public nonisolated let maximumConcurrentRuns: Int
    let logger: Logger
    /// Sees every start and end with the number of runs this replica then runs (for metrics).
    let observe: @Sendable (_ ended: AgentOutcome?, _ running: Int) -> Void
    private var local: [String: LocalRun] = [:]
    private var stopping = false

    /// A run of this replica: its task and its event channel.
    final class LocalRun: Sendable {
        let task: Task<AgentRunSummary, Never>
        let channel: EventChannel

        init(task: Task<AgentRunSummary, Never>, channel: EventChannel) {
            self.task = task
            self.channel = channel
        }
    }

    public init(
        repository: any AgentRunRepository, sessions: any SessionRepository, clock: NodeClock, replica: String = "r-" + Hex.encode(SecureRandom.bytes(4)),
        heartbeatInterval: Duration = .seconds(1), lostAfter: TimeInterval = 30, maximumConcurrentRuns: Int = 8,
        logger: Logger = Logger(label: "tau.agent.runs"), observe: @escaping @Sendable (_ ended: AgentOutcome?, _ running: Int) -> Void = { _, _ in }
    ) {
        self.observe = observe
        self.maximumConcurrentRuns = max(1, maximumConcurrentRuns)
        self.repository = repository
        self.sessions = sessions
        self.clock = clock
        self.replica = replica
        self.heartbeatInterval = heartbeatInterval
        self.lostAfter = max(lostAfter, 3 * heartbeatInterval.timeInterval)
        self.logger = logger
    }

    /// A run that was started, with its events from the first.
    public struct Started: Sendable {
        public var record: AgentRunRecord
        public var events: AsyncStream<AgentEvent>
    }

    /// Starts `agent` on `prompt` in session `sessionID`, or in a new session titled after the
    /// prompt when nil.
    /// - Throws: ``AgentError`` `session_not_found`, `runs_stopping` while the replica shuts down,
    ///   `runs_busy` when it already runs ``maximumConcurrentRuns``, or the store's error.
    public func start(_ prompt: String, sessionID: String?, agent: Agent, model: String, apiKeyID: String?) async throws -> Started {
        guard !stopping else {
            throw AgentError("runs_stopping", "this replica is shutting down; start the run on another", category: .temporarilyUnavailable)
        }
        guard local.count < maximumConcurrentRuns else {
            throw AgentError(
                "runs_busy", "this replica already runs \(maximumConcurrentRuns) runs; try again when one has finished", category: .rateLimited)
        }
        let now = clock.now()
        let session: String
        if let sessionID {
            guard try await sessions.session(sessionID) != nil else {
                throw AgentError("session_not_found", "no session \(sessionID.prefix(64))", category: .notFound)
            }
            session = sessionID
        } else {
            let created = Session(title: Self.title(prompt), createdAt: now)
            try await sessions.create(created)
            session = created.id
        }
        let record = AgentRunRecord(id: AgentRunID.make(), sessionID: session, apiKeyID: apiKeyID, model: model, createdAt: now, replica: replica)
        try await repository.create(record)
        let channel = EventChannel()
        let events = channel.subscribe()
        let runID = record.id
        let task = Task { await agent.run(prompt, in: session, runID: runID) { channel.send($0) } }
        local[runID] = LocalRun(task: task, channel: channel)
        observe(nil, local.count)
        Task { await self.watch(runID, task: task, channel: channel) }
        return Started(record: record, events: events)
    }

    /// Heartbeats while the run goes on, cancels it when asked from any replica, and records
    /// its summary when it ends.
    private func watch(_ runID: String, task: Task<AgentRunSummary, Never>, channel: EventChannel) async {
        let beats = Task { [repository, clock, heartbeatInterval, logger] in
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: heartbeatInterval)
                    if try await repository.heartbeat(runID, at: clock.now()) { task.cancel() }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("run heartbeat failed", metadata: ["run": "\(runID)", "error": "\(error)"])
                }
            }
        }
        let summary = await task.value
        beats.cancel()
        // Its place is free before its end is recorded: whoever sees it finished may start another.
        local[runID] = nil
        observe(summary.outcome, local.count)
        do {
            try await repository.finish(runID, summary: summary.json, at: clock.now())
        } catch {
            logger.error("could not record the end of a run", metadata: ["run": "\(runID)", "error": "\(error)"])
        }
        channel.finish()
    }

    /// The run as the store has it; a running run without a recent heartbeat is `lost`.
    public func record(_ id: String) async throws -> AgentRunRecord? {
        guard var record = try await repository.run(id) else { return nil }
        if record.status == .running, clock.now().timeIntervalSince(record.heartbeatAt) > lostAfter { record.status = .lost }
        return record
    }

    /// Asks the run to stop, wherever it runs: at once on this replica, at the next heartbeat
    /// on another. False when there is no such run or it has finished.
    public func cancel(_ id: String) async throws -> Bool {
        guard try await repository.requestCancel(id) else { return false }
        local[id]?.task.cancel()
        return true
    }

    /// The events of a run of this replica from the first, or nil when it runs elsewhere or
    /// has ended.
    public func events(of id: String) -> AsyncStream<AgentEvent>? {
        local[id]?.channel.subscribe()
    }

    /// Cancels every run of this replica and waits until each has recorded how it ended
    /// (graceful shutdown). New runs are refused from now on.
    public func shutdown() async {
        stopping = true
        let runs = Array(local.values)
        for run in runs { run.task.cancel() }
        for run in runs {
            _ = await run.task.value
            for await _ in run.channel.subscribe() {}
        }
    }

    static func title(_ prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? "run"
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}

/// Fans a run's events out to any number of subscribers; each gets every event from the
/// first, also when it subscribes late.
final class EventChannel: Sendable {
    private struct State {
        var history: [AgentEvent] = []
        var subscribers: [UUID: AsyncStream<AgentEvent>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    // Yields happen under the lock (they never wait: the buffers are unbounded), so every
    // subscriber sees the events in one order, history first.
    func send(_ event: AgentEvent) {
        state.withLock { state in
            state.history.append(event)
            for subscriber in state.subscribers.values { subscriber.yield(event) }
        }
    }

    func subscribe() -> AsyncStream<AgentEvent> {
        let (stream, continuation) = AsyncStream<AgentEvent>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        let finished = state.withLock { state in
            for event in state.history { continuation.yield(event) }
            if !state.finished { state.subscribers[id] = continuation }
            return state.finished
        }
        if finished {
            continuation.finish()
        } else {
            // A subscriber that goes away (a client disconnecting) leaves the run alone.
            continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        }
        return stream
    }

    func finish() {
        let subscribers = state.withLock { state -> [AsyncStream<AgentEvent>.Continuation] in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
