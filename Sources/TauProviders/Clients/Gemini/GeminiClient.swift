import TauCore

/// Google Gemini over the Generative Language API (`v1beta`):
/// `models/{model}:generateContent` and `models/{model}:streamGenerateContent?alt=sse`,
/// authenticated with the `x-goog-api-key` header. See `GeminiFormat` for the mapping.
public struct GeminiClient: ModelClient {
    public let endpoint: ProviderEndpoint
    let http: UpstreamHTTP

    public init(endpoint: ProviderEndpoint, http: UpstreamHTTP) {
        self.endpoint = endpoint
        self.http = http
    }

    /// `maxOutputTokens` plus the thinking budget (``GeminiFormat/outputTokenCeiling(for:)``).
    public func outputTokenCeiling(for request: ChatRequest) -> Int? {
        GeminiFormat.outputTokenCeiling(for: request)
    }

    /// The URL of `method` (`generateContent`, `streamGenerateContent`) for `model`.
    func url(_ model: String, method: String) -> String {
        "\(endpoint.baseURL)/\(Self.resourcePath(model)):\(method)"
    }

    var headers: [(String, String)] {
        var headers = endpoint.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let key = endpoint.apiKey { headers.append(("x-goog-api-key", key)) }
        return headers
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let json = try await http.postJSON(
            url(request.model, method: "generateContent"), headers: headers, body: GeminiFormat.encode(request))
        return try GeminiFormat.decodeResponse(json, model: Self.modelID(request.model))
    }

    /// The model's resource name, percent-encoded: `models/<id>` whether or not the id
    /// came with the prefix, or `tunedModels/<id>` for a tuned model.
    static func resourcePath(_ model: String) -> String {
        if model.hasPrefix("tunedModels/") { return "tunedModels/" + percentEncoded(model.dropFirst(12)) }
        return "models/" + percentEncoded(modelID(model))
    }

    /// The model id without a `models/` prefix.
    static func modelID(_ model: String) -> String {
        model.hasPrefix("models/") ? String(model.dropFirst(7)) : model
    }

    /// Every byte but RFC 3986's unreserved characters escaped, so an id cannot add
    /// path segments, a query or the method's `:`.
    static func percentEncoded(_ text: some StringProtocol) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return result
    }
}
