import Foundation
import Synchronization
import TauAgent
import TauCore
import TauProviders
import TauTesting
import Testing

/// The agent loop against a scripted model server on a real socket, with real tools in a
/// temporary workspace: each way a run can end leaves the session intact.
struct AgentLoopTests {
    /// A workspace, a session and an agent wired to a scripted server.
    struct Harness {
        let directory: TemporaryDirectory
        let sessions = InMemorySessionRepository()
        let sessionID: String
        let server: ScriptedModelServer

        init(_ steps: [ScriptedModelServer.Step], then fallback: ScriptedModelServer.Step = .error(status: 500, message: "no more steps")) async throws {
            directory = try TemporaryDirectory()
            server = ScriptedModelServer(steps, then: fallback)
            let session = Session(title: "test", createdAt: Date())
            sessionID = session.id
            try await sessions.create(session)
        }

        func agent(
            _ base: String, tools: [any AgentTool]? = nil, contextWindow: Int? = 128_000, clock: NodeClock = .system,
            configure: (inout AgentConfiguration) -> Void = { _ in }
        ) throws -> Agent {
            var configuration = AgentConfiguration(model: "scripted", turnTimeout: .seconds(30), runTimeout: .seconds(60))
            configure(&configuration)
            let paths = try PathPolicy(workspace: directory.path, protected: [directory.appending(".tau")])
            return Agent(
                models: ScriptedModelServer.modelService(
                    baseURL: base, contextWindow: contextWindow,
                    pricing: ModelPricing(input: Money(microunits: 2_000_000, currency: .usd), output: Money(microunits: 8_000_000, currency: .usd))),
                sessions: sessions, tools: tools ?? [ReadFileTool(), WriteFileTool(), EditFileTool(), ListDirTool()],
                toolContext: ToolContext(paths: paths), configuration: configuration, clock: clock)
        }

        /// Runs `prompt` and collects its events.
        func run(_ agent: Agent, _ prompt: String = "go") async -> (AgentRunSummary, [AgentEvent]) {
            let events = Mutex<[AgentEvent]>([])
            let summary = await agent.run(prompt, in: sessionID) { event in events.withLock { $0.append(event) } }
            return (summary, events.withLock { $0 })
        }

        /// The branch the session is at, and a check that it is a well-formed conversation.
        func branch() async throws -> [SessionEntry] {
            let path = try await sessions.path(of: sessionID)
            let calls = path.filter { $0.kind == .toolCall }.compactMap { $0.content["id"]?.stringValue }
            let results = path.filter { $0.kind == .toolResult }.compactMap { $0.content["call_id"]?.stringValue }
            #expect(calls.sorted() == results.sorted(), "every tool call has exactly one result")
            return path
        }
    }

