import Foundation
import TauCore
import TauProviders

/// The turns of one run.
struct RunLoop: Sendable {
    let agent: Agent
    let recorder: RunRecorder
    let safety: SafetyCheck?
    let emit: @Sendable (AgentEvent) async -> Void

    var configuration: AgentConfiguration { agent.configuration }

    /// One model call's answer, as recorded.
    struct Turn: Sendable {
        var message: ChatMessage
        var usage: Usage
    }

    func turns() async throws -> RunEnding {
        var previousCalls: [String] = []
        var repeats = 1
        var afterToolResults = false
        var modelTurns = 0
        while true {
            try Task.checkCancellation()
            guard modelTurns < configuration.maxTurns else {
                return RunEnding(
                    outcome: .maxTurns, message: "the model still asked for tools after \(configuration.maxTurns) turns", errorCode: "max_turns")
            }
            var request = try await request()
            if try await compactIfNeeded(request) { request = try await self.request() }
            let sent = request
            let toolResultsBefore = afterToolResults
            let turn = try await Deadline.run(configuration.turnTimeout, clock: agent.clock, kind: .turn) {
                try await stream(sent, afterToolResults: toolResultsBefore)
            }
            modelTurns += 1
            let calls = turn.message.toolCalls
            guard !calls.isEmpty else { return ending(of: turn, offeredTools: !request.tools.isEmpty) }

            let signature = calls.map { $0.name + " " + Self.canonical($0.arguments) }.sorted()
            repeats = signature == previousCalls ? repeats + 1 : 1
            previousCalls = signature
            if repeats >= configuration.repeatedCallLimit {
                // Every call gets a result, so the session stays a well-formed conversation.
                for call in calls {
                    try await recorder.append(
                        .toolResult,
                        Conversation.toolResult(
                            callID: call.id, name: call.name, output: "error: not run, the same calls were repeated", errorCode: "tool_loop"))
                }
                return RunEnding(
                    outcome: .toolLoop, message: "the model made the same tool calls \(repeats) turns in a row", errorCode: "tool_loop",
                    finalText: turn.message.text)
            }
            let outcomes = await agent.runner.run(calls, safety: safety, emit: emit)
            for outcome in outcomes {
                try await recorder.append(
                    .toolResult,
                    Conversation.toolResult(callID: outcome.call.id, name: outcome.call.name, output: outcome.output, errorCode: outcome.errorCode))
            }
            try Task.checkCancellation()
            afterToolResults = true
        }
    }

    /// The request for the next model call, from the session's branch up to the run's head.
    func request() async throws -> ChatRequest {
        let path = await recorder.branch
        let tools = agent.runner.definitions
        return ChatRequest(
            model: configuration.model, messages: Conversation.messages(system: configuration.systemPrompt, path: path), tools: tools,
            toolChoice: tools.isEmpty ? nil : .auto, maxOutputTokens: configuration.maxOutputTokens, temperature: configuration.temperature)
    }

