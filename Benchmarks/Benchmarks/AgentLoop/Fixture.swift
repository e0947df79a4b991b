import Benchmark
import Foundation
import Logging
import TauAgent
import TauCore
import TauProviders
import TauStore
import TauTesting

/// An agent wired for one benchmark: a temporary workspace, its sessions and its model.
struct Fixture: Sendable {
    /// Where sessions (and usage records) are kept.
    enum Storage: Sendable {
        /// Sessions and usage in memory (TauTesting's repositories).
        case memory
        /// Sessions in an SQLite file; usage in memory.
        case sqliteSessions
        /// Sessions and usage in an SQLite file, as `tau-node run` keeps them.
        case sqlite
    }

    /// Who answers.
    enum Model: Sendable {
        /// ``InstantModel`` in process; `callsTool` makes each run a tool turn.
        case instant(callsTool: Bool)
        /// TauTesting's scripted OpenAI-format server on 127.0.0.1, through the real client.
        case loopback
    }

    let agent: Agent
    let sessions: any SessionRepository
    let directory: TemporaryDirectory
    let store: Store?
    let server: Task<Void, any Error>?

    static func make(_ model: Model, storage: Storage) async throws -> Fixture {
        let directory = try TemporaryDirectory(prefix: "tau-bench")
        let workspace = directory.appending("workspace")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        for name in ["README.md", "main.swift", "notes.txt"] {
            try AtomicFile.write("contents of \(name)\n", to: workspace + "/" + name)
        }
        var store: Store?
        let sessions: any SessionRepository
        var usage: any BudgetLedger = InMemoryUsageRepository()
        switch storage {
        case .memory:
            sessions = InMemorySessionRepository()
        case .sqliteSessions, .sqlite:
            let opened = try await Store.open(.sqlite(path: directory.appending("node.sqlite")), logger: .quiet)
            sessions = opened.sessions
            if case .sqlite = storage { usage = opened.usage }
            store = opened
        }
        let models: ModelService
        var server: Task<Void, any Error>?
        switch model {
        case .instant(let callsTool):
            models = InstantModel.service(callsTool: callsTool, usage: usage)
        case .loopback:
            let (baseURL, task) = try await startScriptedServer()
            server = task
            models = ScriptedModelServer.modelService(
                baseURL: baseURL, model: InstantModel.name, pricing: InstantModel.pricing, usage: usage)
        }
        let paths = try PathPolicy(workspace: workspace, protected: [])
        // The node's built-in tools are offered, as in a real run: their definitions are part
        // of every request and of its token estimate.
        let agent = Agent(
            models: models, sessions: sessions, tools: BuiltinTools.all(), toolContext: ToolContext(paths: paths),
            configuration: AgentConfiguration(model: InstantModel.name), logger: .quiet)
        return Fixture(agent: agent, sessions: sessions, directory: directory, store: store, server: server)
    }

    /// Runs `prompt` in a new session and checks how it ended. Only the run is measured, not
    /// the creation of its session.
    func measuredRun(_ benchmark: Benchmark, _ prompt: String, turns: Int) async {
        let session = Session(title: "bench", createdAt: Date())
        do {
            try await sessions.create(session)
        } catch {
            benchmark.error("could not create a session: \(error)")
            return
        }
        benchmark.startMeasurement()
        let summary = await agent.run(prompt, in: session.id)
        benchmark.stopMeasurement()
        if summary.outcome != .completed || summary.turns != turns {
            benchmark.error("run ended \(summary.outcome.rawValue) after \(summary.turns) turns: \(summary.message ?? "")")
        } else if turns > 1, !(await listedTheWorkspace(session.id)) {
            let kinds = ((try? await sessions.entries(of: session.id)) ?? []).map { "\($0.kind) \($0.content.canonicalString())" }
            benchmark.error("the tool turn did not list the workspace: \(kinds)")
        }
    }

    /// Whether the session holds a `list_dir` result without an error that names a workspace file.
    private func listedTheWorkspace(_ sessionID: String) async -> Bool {
        let entries = (try? await sessions.entries(of: sessionID)) ?? []
        return entries.contains { entry in
            entry.kind == .toolResult && entry.content["error_code"] == nil
                && entry.content["output"]?.stringValue?.contains("README.md") == true
        }
    }

    func close() async {
        server?.cancel()
        _ = await server?.result
        await store?.close()
        directory.remove()
    }

    /// Starts the scripted server, answering every request with the same short text, and
    /// keeps it serving until the returned task is cancelled.
    private static func startScriptedServer() async throws -> (String, Task<Void, any Error>) {
        let server = ScriptedModelServer([], then: .text(InstantModel.pieces.joined()))
        let (bases, continuation) = AsyncStream<String>.makeStream()
        let task = Task {
            // Ends the wait below also when the server fails to start.
            defer { continuation.finish() }
            try await server.serve { base in
                continuation.yield(base)
                try await Task.sleep(for: .seconds(24 * 3600))
            }
        }
        for await base in bases { return (base, task) }
        try await task.value
        throw CancellationError()
    }
}

/// The fixture of the benchmark that is running: made by its setup, closed by its teardown.
actor FixtureSlot {
    private var fixture: Fixture?

    func open(_ model: Fixture.Model, storage: Fixture.Storage) async throws {
        await fixture?.close()
        fixture = try await Fixture.make(model, storage: storage)
    }

    func current() -> Fixture? { fixture }

    func close() async {
        await fixture?.close()
        fixture = nil
    }
}
