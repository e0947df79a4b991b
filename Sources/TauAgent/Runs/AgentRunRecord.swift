import Foundation
import TauCore

/// A run started through the runs API, as every replica sees it in the store.
public struct AgentRunRecord: Sendable, Equatable {
    /// Where a run is.
    public enum Status: String, Sendable, CaseIterable {
        /// A replica is running it (its heartbeat is fresh).
        case running
        /// It ended; ``AgentRunRecord/summary`` says how.
        case finished
        /// Its replica stopped sending heartbeats without finishing it (the replica died).
        case lost
    }

    /// `run_` and 24 hex digits.
    public var id: String
    public var sessionID: String
    /// The API key that started it; nil for the operator.
    public var apiKeyID: String?
    public var model: String
    public var status: Status
    /// The run's summary once finished (``AgentRunSummary/json``).
    public var summary: JSONValue?
    public var createdAt: Date
    /// The last heartbeat of the replica running it.
    public var heartbeatAt: Date
    public var finishedAt: Date?
    /// Whether someone asked, on any replica, for the run to stop.
    public var cancelRequested: Bool
    /// The replica running it.
    public var replica: String

    public init(
        id: String, sessionID: String, apiKeyID: String?, model: String, status: Status = .running, summary: JSONValue? = nil,
        createdAt: Date, heartbeatAt: Date? = nil, finishedAt: Date? = nil, cancelRequested: Bool = false, replica: String
    ) {
        self.id = id
        self.sessionID = sessionID
        self.apiKeyID = apiKeyID
        self.model = model
        self.status = status
        self.summary = summary
        self.createdAt = createdAt
        self.heartbeatAt = heartbeatAt ?? createdAt
        self.finishedAt = finishedAt
        self.cancelRequested = cancelRequested
        self.replica = replica
    }

    /// The record as `GET /agent/v1/runs/{id}` shows it.
    public var json: JSONValue {
        [
            "id": .string(id), "object": "agent.run", "session_id": .string(sessionID), "model": .string(model),
            "status": .string(status.rawValue), "created_at": .string(Timestamp.format(createdAt)),
            "finished_at": finishedAt.map { .string(Timestamp.format($0)) } ?? .null, "cancel_requested": .bool(cancelRequested),
            "summary": summary ?? .null,
        ]
    }
}

/// Where runs are kept, shared by every replica of a node. Implemented by TauStore
/// (SQLite, PostgreSQL) and in memory by TauTesting; every implementation passes
/// `AgentRunRepositoryContract`.
public protocol AgentRunRepository: Sendable {
    /// Stores a new run.
    /// - Throws: ``AgentError`` `run_exists`.
    func create(_ run: AgentRunRecord) async throws
    /// The run with this id, if any (status as stored: `lost` is for the reader to judge).
    func run(_ id: String) async throws -> AgentRunRecord?
    /// Records that the run's replica is alive; returns whether a cancel was requested.
    func heartbeat(_ id: String, at time: Date) async throws -> Bool
    /// Marks the run finished with its summary (once; later calls change nothing).
    func finish(_ id: String, summary: JSONValue, at time: Date) async throws
    /// Asks the run to stop; false when there is no such run or it has finished.
    func requestCancel(_ id: String) async throws -> Bool
    /// Whether `apiKeyID` (nil: the operator) started a run in the session.
    func hasRuns(in sessionID: String, apiKeyID: String?) async throws -> Bool
    /// Sessions in which `apiKeyID` started runs (nil: the operator's), the most recent first.
    func sessionIDs(apiKeyID: String?, limit: Int) async throws -> [String]
}
