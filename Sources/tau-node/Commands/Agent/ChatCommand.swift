import ArgumentParser
import Foundation
import TauAgent
import TauCore
import TauNode
import TauProviders

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk with the agent in the terminal, turn after turn, in one session.",
        discussion: """
            Type a request and press Enter; the answer streams in, tool activity shows on standard \
            error. Line editing and history (kept in the node home) work as in a shell. Ctrl-C stops \
            the current run; Ctrl-D or /exit leaves. Commands: /model [name], /session [id|new], \
            /branch [entry-id], /usage, /help, /exit.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @OptionGroup var agentOptions: AgentOptions

    func validate() throws {
        if homeOptions.json { throw ValidationError("chat is interactive; use `tau-node run --json` for JSON events.") }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        try await Output.reporting(json: false) {
            let runtime = try await AgentRuntime.open(homeOptions.nodeHome)
            do {
                var chat = try await ChatLoop(
                    runtime: runtime, model: agentOptions.model, sessionID: agentOptions.session, latest: agentOptions.continueLatest,
                    workspace: agentOptions.workspaceDirectory)
                try await chat.run()
            } catch {
                await runtime.close()
                throw error
            }
            await runtime.close()
        }
    }
}

/// The state of one chat: the model, the session, and the agent built for them.
struct ChatLoop {
    let runtime: AgentRuntime
    let workspace: String
    let editor: LineEditor
    var model: String
    /// Nil until the first prompt creates the session (so an empty chat leaves none behind).
    var sessionID: String?
    var agent: Agent
    let output = ChatOutput()

    init(runtime: AgentRuntime, model requested: String?, sessionID: String?, latest: Bool, workspace: String) async throws {
        self.runtime = runtime
        self.workspace = workspace
        model = try runtime.models.agentModel(requested: requested, configured: runtime.context.agentSettings.model)
        if sessionID != nil || latest {
            self.sessionID = try await runtime.session(id: sessionID, latest: latest, title: "chat").id
        }
        editor = LineEditor(historyPath: runtime.context.home.path + "/chat_history")
        agent = try Self.agent(runtime: runtime, workspace: workspace, model: model, editor: editor, output: output)
    }

    /// The agent for `model`, asking the user at this terminal before writes and commands.
    static func agent(runtime: AgentRuntime, workspace: String, model: String, editor: LineEditor, output: ChatOutput) throws -> Agent {
        try runtime.agent(
            workspace: workspace, model: model,
            approver: TerminalApprover.make(editor: editor) { await output.stopSpinner() })
    }

    mutating func run() async throws {
        Output.standardError("tau-node chat · model \(model) · workspace \(workspace)\n")
        if let sessionID { Output.standardError("continuing \(sessionID)\n") }
        Output.standardError("/help lists the commands; Ctrl-D leaves.\n")
        while let line = await editor.readLine(prompt: "› ") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix("/") {
                do {
                    if try await command(text) == .exit { break }
                } catch {
                    let coded = error as? any TauError
                    Output.standardError("error[\(coded?.code ?? "internal_error")]: \(coded?.message ?? "\(error)")\n")
                }
                continue
            }
            await turn(line)
        }
        Output.standardError("bye\n")
    }

    /// One run of the agent on `prompt`, with a spinner until the first token and Ctrl-C
    /// cancelling the run (not the chat).
    mutating func turn(_ prompt: String) async {
        let id: String
        if let sessionID {
            id = sessionID
        } else {
            do {
                id = try await runtime.session(id: nil, latest: false, title: prompt).id
            } catch {
                let coded = error as? any TauError
                return Output.standardError("error[\(coded?.code ?? "store_failed")]: \(coded?.message ?? "\(error)")\n")
            }
            sessionID = id
        }
        let output = output
        await output.startTurn()
        let agent = agent
        let task = Task { await agent.run(prompt, in: id) { await output.show($0) } }
        let interrupts = InterruptHandler { task.cancel() }
        _ = await task.value
        interrupts.cancel()
        await output.close()
    }

    enum Next { case stay, exit }

    mutating func command(_ line: String) async throws -> Next {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch parts[0] {
        case "/exit", "/quit":
            return .exit
        case "/help":
            Output.standardError(
                """
                /model [name]       show the model, or switch to another
                /session [id|new]   show the session, continue another, or start a new one
                /branch [entry-id]  list this branch's entries, or continue from an earlier one
                /usage              tokens and cost of this session
                /exit               leave (also Ctrl-D)

                """)
        case "/model":
            guard let argument else {
                Output.standardError("model: \(model)\n")
                return .stay
            }
            let chosen = try runtime.models.agentModel(requested: argument, configured: nil)
            agent = try Self.agent(runtime: runtime, workspace: workspace, model: chosen, editor: editor, output: output)
            model = chosen
            Output.standardError("model: \(model)\n")
        case "/session":
            switch argument {
            case nil: Output.standardError("session: \(sessionID ?? "(none yet; the next prompt starts one)")\n")
            case "new"?:
                sessionID = nil
                Output.standardError("the next prompt starts a new session\n")
            case let id?:
                sessionID = try await runtime.session(id: id, latest: false, title: "chat").id
                Output.standardError("session: \(id)\n")
            }
        case "/branch":
            try await branch(argument)
        case "/usage":
            guard let sessionID else {
                Output.standardError("no session yet\n")
                return .stay
            }
            let entries = try await runtime.context.sessions.entries(of: sessionID)
            var input = 0
            var output = 0
            var cost = Money.zero(.usd)
            for entry in entries {
                input += entry.usage.inputTokens
                output += entry.usage.outputTokens
                if let spent = entry.cost, let total = try? cost.adding(spent) { cost = total }
            }
            Output.standardError("session \(sessionID): \(input) in / \(output) out tokens · \(cost.formatted(places: 6))\n")
        default:
            Output.standardError("unknown command \(parts[0].prefix(40)); /help lists them\n")
        }
        return .stay
    }

    private func branch(_ argument: String?) async throws {
        guard let sessionID else { return Output.standardError("no session yet\n") }
        let sessions = runtime.context.sessions
        guard let argument else {
            for entry in try await sessions.path(of: sessionID) where entry.kind == .message {
                Output.standardError("\(entry.id)  \(SessionsShowCommand.describe(entry))\n")
            }
            return
        }
        guard let session = try await sessions.session(sessionID) else {
            throw AgentError("session_not_found", "no session \(sessionID)", category: .notFound)
        }
        guard Session.isValidID(argument, prefix: "ent_") else {
            throw AgentError("entry_not_found", "\(argument.prefix(64)) is not an entry id (ent_…)", category: .notFound)
        }
        try await sessions.moveHead(of: sessionID, to: argument, expectingHead: session.headID, at: runtime.context.clock.now())
        Output.standardError("continuing from \(argument)\n")
    }
}

/// Shows a chat turn: a spinner until the first thing to show, then the printer's output.
actor ChatOutput {
    private var spinner: Spinner?
    private let printer = AgentEventPrinter(json: false)

    /// A new turn: the spinner runs until the first thing to show.
    func startTurn() {
        spinner = Spinner()
    }

    func show(_ event: AgentEvent) async {
        switch event {
        case .runStarted, .usage: return
        default: break
        }
        await stopSpinner()
        await printer.print(event)
    }

    /// Clears the spinner (before the answer, or a question to the user).
    func stopSpinner() async {
        guard let spinner else { return }
        self.spinner = nil
        await spinner.stop()
        await printer.endLine()
    }

    func close() async {
        await stopSpinner()
    }
}
