import ArgumentParser
import Foundation
import Synchronization
import Logging
import TauAgent
import TauCore
import TauNode

#if canImport(Glibc)
import Glibc
#endif

/// The options `run` and `chat` share: the model, the session and the workspace.
struct AgentOptions: ParsableArguments {
    @Option(help: "The model: a [routes] alias or a catalog id (default: [agent] model, else the first provider with a key).")
    var model: String?

    @Option(help: ArgumentHelp("Continue this session (ses_…).", valueName: "id"))
    var session: String?

    @Flag(name: .customLong("continue"), help: "Continue the most recent session.")
    var continueLatest = false

    @Option(help: ArgumentHelp("The directory tools work in (default: the current directory).", valueName: "dir"))
    var workspace: String?

    func validate() throws {
        if session != nil && continueLatest { throw ValidationError("Pass --session or --continue, not both.") }
    }

    /// The workspace directory (the current one by default).
    var workspaceDirectory: String { workspace ?? FileManager.default.currentDirectoryPath }
}

/// What `run` and `chat` work with: the node's store, its model layer and the agent's settings.
struct AgentRuntime {
    let context: NodeContext
    let models: NodeModels
    /// The configured MCP servers, started; their tools join the built-in ones.
    let mcp: MCPToolSource
    let mcpTools: [any AgentTool]

    /// Opens the node home and its model layer (providers from config.toml and the environment).
    static func open(_ home: NodeHome) async throws -> AgentRuntime {
        let context = try await NodeContext.open(home)
        do {
            let catalogStore = CatalogStore(home: context.home, configuration: context.configuration, http: context.http, now: context.clock.now)
            let catalog = LiveCatalog(try catalogStore.load())
            let models = try NodeModels.make(context: context, catalog: catalog, bindHost: "127.0.0.1", logger: Logger(label: "tau.agent"))
            let mcp: MCPToolSource
            do {
                mcp = try context.mcpToolSource()
            } catch {
                await models.shutdown()
                throw error
            }
            // A broken server is reported, not fatal: the others and the built-in tools still work.
            for problem in await mcp.start() {
                Output.standardError("warning[\(problem.code)]: MCP server \(problem.server): \(problem.message)\n")
            }
            return AgentRuntime(context: context, models: models, mcp: mcp, mcpTools: await mcp.tools)
        } catch {
            await context.close()
            throw error
        }
    }

    func close() async {
        await mcp.shutdown()
        await models.shutdown()
        await context.close()
    }

    /// The agent for a run in `workspace`, with the MCP servers' tools.
    func agent(
        workspace: String, model: String, maxTurns: Int? = nil, approval: ToolPolicy.Approval? = nil, approver: ToolApprover?
    ) throws -> Agent {
        try context.makeAgent(
            models: models, workspace: workspace, model: model, maxTurns: maxTurns, approval: approval, approver: approver, extraTools: mcpTools)
    }

    /// The session to run in: `id` (which must exist), else the most recent one when
    /// `latest`, else a new session titled after the prompt.
    func session(id: String?, latest: Bool, title: String) async throws -> Session {
        let sessions = context.sessions
        if let id {
            guard Session.isValidID(id, prefix: "ses_"), let session = try await sessions.session(id) else {
                throw AgentError("session_not_found", "no session \(id.prefix(64)); `tau-node sessions list` shows them", category: .notFound)
            }
            return session
        }
        if latest, let session = try await sessions.list(limit: 1).first { return session }
        let session = Session(title: Self.title(title), createdAt: context.clock.now())
        try await sessions.create(session)
        return session
    }

    /// A session title from a prompt: its first line, at most 80 characters.
    static func title(_ prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? "session"
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}

/// Ctrl-C while a run is going: the first cancels the run (the session stays consistent),
/// the second leaves at once.
final class InterruptHandler {
    private let source: any DispatchSourceSignal

    init(
        message: String = "\n(interrupted — stopping the run; press Ctrl-C again to quit at once)\n", onInterrupt: @escaping @Sendable () -> Void
    ) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let count = Mutex(0)
        source.setEventHandler {
            let seen = count.withLock {
                $0 += 1
                return $0
            }
            if seen == 1 {
                Output.standardError(message)
                onInterrupt()
            } else {
                exit(130)
            }
        }
        source.resume()
        self.source = source
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// Asks the user at the terminal whether a tool call may run; nil when standard input is
/// not a terminal (nobody could answer, so such calls are refused).
enum TerminalApprover {
    static func make(editor: LineEditor?, before: @escaping @Sendable () async -> Void = {}) -> ToolApprover? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let editor = editor ?? LineEditor(historyPath: nil)
        return { request in
            await before()
            Output.standardError("? \(request.reason)\n")
            let answer = await editor.readLine(prompt: "  allow? [y/N] ", remember: false)
            return ["y", "yes"].contains(answer?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
        }
    }
}
