import CFuzzerDriver
import TauCore
import TauProviders

/// libFuzzer entry point: what the gateway's `POST /v1/chat/completions` does with an
/// untrusted body before any provider is called: strict JSON, the chat-completions
/// decoder (`OpenAIChatFormat.decodeRequest`), the prompt-token estimate used for the
/// context-window and budget checks, and the request bodies written for every upstream
/// wire format (OpenAI chat for each dialect, OpenAI Responses, Anthropic Messages, Gemini).
///
/// Invariants besides "never crash":
/// - a refused body is refused with `invalid_request` (a 400), nothing else;
/// - an accepted request keeps the body's model, one message per message and one tool per
///   tool, only streams usage when it streams, and decodes identically twice;
/// - the estimate covers at least the fixed per-message and reply-priming overhead;
/// - forwarding is stable: the body written for an OpenAI-format upstream is itself a
///   request the gateway accepts, and decoding then re-encoding it gives the same body;
/// - Anthropic's encoder refuses only with `invalid_request`, and leaves room for an answer
///   after a thinking budget.
@_cdecl("LLVMFuzzerTestOneInput")
public func gatewayRequestFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let json = try? JSONValue(parsing: bytes) else { return 0 }
    let incoming: IncomingChatRequest
    do {
        incoming = try OpenAIChatFormat.decodeRequest(json)
    } catch {
        precondition(error.code == "invalid_request", "a bad body must be refused with invalid_request, got \(error.code)")
        precondition(error.category == .invalidInput, "a bad body is the caller's fault (400)")
        return 0
    }
    let request = incoming.request
    precondition(request.model == json["model"]?.stringValue, "the model must be the one asked for")
    precondition(request.messages.count == json["messages"]?.arrayValue?.count, "one message per message")
    precondition(request.tools.count == (json["tools"]?.arrayValue?.count ?? 0), "one tool per tool")
    precondition(!incoming.includeUsage || incoming.stream, "usage chunks only come with a stream")
    precondition((try? OpenAIChatFormat.decodeRequest(json))?.request == request, "decoding must be deterministic")

    let estimator = TokenEstimator()
    let estimate = estimator.estimate(request)
    let overhead = TokenEstimator.tokensForReplyPriming + request.messages.count * TokenEstimator.tokensPerMessage
    precondition(estimate >= overhead, "estimate \(estimate) is below the fixed overhead \(overhead)")

    for dialect in [OpenAIChatFormat.Dialect.openAI, .openRouter] {
        checkForwarding(incoming, dialect: dialect)
    }
    for kind in [ProviderKind.mistral, .openai] {
        _ = OpenAIChatFormat.encode(request, stream: incoming.stream, dialect: .of(kind)).canonicalString()
    }
    _ = OpenAIResponsesFormat.encode(request, stream: incoming.stream).canonicalString()
    _ = GeminiFormat.encode(request).canonicalString()
    do {
        let body = try AnthropicFormat.encode(request, stream: incoming.stream, defaultMaxTokens: 4096)
        if let budget = body["thinking"]?["budget_tokens"]?.doubleValue {
            precondition((body["max_tokens"]?.doubleValue ?? 0) > budget, "max_tokens must leave room after the thinking budget")
        }
        _ = body.canonicalString()
    } catch {
        precondition(error.code == "invalid_request", "Anthropic encoding may only refuse with invalid_request, got \(error.code)")
    }
    return 0
}

/// The body sent to an OpenAI-format upstream is a request the gateway itself accepts,
/// and a second decode and encode changes nothing.
func checkForwarding(_ incoming: IncomingChatRequest, dialect: OpenAIChatFormat.Dialect) {
    let forwarded = OpenAIChatFormat.encode(incoming.request, stream: incoming.stream, dialect: dialect)
    let decoded: IncomingChatRequest
    do {
        decoded = try OpenAIChatFormat.decodeRequest(forwarded)
    } catch {
        preconditionFailure("a forwarded request must decode: \(error) in \(forwarded.canonicalString().prefix(2000))")
    }
    precondition(decoded.stream == incoming.stream, "forwarding must keep stream")
    let again = OpenAIChatFormat.encode(decoded.request, stream: decoded.stream, dialect: dialect)
    precondition(again == forwarded, "re-encoding a forwarded request must not change it")
}

/// See DIDLogFuzzer: SwiftPM's debug builds rename `main`.
@_cdecl("GatewayRequestFuzzer_main")
public func gatewayRequestFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return gatewayRequestFuzzerTestOneInput(data, size)
    }
}
