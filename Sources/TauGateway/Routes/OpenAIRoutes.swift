import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauCore
import TauCrypto
import TauProviders

/// What the OpenAI-compatible API needs: the model service and caller admission.
public struct ModelGatewayDependencies: Sendable {
    public var service: ModelService
    public var access: GatewayAccess
    /// Gateway counters on `/metrics`; nil counts nothing.
    public var metrics: GatewayMetrics?

    public init(service: ModelService, access: GatewayAccess, metrics: GatewayMetrics? = nil) {
        self.service = service
        self.access = access
        self.metrics = metrics
    }
}

/// The OpenAI-compatible API:
/// - `POST /v1/chat/completions` (streaming with SSE chunks, tools, `stream_options.include_usage`);
/// - `GET /v1/models` and `GET /v1/models/{id}`.
struct OpenAIRoutes {
    let dependencies: ModelGatewayDependencies
    static let maximumBodyBytes = 16 << 20
    static let sessionHeader = HTTPField.Name("x-tau-session-id")!
    static let routeHeader = HTTPField.Name("x-tau-route")!

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group("v1")
        group.post("chat/completions") { request, _ -> Response in
            do {
                return try await chatCompletions(request)
            } catch {
                throw answer(error)
            }
        }
        group.get("models") { request, _ -> Response in
            do {
                _ = try await authenticate(request)
                return .json(["object": "list", "data": .array(dependencies.service.served.map(Self.modelObject))])
            } catch {
                throw answer(error)
            }
        }
        group.get("models/**") { request, context -> Response in
            do {
                _ = try await authenticate(request)
                let id = context.parameters.getCatchAll().joined(separator: "/")
                guard let model = dependencies.service.served.first(where: { $0.name == id }) else {
                    throw ProviderError("model_not_found", "the model `\(id)` does not exist", category: .notFound)
                }
                return .json(Self.modelObject(model))
            } catch {
                throw answer(error)
            }
        }
    }

    /// The OpenAI-shaped error answer for `error`, counted on `/metrics`.
    private func answer(_ error: any Error) -> OpenAIError {
        let answer = error as? OpenAIError ?? OpenAIError(error)
        dependencies.metrics?.error(code: answer.code)
        return answer
    }

    private func authenticate(_ request: Request) async throws -> GatewayCaller {
        try await Self.admit(request, access: dependencies.access)
    }

    /// Admits the caller. Without keys (`localhost-dev`), only requests a local program
    /// sends are served: the Host must be a loopback name and a browser Origin must be
    /// local too, so that a web page cannot spend the operator's credit (CSRF, DNS rebinding).
    static func admit(_ request: Request, access: GatewayAccess) async throws -> GatewayCaller {
        if access.mode == .localhostDev {
            let host = request.head.authority ?? ""
            let origin = request.headers[.origin]
            guard isLoopback(authority: host), origin.map({ isLoopback(origin: $0) }) ?? true else {
                throw OpenAIError(
                    status: .forbidden, type: "permission_error", code: "non_local_request",
                    message: "localhost-dev mode serves only local programs (Host and Origin must be loopback)")
            }
        }
        return try await access.authenticate(authorization: request.headers[.authorization])
    }

    static func isLoopback(authority: String) -> Bool {
        HostPolicy.loopback.allows(authority: authority)
    }

    static func isLoopback(origin: String) -> Bool {
        guard let url = URL(string: origin), let host = url.host else { return false }
        return isLoopback(authority: host.contains(":") ? "[\(host)]" : host)
    }

    static func modelObject(_ model: ServedModel) -> JSONValue {
        ["id": .string(model.name), "object": "model", "created": 0, "owned_by": .string(model.ownedBy)]
    }

    private func chatCompletions(_ request: Request) async throws -> Response {
        let caller = try await authenticate(request)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw OpenAIError(
                status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
                message: "a request body may have at most \(Self.maximumBodyBytes) bytes")
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: Array(buffer: body))
        } catch {
            throw OpenAIError(status: .badRequest, type: "invalid_request_error", code: "invalid_json", message: "the body is not valid JSON: \(error)")
        }
        var incoming = try OpenAIChatFormat.decodeRequest(json)
        try dependencies.access.authorize(caller, request: incoming.request)
        if case .key(let key) = caller, key.allowedModels != nil || key.budget != nil {
            // OpenRouter's own fallback list would reach models the key may not use, at prices not charged.
            incoming.request.options.openRouterModels = []
            incoming.request.options.openRouterProvider = nil
        }
        let context = CallContext(
            apiKeyID: caller.apiKeyID, sessionID: request.headers[Self.sessionHeader] ?? incoming.request.user,
            remainingBudget: try await dependencies.access.remainingBudget(caller), budget: caller.budget)
        let id = "chatcmpl-" + Hex.encode(SecureRandom.bytes(12))
        let created = Int(dependencies.service.currentTime.timeIntervalSince1970)
        if !incoming.stream {
            let routed = try await dependencies.service.complete(incoming.request, context: context)
            let model = routed.value.model.isEmpty ? routed.route.modelID : routed.value.model
            var response = Response.json(OpenAIChatFormat.encodeResponse(routed.value, id: id, model: model, created: created))
            response.headers[Self.routeHeader] = routed.route.name
            return response
        }
        let routed = try await dependencies.service.streamBatches(incoming.request, context: context)
        let groups = routed.value
        let start = OpenAIChatFormat.ChunkEncoder(
            id: id, model: routed.route.upstreamModel, created: created, includeUsage: incoming.includeUsage)
        let stream = ResponseBody { writer in
            var encoder = start
            do {
                // One write (and one flush) per group of events the upstream made available
                // together, not one per event.
                var bytes: [UInt8] = []
                for try await group in groups {
                    bytes.removeAll(keepingCapacity: true)
                    for event in group { encoder.appendSSE(for: event, to: &bytes) }
                    if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                }
                bytes.removeAll(keepingCapacity: true)
                encoder.appendClosingSSE(to: &bytes)
                bytes += "data: [DONE]\n\n".utf8
                try await writer.write(ByteBuffer(bytes: bytes))
            } catch {
                // The answer has started: report the failure in the stream, as OpenAI does; no [DONE].
                try await writer.write(Self.sse(OpenAIError(error).body))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache", Self.routeHeader: routed.route.name,
                HTTPField.Name("x-accel-buffering")!: "no",
            ], body: stream)
    }

    private static func sse(_ value: JSONValue) -> ByteBuffer {
        var bytes: [UInt8] = []
        OpenAIChatFormat.ChunkEncoder.appendSSE(value, to: &bytes)
        return ByteBuffer(bytes: bytes)
    }
}