    @Test func aMultiStepTaskReadsEditsAndVerifiesAFile() async throws {
        let harness = try await Harness([
            .toolCalls([(name: "read_file", arguments: #"{"path":"greeting.txt"}"#)], text: "Let me look."),
            .toolCalls([(name: "edit_file", arguments: #"{"path":"greeting.txt","old_text":"Hello","new_text":"Goodbye"}"#)]),
            .toolCalls([(name: "read_file", arguments: #"{"path":"greeting.txt"}"#)]),
            .text("Done: the greeting now says Goodbye."),
        ])
        defer { harness.directory.remove() }
        try AtomicFile.write("Hello, world\n", to: harness.directory.appending("greeting.txt"))
        let (summary, events) = try await harness.server.serve { base in await harness.run(try harness.agent(base), "Change Hello to Goodbye") }
        #expect(summary.outcome == .completed)
        #expect(summary.finalText == "Done: the greeting now says Goodbye.")
        #expect(summary.turns == 4)
        #expect(summary.usage.inputTokens == 400 && summary.usage.outputTokens == 80)
        // 4 × (100 × $2 + 20 × $8) / M
        #expect(summary.cost == Money(microunits: 1_440, currency: .usd))
        #expect(try String(contentsOfFile: harness.directory.appending("greeting.txt"), encoding: .utf8) == "Goodbye, world\n")
        #expect(events.first == .runStarted(runID: summary.runID, sessionID: harness.sessionID, model: "scripted"))
        #expect(events.last == .finished(summary))
        let results = events.compactMap { event -> String? in
            if case .toolResult(_, _, let output, nil) = event { return output }
            return nil
        }
        #expect(results == ["Hello, world\n", results[1], "Goodbye, world\n"])
        // The model saw the file and the verification.
        let last = harness.server.requests.last?["messages"]?.arrayValue ?? []
        #expect(last.first?["role"] == "system")
        #expect(last.last?["role"] == "tool" && last.last?["content"]?.stringValue == "Goodbye, world\n")
        let branch = try await harness.branch()
        #expect(branch.map(\.kind) == [.message, .message, .toolCall, .toolResult, .message, .toolCall, .toolResult, .message, .toolCall, .toolResult, .message])
        #expect(branch.last?.cost == Money(microunits: 360, currency: .usd))
    }

    @Test func parallelSafeCallsOfOneTurnRunTogetherAndResultsKeepTheirOrder() async throws {
        let probe = ConcurrencyProbe()
        let harness = try await Harness([
            .toolCalls([
                (name: "probe", arguments: #"{"n":1}"#), (name: "probe", arguments: #"{"n":2}"#), (name: "probe", arguments: #"{"n":3}"#),
            ]),
            .text("ok"),
        ])
        defer { harness.directory.remove() }
        let (summary, _) = try await harness.server.serve { base in await harness.run(try harness.agent(base, tools: [probe])) }
        #expect(summary.outcome == .completed)
        #expect(probe.peak == 3)
        let results = try await harness.branch().filter { $0.kind == .toolResult }.compactMap { $0.content["output"]?.stringValue }
        #expect(results == ["probe 1", "probe 2", "probe 3"])
    }

    @Test func unknownToolsAndBadArgumentsAreResultsTheModelReads() async throws {
        let harness = try await Harness([
            .toolCalls([(name: "launch_rockets", arguments: "{}"), (name: "read_file", arguments: "{not json")]),
            .text("sorry"),
        ])
        defer { harness.directory.remove() }
        let (summary, events) = try await harness.server.serve { base in await harness.run(try harness.agent(base)) }
        #expect(summary.outcome == .completed)
        let codes = events.compactMap { event -> String? in
            if case .toolResult(_, _, _, let code) = event { return code }
            return nil
        }
        #expect(codes == ["tool_unknown", "tool_arguments_invalid"])
    }

    @Test func maxTurnsEndsARunThatNeverStops() async throws {
        let steps = (0..<5).map { ScriptedModelServer.Step.toolCalls([(name: "list_dir", arguments: #"{"path":"."}"#.replacingOccurrences(of: ".", with: $0 % 2 == 0 ? "." : "./"))]) }
        let harness = try await Harness(steps)
        defer { harness.directory.remove() }
        let (summary, events) = try await harness.server.serve { base in
            await harness.run(try harness.agent(base) { $0.maxTurns = 3 })
        }
        #expect(summary.outcome == .maxTurns)
        #expect(summary.turns == 3)
        #expect(events.contains(.error(code: "max_turns", message: summary.message ?? "")))
        _ = try await harness.branch()
    }

    @Test func theSameCallsTurnAfterTurnEndTheRunAsALoop() async throws {
        let call = ScriptedModelServer.Step.toolCalls([(name: "list_dir", arguments: #"{"path": "."}"#)])
        let harness = try await Harness([call, call, call, call])
        defer { harness.directory.remove() }
        let (summary, _) = try await harness.server.serve { base in await harness.run(try harness.agent(base)) }
        #expect(summary.outcome == .toolLoop)
        #expect(summary.turns == 3)
        let branch = try await harness.branch()
        #expect(branch.last?.content["error_code"] == "tool_loop")
    }

    @Test func anEmptyStreamEndsTheRun() async throws {
        let harness = try await Harness([.empty])
        defer { harness.directory.remove() }
        let (summary, _) = try await harness.server.serve { base in await harness.run(try harness.agent(base)) }
        #expect(summary.outcome == .emptyResponse)
        #expect(try await harness.branch().count == 2)
    }

    @Test func aToolCallWrittenAsTextIsReported() async throws {
        let harness = try await Harness([.text(#"{"name": "read_file", "arguments": {"path": "a.txt"}}"#)])
        defer { harness.directory.remove() }
        let (summary, _) = try await harness.server.serve { base in await harness.run(try harness.agent(base)) }
        #expect(summary.outcome == .modelIgnoredTools)
        #expect(summary.message?.contains("--jinja") == true)
    }

    @Test func aModelErrorMidStreamKeepsWhatArrived() async throws {
        let harness = try await Harness([.breakAfter(text: "I will start by")])
        defer { harness.directory.remove() }
        let (summary, events) = try await harness.server.serve { base in await harness.run(try harness.agent(base)) }
        #expect(summary.outcome == .modelError)
        #expect(events.contains { if case .error = $0 { return true } else { return false } })
        let branch = try await harness.branch()
        #expect(branch.last?.content["text"] == "I will start by")
        #expect(branch.last?.content["interrupted"] == true)
    }

    @Test func aServerErrorOnTheToolResultTurnEndsCleanlyAndTheSessionResumes() async throws {
        let harness = try await Harness([
            .toolCalls([(name: "list_dir", arguments: #"{"path":"."}"#)]),
            .error(status: 500, message: "failed to render the chat template: tool role not supported"),
            .text("resumed fine"),
        ])
        defer { harness.directory.remove() }
        try await harness.server.serve { base in
            let agent = try harness.agent(base)
            let (failed, events) = await harness.run(agent)
            #expect(failed.outcome == .toolTurnFailed)
            // The provider's text stays in the log; the user sees the code and status.
            #expect(!events.contains { $0.json.canonicalString().contains("chat template") })
            let afterFailure = try await harness.branch()
            #expect(afterFailure.last?.kind == .toolResult)
            let (resumed, _) = await harness.run(agent, "try again")
            #expect(resumed.outcome == .completed && resumed.finalText == "resumed fine")
        }
        #expect(try await harness.branch().map(\.kind) == [.message, .message, .toolCall, .toolResult, .message, .message])
    }

    @Test func aModelThatNeverAnswersHitsTheTurnTimeout() async throws {
        let harness = try await Harness([.stall(.seconds(3))])
        defer { harness.directory.remove() }
        let (summary, _) = try await harness.server.serve { base in
            await harness.run(try harness.agent(base) { $0.turnTimeout = .milliseconds(300) })
        }
        #expect(summary.outcome == .turnTimeout)
        #expect(try await harness.branch().count == 1)
    }

    @Test func theRunTimeoutBoundsTheWholeRun() async throws {
        let harness = try await Harness([.slowText(String(repeating: "slow text ", count: 100), interval: .milliseconds(50))])
        defer { harness.directory.remove() }
        let clock = TestNodeClock()
        let summary = try await harness.server.serve { base in
            let agent = try harness.agent(base, clock: clock.clock) {
                $0.runTimeout = .seconds(60)
                $0.turnTimeout = .seconds(120)
            }
            let firstDelta = AsyncStream<Void>.makeStream()
            let task = Task {
                await agent.run("go", in: harness.sessionID) { event in
                    if case .textDelta = event { firstDelta.continuation.yield() }
                }
            }
            // The run's minute passes on the node's clock once the answer has begun.
            for await _ in firstDelta.stream { break }
            await clock.advance(by: .seconds(61))
            return await task.value
        }
        #expect(summary.outcome == .runTimeout)
        let branch = try await harness.branch()
        #expect(branch.last?.content["interrupted"] == true)
    }

    @Test func cancellingARunKeepsTheSessionConsistentAndResumable() async throws {
        let harness = try await Harness([.slowText(String(repeating: "word ", count: 100), interval: .milliseconds(30)), .text("continued")])
        defer { harness.directory.remove() }
        try await harness.server.serve { base in
            let agent = try harness.agent(base)
            let firstDelta = AsyncStream<Void>.makeStream()
            let task = Task {
                await agent.run("write a lot", in: harness.sessionID) { event in
                    if case .textDelta = event { firstDelta.continuation.yield() }
                }
            }
            for await _ in firstDelta.stream { break }
            task.cancel()
            let summary = await task.value
            #expect(summary.outcome == .cancelled)
            let branch = try await harness.branch()
            #expect(branch.map(\.kind) == [.message, .message])
            #expect(branch.last?.content["interrupted"] == true)
            let (resumed, _) = await harness.run(agent, "go on")
            #expect(resumed.outcome == .completed)
            // The interrupted text went back to the model with the next request.
            let messages = harness.server.requests.last?["messages"]?.arrayValue ?? []
            #expect(messages.count == 4 && messages[2]["role"] == "assistant")
        }
    }

    @Test func olderTurnsAreCompactedNearTheWindow() async throws {
        let big = String(repeating: "lorem ipsum dolor sit amet ", count: 300)
        let harness = try await Harness([
            .toolCalls([(name: "read_file", arguments: #"{"path":"big.txt"}"#)]),
            .toolCalls([(name: "read_file", arguments: #"{"path":"big.txt","offset":1}"#)]),
            .text("The user wants the big file summarised; it was read twice."),
            .text("all done"),
        ])
        defer { harness.directory.remove() }
        try AtomicFile.write(big, to: harness.directory.appending("big.txt"))
        let (summary, events) = try await harness.server.serve { base in
            await harness.run(try harness.agent(base, contextWindow: 4_000), "read big.txt twice")
        }
        #expect(summary.outcome == .completed && summary.finalText == "all done")
        #expect(events.contains { if case .compaction = $0 { return true } else { return false } })
        let requests = harness.server.requests
        // The summariser got the transcript; the next call got the summary instead of the old turns.
        #expect(requests[2]["tools"] == nil)
        let after = requests[3]["messages"]?.arrayValue ?? []
        #expect(after[1]["content"]?.stringValue?.hasPrefix("Summary of the earlier part") == true)
        #expect(!(after.map { $0.canonicalString() }.joined().contains(big)))
        let branch = try await harness.branch()
        #expect(branch.contains { $0.kind == .compaction })
    }

    @Test func eventsHaveTheirJSONShape() {
        #expect(AgentEvent.textDelta("hi").json == ["type": "text_delta", "text": "hi"])
        #expect(AgentEvent.toolResult(id: "c", name: "bash", output: "x", errorCode: nil).json["error_code"] == .null)
    }

    @Test func agentsFileJoinsTheSystemPrompt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(SystemPrompt.compose(base: "base", workspace: directory.path) == "base")
        try AtomicFile.write("Use tabs.", to: directory.appending("AGENTS.md"))
        let prompt = SystemPrompt.compose(base: "base", workspace: directory.path)
        #expect(prompt.hasPrefix("base\n\n") && prompt.hasSuffix("Use tabs."))
        let dated = SystemPrompt.compose(base: "base", workspace: directory.path, today: Date(epochMilliseconds: 1_790_000_000_000))
        #expect(dated.hasPrefix("base\n\nThe workspace is \(directory.path). Today is 2026-09-21."))
    }
}

/// A parallel-safe tool that records how many of its calls overlap.
final class ConcurrencyProbe: AgentTool {
    private let state = Mutex<(now: Int, peak: Int)>((0, 0))
    var peak: Int { state.withLock { $0.peak } }
    var name: String { "probe" }
    var description: String { "test" }
    var parameters: JSONValue { ["type": "object"] }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        state.withLock {
            $0.now += 1
            $0.peak = max($0.peak, $0.now)
        }
        // Wait until all three are in, or give up after a while (then `peak` tells).
        for _ in 0..<200 where state.withLock({ $0.peak }) < 3 { try? await Task.sleep(for: .milliseconds(10)) }
        state.withLock { $0.now -= 1 }
        return ToolOutput("probe \(arguments["n"]?.intValue ?? 0)")
    }
}
