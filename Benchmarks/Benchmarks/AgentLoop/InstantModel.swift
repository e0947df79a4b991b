import Logging
import TauCore
import TauProviders

/// A model that answers at once, in process: no socket, no wire format, no parsing. What a
/// run costs with it is the agent loop's own work (request building, preflight, routing,
/// stream handling, session writes, tools), which is what the benchmark measures.
struct InstantModel: ModelClient {
    static let name = "instant"
    /// The answer's text, in the small deltas a provider streams.
    static let pieces = ["Done: ", "the workspace ", "holds ", "three ", "files."]

    /// Whether the first answer of a run asks for `list_dir` (the tool turn).
    var callsTool: Bool

    func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let (stream, continuation) = ChatEventStream.makeStream(bufferingPolicy: .unbounded)
        for event in events(answering: request) { continuation.yield(event) }
        continuation.finish()
        return stream
    }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var accumulator = ChatResponseAccumulator()
        for event in events(answering: request) { accumulator.add(event) }
        return accumulator.response
    }

    /// A tool call when tools are wanted and none has been answered yet; text otherwise.
    /// Decided from the request alone, so one client serves every run.
    private func events(answering request: ChatRequest) -> [StreamEvent] {
        var events: [StreamEvent] = [.start(id: "resp_instant", model: request.model)]
        if callsTool && request.messages.last?.role != .tool {
            events += [
                .toolCallStart(index: 0, id: "call_list", name: "list_dir"),
                .toolCallArguments(index: 0, fragment: #"{"path":"#),
                .toolCallArguments(index: 0, fragment: #""."}"#),
                .usage(Usage(inputTokens: 1_200, outputTokens: 12)),
                .finish(.toolCalls),
            ]
        } else {
            events += Self.pieces.map(StreamEvent.text)
            events += [.usage(Usage(inputTokens: 1_200, outputTokens: 8)), .finish(.stop)]
        }
        return events
    }

    /// A model service with one route, `instant`, to this client, priced like a small
    /// hosted model so that cost is computed as it is in a real run.
    static func service(callsTool: Bool, usage: any BudgetLedger) -> ModelService {
        let route = Route(
            name: "bench:" + name, modelID: name, client: InstantModel(callsTool: callsTool), contextWindow: 128_000,
            maxOutputTokens: 16_384, pricing: pricing)
        let chain = RouteChain(name: name, routes: [route])
        return ModelService(
            resolve: { $0 == name ? chain : nil }, served: [ServedModel(name: name, ownedBy: "bench")],
            router: ModelRouter(retry: RetryPolicy(maxAttempts: 1), logger: .quiet), usage: usage, logger: .quiet)
    }

    static let pricing = ModelPricing(input: Money(microunits: 2_000_000, currency: .usd), output: Money(microunits: 8_000_000, currency: .usd))
}

extension Logger {
    /// A logger that prints nothing, so that log lines neither cost time nor mix with the figures.
    static var quiet: Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return logger
    }
}
