import Foundation
import TauCore
import TauProviders

/// Something that happened during a run, in order. The CLI prints them, the runs API sends
/// them as SSE, the mesh and training read them. Every run emits `runStarted` first and
/// `finished` last, whatever happens in between.
public enum AgentEvent: Sendable, Equatable {
    /// The run began in `sessionID` with `model`.
    case runStarted(runID: String, sessionID: String, model: String)
    /// A piece of the assistant's answer.
    case textDelta(String)
    /// A piece of the model's reasoning, where the provider shows it.
    case reasoningDelta(String)
    /// The model asked for a tool call (arguments as the model wrote them).
    case toolCall(id: String, name: String, arguments: String)
    /// A tool call ended: its output as the model will read it (redacted), or the reason code
    /// it failed with.
    case toolResult(id: String, name: String, output: String, errorCode: String?)
    /// What one model call used and cost.
    case usage(Usage, cost: Money?)
    /// Older turns were summarised: `summarised` entries now stand behind the summary entry.
    case compaction(entryID: String, summarised: Int)
    /// A failure the run reports before it finishes (the `finished` event says how it ended).
    case error(code: String, message: String)
    /// The run ended.
    case finished(AgentRunSummary)

    /// The event as JSON: `{"type": "text_delta", "text": ...}` and so on, as the CLI's
    /// `--json` lines and the runs API's SSE `data:` carry it (docs/agent.md lists them).
    public var json: JSONValue {
        switch self {
        case .runStarted(let runID, let sessionID, let model):
            return ["type": "run_started", "run_id": .string(runID), "session_id": .string(sessionID), "model": .string(model)]
        case .textDelta(let text):
            return ["type": "text_delta", "text": .string(text)]
        case .reasoningDelta(let text):
            return ["type": "reasoning_delta", "text": .string(text)]
        case .toolCall(let id, let name, let arguments):
            return ["type": "tool_call", "id": .string(id), "name": .string(name), "arguments": .string(arguments)]
        case .toolResult(let id, let name, let output, let errorCode):
            return [
                "type": "tool_result", "id": .string(id), "name": .string(name), "output": .string(output),
                "error_code": errorCode.map(JSONValue.string) ?? .null,
            ]
        case .usage(let usage, let cost):
            return ["type": "usage", "usage": usage.agentJSON, "cost_usd": cost.map(JSONValue.amount) ?? .null]
        case .compaction(let entryID, let summarised):
            return ["type": "compaction", "entry_id": .string(entryID), "summarised": .number(Double(summarised))]
        case .error(let code, let message):
            return ["type": "error", "code": .string(code), "message": .string(message)]
        case .finished(let summary):
            var json = summary.json
            json["type"] = "finished"
            return json
        }
    }
}

/// How a run ended, with a stable reason code.
public enum AgentOutcome: String, Sendable, CaseIterable {
    /// The model answered without asking for more tools.
    case completed
    /// `maxTurns` model calls were made and the model still asked for tools.
    case maxTurns = "max_turns"
    /// The whole run took longer than its timeout.
    case runTimeout = "run_timeout"
    /// One model call (or the tools of one turn) took longer than the turn timeout.
    case turnTimeout = "turn_timeout"
    /// The caller cancelled the run (Ctrl-C, `POST .../cancel`).
    case cancelled
    /// The model call failed (the `error` event before `finished` has the provider's code).
    case modelError = "model_error"
    /// The model call failed on the turn that carried tool results back — common with local
    /// servers whose chat template cannot render tool messages.
    case toolTurnFailed = "tool_turn_failed"
    /// The model sent nothing: no text, no tool call.
    case emptyResponse = "empty_response"
    /// The model asked for the same tool calls turn after turn.
    case toolLoop = "tool_loop"
    /// The model wrote a tool call as text instead of calling the tool (a server without
    /// tool support, or a chat template that drops tools).
    case modelIgnoredTools = "model_ignored_tools"
    /// Another writer changed the session while the run was writing to it.
    case sessionConflict = "session_conflict"
    /// The session could not be read or written.
    case storeFailed = "store_failed"

    /// Whether the run did what was asked.
    public var isSuccess: Bool { self == .completed }
}

/// What a run did, in the `finished` event and `GET /agent/v1/runs/{id}`.
public struct AgentRunSummary: Sendable, Equatable {
    public var runID: String
    public var sessionID: String
    public var outcome: AgentOutcome
    /// A sentence for the user when the run did not complete.
    public var message: String?
    /// Model calls made (summaries for compaction included).
    public var turns: Int
    /// Tokens of all model calls of the run.
    public var usage: Usage
    /// Their cost, where prices are known.
    public var cost: Money
    /// The last answer's text.
    public var finalText: String
    /// The session's head when the run ended.
    public var headID: String?

    public init(
        runID: String, sessionID: String, outcome: AgentOutcome, message: String? = nil, turns: Int, usage: Usage, cost: Money,
        finalText: String, headID: String?
    ) {
        self.runID = runID
        self.sessionID = sessionID
        self.outcome = outcome
        self.message = message
        self.turns = turns
        self.usage = usage
        self.cost = cost
        self.finalText = finalText
        self.headID = headID
    }

    public var json: JSONValue {
        [
            "run_id": .string(runID), "session_id": .string(sessionID), "outcome": .string(outcome.rawValue),
            "success": .bool(outcome.isSuccess), "message": message.map(JSONValue.string) ?? .null,
            "turns": .number(Double(turns)), "usage": usage.agentJSON, "cost_usd": .amount(cost),
            "final_text": .string(finalText), "head_id": headID.map(JSONValue.string) ?? .null,
        ]
    }
}

extension Usage {
    /// Usage as the agent's events and entries write it.
    var agentJSON: JSONValue {
        [
            "input_tokens": .number(Double(inputTokens)), "output_tokens": .number(Double(outputTokens)),
            "cached_input_tokens": .number(Double(cachedInputTokens)), "reasoning_tokens": .number(Double(reasoningTokens)),
        ]
    }

    /// Field-wise sum, for a run's totals.
    func adding(_ other: Usage) -> Usage {
        Usage(
            inputTokens: inputTokens + other.inputTokens, outputTokens: outputTokens + other.outputTokens,
            cachedInputTokens: cachedInputTokens + other.cachedInputTokens, cacheWriteTokens: cacheWriteTokens + other.cacheWriteTokens,
            reasoningTokens: reasoningTokens + other.reasoningTokens)
    }
}
