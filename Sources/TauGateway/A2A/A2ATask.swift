import Foundation
import TauAgent
import TauCore

/// The states of an A2A task that an agent run can be in.
enum A2ATaskState: String, Sendable {
    case submitted
    case working
    case completed
    case failed
    case canceled

    /// The state's name in a dialect: `TASK_STATE_COMPLETED` (1.0) or `completed` (0.3).
    func name(_ dialect: A2ADialect) -> String {
        dialect == .v1 ? "TASK_STATE_" + rawValue.uppercased() : rawValue
    }

    var isTerminal: Bool { self == .completed || self == .failed || self == .canceled }

    /// How a run that ended maps: completed is completed, cancelled is canceled, every other
    /// outcome (a limit, a model or store failure) is failed.
    init(outcome: String?) {
        switch outcome {
        case "completed": self = .completed
        case "cancelled": self = .canceled
        default: self = .failed
        }
    }
}

/// A task as A2A shows it, built from an agent run: task id = run id, context id = session
/// id, the final answer as the `answer` artifact and as the status message.
struct A2ATaskView: Sendable {
    var id: String
    var contextID: String
    var state: A2ATaskState
    /// The run's final answer, once it completed.
    var answer: String?
    /// Why the run did not complete.
    var failure: String?
    var timestamp: Date
    /// `tau` details (outcome, model, cost) and the escrow id of a paid task.
    var metadata: [String: JSONValue]

    init(record: AgentRunRecord, escrowID: String?) {
        id = record.id
        contextID = record.sessionID
        var tau: [String: JSONValue] = ["model": .string(record.model), "status": .string(record.status.rawValue)]
        switch record.status {
        case .running:
            state = .working
            timestamp = record.heartbeatAt
        case .lost:
            state = .failed
            failure = "the replica running this task stopped"
            timestamp = record.heartbeatAt
        case .finished:
            let summary = record.summary ?? .null
            state = A2ATaskState(outcome: summary["outcome"]?.stringValue)
            if state == .completed { answer = summary["final_text"]?.stringValue ?? "" } else { failure = summary["message"]?.stringValue }
            tau["outcome"] = summary["outcome"] ?? .null
            tau["costUsd"] = summary["cost_usd"] ?? .null
            tau["turns"] = summary["turns"] ?? .null
            timestamp = record.finishedAt ?? record.heartbeatAt
        }
        if record.cancelRequested { tau["cancelRequested"] = true }
        metadata = ["tau": .object(tau)]
        if let escrowID { metadata["escrowId"] = .string(escrowID) }
    }

    /// The task as the `finished` event of its run describes it.
    init(summary: AgentRunSummary, model: String, at time: Date, escrowID: String?) {
        id = summary.runID
        contextID = summary.sessionID
        state = A2ATaskState(outcome: summary.outcome.rawValue)
        if state == .completed { answer = summary.finalText } else { failure = summary.message }
        timestamp = time
        metadata = [
            "tau": [
                "model": .string(model), "status": "finished", "outcome": .string(summary.outcome.rawValue),
                "costUsd": .amount(summary.cost), "turns": .number(Double(summary.turns)),
            ]
        ]
        if let escrowID { metadata["escrowId"] = .string(escrowID) }
    }

    /// The task object.
    func json(_ dialect: A2ADialect) -> JSONValue {
        var task: [String: JSONValue] = [
            "id": .string(id), "contextId": .string(contextID), "status": status(dialect), "metadata": .object(metadata),
        ]
        if let answer { task["artifacts"] = [artifact(answer, dialect)] }
        if dialect == .v03 { task["kind"] = "task" }
        return .object(task)
    }

    /// `{state, timestamp, message}`: the answer, or why there is none, as an agent message.
    func status(_ dialect: A2ADialect, state override: A2ATaskState? = nil) -> JSONValue {
        let state = override ?? self.state
        var status: [String: JSONValue] = ["state": .string(state.name(dialect)), "timestamp": .string(Timestamp.format(timestamp))]
        if state.isTerminal, let text = answer ?? failure, !text.isEmpty { status["message"] = message(text, dialect) }
        return .object(status)
    }

    func message(_ text: String, _ dialect: A2ADialect) -> JSONValue {
        var message: [String: JSONValue] = [
            "messageId": .string("msg-" + id + "-" + state.rawValue), "role": dialect == .v1 ? "ROLE_AGENT" : "agent",
            "parts": [Self.textPart(text, dialect)], "taskId": .string(id), "contextId": .string(contextID),
        ]
        if dialect == .v03 { message["kind"] = "message" }
        return .object(message)
    }

    func artifact(_ text: String, _ dialect: A2ADialect) -> JSONValue {
        ["artifactId": .string("answer-" + id), "name": "answer", "parts": [Self.textPart(text, dialect)]]
    }

    static func textPart(_ text: String, _ dialect: A2ADialect) -> JSONValue {
        dialect == .v1 ? ["text": .string(text)] : ["kind": "text", "text": .string(text)]
    }

    // MARK: Results and stream events

    /// The result of `SendMessage`: `{"task": …}` (1.0) or the task itself (0.3).
    func sendResult(_ dialect: A2ADialect) -> JSONValue {
        dialect == .v1 ? ["task": json(dialect)] : json(dialect)
    }

    /// A status update event; `final` marks the last event of a 0.3 stream.
    func statusEvent(_ dialect: A2ADialect, state: A2ATaskState, note: String? = nil) -> JSONValue {
        var status = self.status(dialect, state: state)
        if let note { status["message"] = message(note, dialect) }
        var event: [String: JSONValue] = ["taskId": .string(id), "contextId": .string(contextID), "status": status]
        if dialect == .v1 { return ["statusUpdate": .object(event)] }
        event["kind"] = "status-update"
        event["final"] = .bool(state.isTerminal)
        return .object(event)
    }

    /// The event that delivers the answer artifact whole.
    func artifactEvent(_ dialect: A2ADialect) -> JSONValue? {
        guard let answer else { return nil }
        var event: [String: JSONValue] = [
            "taskId": .string(id), "contextId": .string(contextID), "artifact": artifact(answer, dialect), "lastChunk": true,
        ]
        if dialect == .v1 { return ["artifactUpdate": .object(event)] }
        event["kind"] = "artifact-update"
        return .object(event)
    }

    /// The first event of a stream: the task as it stands.
    func taskEvent(_ dialect: A2ADialect) -> JSONValue { sendResult(dialect) }
}
