import ArgumentParser
import Foundation
import Logging
import TauAgent
import TauCore
import TauNode

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent once on a prompt, in a workspace.",
        discussion: """
            Streams the answer to standard output and tool activity to standard error; with --json, \
            every event is one JSON line on standard output. Usage and cost are printed at the end. \
            The run is stored as a session (`tau-node sessions`); --session or --continue resumes one. \
            Ctrl-C stops the run and leaves the session consistent. Exit status: 0 when the agent \
            completed, 1 when it stopped without completing (max_turns, tool_loop, empty_response, \
            model_ignored_tools), 69 when the model or the store failed or a timeout passed, 73 on \
            session_conflict, 130 when interrupted.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "What to do. `-` reads the prompt from standard input.")
    var prompt: String

    @OptionGroup var agentOptions: AgentOptions

    @Option(help: "Most model calls in this run (default: [agent] max_turns, 40).")
    var maxTurns: Int?

    @Option(
        help: ArgumentHelp(
            "When to ask before a tool runs: never, on-request or auto (default: the profile's). Without a terminal nobody can answer, so on-request refuses writes and shell commands (approval_required).",
            valueName: "mode"))
    var approval: String?

    func validate() throws {
        if let maxTurns, !(1...1000).contains(maxTurns) { throw ValidationError("--max-turns must be 1-1000.") }
        if let approval, ToolPolicy.Approval(rawValue: approval) == nil {
            throw ValidationError("--approval must be never, on-request or auto.")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        var outcome = AgentOutcome.completed
        try await Output.reporting(json: homeOptions.json) {
            let text = try Self.promptText(prompt)
            let runtime = try await AgentRuntime.open(homeOptions.nodeHome)
            do {
                let chosen = try runtime.models.agentModel(requested: agentOptions.model, configured: runtime.context.agentSettings.model)
                let session = try await runtime.session(id: agentOptions.session, latest: agentOptions.continueLatest, title: text)
                let agent = try runtime.agent(
                    workspace: agentOptions.workspaceDirectory, model: chosen, maxTurns: maxTurns,
                    approval: approval.flatMap(ToolPolicy.Approval.init(rawValue:)), approver: TerminalApprover.make(editor: nil))
                let printer = AgentEventPrinter(json: homeOptions.json)
                let task = Task { await agent.run(text, in: session.id) { await printer.print($0) } }
                let interrupts = InterruptHandler { task.cancel() }
                let summary = await task.value
                interrupts.cancel()
                outcome = summary.outcome
            } catch {
                await runtime.close()
                throw error
            }
            await runtime.close()
        }
        if outcome != .completed { throw ExitCode(outcome.exitStatus) }
    }

    /// The prompt, or standard input for `-`.
    static func promptText(_ argument: String) throws(AgentError) -> String {
        var text = argument
        if argument == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            text = String(decoding: data, as: UTF8.self)
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AgentError("prompt_empty", "the prompt is empty")
        }
        return text
    }
}
