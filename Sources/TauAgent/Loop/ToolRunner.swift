import Foundation
import TauCore
import TauProviders

/// What one tool call came to, as the model will read it.
struct ToolOutcome: Sendable {
    var call: ToolCall
    var output: String
    /// The reason code of a failed call; nil when it succeeded.
    var errorCode: String?
}

/// Runs the tool calls of one turn: calls to tools that declare themselves parallel-safe run
/// together, every other call alone and in order; results come back in the order of the
/// calls. A call never throws out of here: failures are results the model reads.
struct ToolRunner: Sendable {
    let tools: [String: any AgentTool]
    let context: ToolContext
    let timeout: Duration
    let clock: NodeClock
    let maximumOutputCharacters: Int

    init(tools: [any AgentTool], context: ToolContext, timeout: Duration, clock: NodeClock, maximumOutputCharacters: Int) {
        // The first tool of a name wins, so a configured tool cannot be shadowed by a later one.
        self.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.context = context
        self.timeout = timeout
        self.clock = clock
        self.maximumOutputCharacters = maximumOutputCharacters
    }

    var definitions: [ToolDefinition] {
        tools.values.sorted { $0.name < $1.name }.map { ToolDefinition(name: $0.name, description: $0.description, parameters: $0.parameters) }
    }

    /// Runs `calls`, each through `safety` when given; a call still running when the task is
    /// cancelled ends `cancelled`.
    func run(_ calls: [ToolCall], safety: SafetyCheck?, emit: @escaping @Sendable (AgentEvent) async -> Void) async -> [ToolOutcome] {
        var outcomes: [ToolOutcome] = []
        var index = 0
        while index < calls.count {
            var batch = [calls[index]]
            if isParallelSafe(calls[index]) {
                while index + batch.count < calls.count, isParallelSafe(calls[index + batch.count]) {
                    batch.append(calls[index + batch.count])
                }
            }
            index += batch.count
            if Task.isCancelled {
                outcomes += batch.map { ToolOutcome(call: $0, output: "error: cancelled", errorCode: "cancelled") }
                continue
            }
            if batch.count == 1 {
                let outcome = await runOne(batch[0], safety: safety)
                await emit(.toolResult(id: outcome.call.id, name: outcome.call.name, output: outcome.output, errorCode: outcome.errorCode))
                outcomes.append(outcome)
                continue
            }
            let results = await withTaskGroup(of: (Int, ToolOutcome).self) { group in
                for (position, call) in batch.enumerated() {
                    group.addTask {
                        let outcome = await runOne(call, safety: safety)
                        await emit(.toolResult(id: call.id, name: call.name, output: outcome.output, errorCode: outcome.errorCode))
                        return (position, outcome)
                    }
                }
                var collected: [(Int, ToolOutcome)] = []
                for await result in group { collected.append(result) }
                return collected.sorted { $0.0 < $1.0 }.map(\.1)
            }
            outcomes += results
        }
        return outcomes
    }

    private func isParallelSafe(_ call: ToolCall) -> Bool {
        tools[call.name]?.isParallelSafe ?? true
    }

    private func runOne(_ call: ToolCall, safety: SafetyCheck?) async -> ToolOutcome {
        var outcome = await execute(call, safety: safety)
        // Failures are screened too: their messages can carry output (a timed-out command's).
        if let safety { outcome.output = await safety.screen(outcome.output, tool: call.name) }
        return outcome
    }

    private func execute(_ call: ToolCall, safety: SafetyCheck?) async -> ToolOutcome {
        guard let tool = tools[call.name] else {
            let names = tools.keys.sorted().joined(separator: ", ")
            return failure(call, AgentError("tool_unknown", "there is no tool `\(call.name.prefix(64))`; the tools are: \(names)"))
        }
        let arguments: JSONValue
        do {
            arguments = try JSONValue(parsing: Array((call.arguments.isEmpty ? "{}" : call.arguments).utf8))
        } catch {
            return failure(call, AgentError("tool_arguments_invalid", "\(call.name): the arguments are not valid JSON"))
        }
        guard case .object = arguments else {
            return failure(call, AgentError("tool_arguments_invalid", "\(call.name): the arguments must be a JSON object"))
        }
        var callContext = context
        if let safety {
            if let refusal = await safety.admit(call, arguments: arguments) { return failure(call, refusal) }
            callContext.paths = safety.paths(for: call.name)
        }
        let context = callContext
        let clock = clock
        let timeout = timeout
        do {
            let output = try await withThrowingTaskGroup(of: ToolOutput?.self) { group in
                group.addTask { try await tool.run(arguments, in: context) }
                group.addTask {
                    try await clock.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let output = first else {
                    throw AgentError("tool_timeout", "\(call.name) did not finish within \(timeout)")
                }
                return output
            }
            return ToolOutcome(call: call, output: capped(output.text), errorCode: nil)
        } catch let error as AgentError {
            await safety?.failed(error, tool: call.name)
            return failure(call, error)
        } catch is CancellationError {
            return ToolOutcome(call: call, output: "error: cancelled", errorCode: "cancelled")
        } catch {
            let code = (error as? any TauError)?.code ?? "tool_failed"
            return failure(call, AgentError(code, "\(call.name) failed"))
        }
    }

    private func failure(_ call: ToolCall, _ error: AgentError) -> ToolOutcome {
        ToolOutcome(call: call, output: "error (\(error.code)): " + capped(error.message), errorCode: error.code)
    }

    private func capped(_ text: String) -> String {
        guard text.count > maximumOutputCharacters else { return text }
        let head = text.prefix(maximumOutputCharacters * 3 / 4)
        let tail = text.suffix(maximumOutputCharacters / 4)
        return head + "\n[... \(text.count - head.count - tail.count) characters cut ...]\n" + tail
    }
}
