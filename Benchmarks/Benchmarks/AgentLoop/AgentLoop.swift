import Benchmark
import TauAgent
import TauProviders
import TauTesting

// The agent loop's own cost per run, with a model that answers at once. Each iteration is
// one `agent.run` in a new session (so every request carries the same short history; the
// session's creation is not measured). See docs/agent-benchmark.md.
let benchmarks: @Sendable () -> Void = {
    let slot = FixtureSlot()

    func configuration(iterations: Int, setup: @escaping Benchmark.BenchmarkSetupHook) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 50,
            maxDuration: .seconds(10), maxIterations: iterations, setup: setup, teardown: { await slot.close() })
    }

    func run(_ benchmark: Benchmark, _ prompt: String, turns: Int) async {
        guard let fixture = await slot.current() else { return benchmark.error("the fixture was not set up") }
        await fixture.measuredRun(benchmark, prompt, turns: turns)
    }

    Benchmark(
        "1 turn, instant model, sessions in memory",
        configuration: configuration(iterations: 10_000) { try await slot.open(.instant(callsTool: false), storage: .memory) }
    ) { benchmark in
        await run(benchmark, "Say what the workspace holds.", turns: 1)
    }

    Benchmark(
        "tool turn (list_dir), instant model, sessions in memory",
        configuration: configuration(iterations: 10_000) { try await slot.open(.instant(callsTool: true), storage: .memory) }
    ) { benchmark in
        await run(benchmark, "List the workspace.", turns: 2)
    }

    Benchmark(
        "1 turn, instant model, sessions in SQLite",
        configuration: configuration(iterations: 5_000) { try await slot.open(.instant(callsTool: false), storage: .sqliteSessions) }
    ) { benchmark in
        await run(benchmark, "Say what the workspace holds.", turns: 1)
    }

    Benchmark(
        "1 turn, instant model, sessions and usage in SQLite",
        configuration: configuration(iterations: 5_000) { try await slot.open(.instant(callsTool: false), storage: .sqlite) }
    ) { benchmark in
        await run(benchmark, "Say what the workspace holds.", turns: 1)
    }

    Benchmark(
        "1 turn, scripted server on loopback, sessions in memory",
        configuration: configuration(iterations: 2_000) { try await slot.open(.loopback, storage: .memory) }
    ) { benchmark in
        await run(benchmark, "Say what the workspace holds.", turns: 1)
    }

    // One part of the above on its own: the model service's preflight of a first turn's
    // request (the token estimate of the system prompt, the prompt and the tools' schemas).
    Benchmark(
        "preflight of a first turn's request (token estimate)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 50, maxDuration: .seconds(5)),
        closure: { (benchmark: Benchmark, setup: (models: ModelService, request: ChatRequest)) in
            do {
                blackHole(try setup.models.preflight(setup.request, context: CallContext()))
            } catch {
                benchmark.error("preflight failed: \(error)")
            }
        },
        setup: {
            let tools = BuiltinTools.all().sorted { $0.name < $1.name }
            let request = ChatRequest(
                model: InstantModel.name,
                messages: [.text(.system, SystemPrompt.base), .text(.user, "Say what the workspace holds.")],
                tools: tools.map { ToolDefinition(name: $0.name, description: $0.description, parameters: $0.parameters) }, toolChoice: .auto)
            return (models: InstantModel.service(callsTool: false, usage: InMemoryUsageRepository()), request: request)
        })
}