    /// Streams one model call, reporting deltas as they come, and records the answer and its
    /// tool calls. A call that breaks (or is cancelled) mid-stream still records the text
    /// received so far, marked interrupted, and none of its half-formed tool calls.
    func stream(_ request: ChatRequest, afterToolResults: Bool) async throws -> Turn {
        var context = configuration.callContext
        context.sessionID = recorder.sessionID
        let routed: Routed<ChatEventStream>
        do {
            routed = try await agent.models.stream(request, context: context)
        } catch {
            throw Self.failure(error, afterToolResults: afterToolResults)
        }
        var accumulator = ChatResponseAccumulator()
        var failure: (any Error)?
        do {
            for try await event in routed.value {
                accumulator.add(event)
                switch event {
                case .text(let text): await emit(.textDelta(text))
                case .thinking(let text, _) where !text.isEmpty: await emit(.reasoningDelta(text))
                default: break
                }
            }
        } catch {
            failure = error
        }
        let cancelled = Task.isCancelled
        let response = accumulator.response
        let usage = accumulator.usage
        let cost = try? routed.route.pricing?.cost(of: usage)
        await recorder.count(usage, cost: cost)
        await emit(.usage(usage, cost: cost))
        if failure != nil || cancelled {
            var partial = response.message
            partial.toolCalls = []
            if !partial.content.isEmpty {
                try await recorder.append(.message, Conversation.assistantMessage(partial, interrupted: true), usage: usage, cost: cost)
            }
            if cancelled { throw CancellationError() }
            throw Self.failure(failure ?? CancellationError(), afterToolResults: afterToolResults)
        }
        try await recorder.append(.message, Conversation.assistantMessage(response.message, interrupted: false), usage: usage, cost: cost)
        for call in response.message.toolCalls {
            try await recorder.append(.toolCall, Conversation.toolCall(call))
            await emit(.toolCall(id: call.id, name: call.name, arguments: call.arguments))
        }
        return Turn(message: response.message, usage: usage)
    }

    /// How a turn without tool calls ends the run.
    private func ending(of turn: Turn, offeredTools: Bool) -> RunEnding {
        let text = turn.message.text
        let hasReasoning = turn.message.content.contains { if case .text = $0 { return false } else { return true } }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !hasReasoning {
            return RunEnding(outcome: .emptyResponse, message: "the model sent an empty answer", errorCode: "empty_response")
        }
        if offeredTools, TextualToolCall.looksLikeOne(text, toolNames: Set(agent.runner.tools.keys)) {
            return RunEnding(
                outcome: .modelIgnoredTools,
                message: "the model wrote a tool call as text instead of calling the tool; its server may not support tool calling "
                    + "(llama.cpp needs --jinja; Ollama needs a model with tool support)",
                errorCode: "model_ignored_tools", finalText: text)
        }
        return RunEnding(outcome: .completed, finalText: text)
    }

    static func failure(_ error: any Error, afterToolResults: Bool) -> any Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let deadline = error as? Deadline.Exceeded { return deadline }
        let code = (error as? any TauError)?.code ?? "stream_interrupted"
        // The provider's own text can name the node's upstream account; it is logged, not shown.
        var message = "the model call failed (\(code))"
        if let failure = error as? UpstreamFailure, let status = failure.status { message += ", HTTP \(status)" }
        if afterToolResults { message += " on the turn that carried tool results back" }
        return ModelCallFailed(code: code, message: message, afterToolResults: afterToolResults)
    }

    /// Arguments in a canonical form, so that `{"a":1, "b":2}` and `{"b":2,"a":1}` compare equal.
    static func canonical(_ arguments: String) -> String {
        (try? JSONValue(parsing: Array(arguments.utf8)).canonicalString()) ?? arguments
    }
}

/// Recognises an answer that is a tool call written out as text: what a model does when its
/// server dropped the tools from the prompt.
enum TextualToolCall {
    static func looksLikeOne(_ text: String, toolNames: Set<String>) -> Bool {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.contains("<tool_call>") || body.contains("<|tool_call|>") || body.hasPrefix("[TOOL_CALLS]") { return true }
        if body.hasPrefix("```") {
            body = body.drop { $0 != "\n" }.trimmingCharacters(in: .whitespacesAndNewlines)
            if body.hasSuffix("```") { body = String(body.dropLast(3)).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        guard body.hasPrefix("{") || body.hasPrefix("["), body.utf8.count <= 64 << 10,
            let value = try? JSONValue(parsing: Array(body.utf8))
        else { return false }
        let objects = value.arrayValue ?? [value]
        return objects.contains { object in
            let name = object["name"]?.stringValue ?? object["function"]?["name"]?.stringValue ?? object["tool"]?.stringValue
            let hasArguments = object["arguments"] != nil || object["parameters"] != nil || object["function"] != nil
            return name.map(toolNames.contains) == true && hasArguments
        }
    }
}
