import Foundation
import TauAgent
import TauCore

/// An ``AgentRunRepository`` in memory, at the store's precision (whole milliseconds).
public actor InMemoryAgentRunRepository: AgentRunRepository {
    private var runs: [String: AgentRunRecord] = [:]

    public init() {}

    static func rounded(_ date: Date) -> Date { Date(epochMilliseconds: date.epochMilliseconds) }

    public func create(_ run: AgentRunRecord) async throws {
        guard runs[run.id] == nil else { throw AgentError("run_exists", "run \(run.id) exists", category: .conflict) }
        var stored = run
        stored.createdAt = Self.rounded(run.createdAt)
        stored.heartbeatAt = Self.rounded(run.heartbeatAt)
        stored.finishedAt = run.finishedAt.map(Self.rounded)
        runs[run.id] = stored
    }

    public func run(_ id: String) async throws -> AgentRunRecord? { runs[id] }

    public func heartbeat(_ id: String, at time: Date) async throws -> Bool {
        guard var run = runs[id], run.status == .running else { return false }
        run.heartbeatAt = Self.rounded(time)
        runs[id] = run
        return run.cancelRequested
    }

    public func finish(_ id: String, summary: JSONValue, at time: Date) async throws {
        guard var run = runs[id], run.status == .running else { return }
        run.status = .finished
        run.summary = summary
        run.finishedAt = Self.rounded(time)
        run.heartbeatAt = Self.rounded(time)
        runs[id] = run
    }

    public func requestCancel(_ id: String) async throws -> Bool {
        guard var run = runs[id], run.status == .running else { return false }
        run.cancelRequested = true
        runs[id] = run
        return true
    }

    public func hasRuns(in sessionID: String, apiKeyID: String?) async throws -> Bool {
        runs.values.contains { $0.sessionID == sessionID && $0.apiKeyID == apiKeyID }
    }

    public func sessionIDs(apiKeyID: String?, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        var latest: [String: Int64] = [:]
        for run in runs.values where run.apiKeyID == apiKeyID {
            latest[run.sessionID] = max(latest[run.sessionID] ?? .min, run.createdAt.epochMilliseconds)
        }
        return Array(latest.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key).prefix(limit))
    }
}
