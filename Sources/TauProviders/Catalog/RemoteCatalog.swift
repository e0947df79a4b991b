import Foundation
import TauCore

/// A remote catalog in OpenRouter's `GET /api/v1/models` format, turned into `openrouter`
/// entries.
///
/// The body must be an object whose `data` is an array; anything else is refused. Inside,
/// parsing is tolerant: a model without a usable id, context length or prompt/completion
/// price is skipped and counted, unknown fields are ignored, and models past
/// ``maximumEntries`` are dropped and counted.
public struct RemoteCatalog: Sendable, Hashable {
    /// The parsed models: provider `openrouter`, id `openrouter/<id>` (OpenRouter's own
    /// `openrouter/…` routers keep their id), upstream id `<id>`, source `remote`.
    public var entries: [ModelEntry]
    /// Models left out because an entry was malformed or repeated an id.
    public var skipped: Int
    /// Models left out because the list was longer than the cap.
    public var truncated: Int

    public init(entries: [ModelEntry], skipped: Int = 0, truncated: Int = 0) {
        self.entries = entries
        self.skipped = skipped
        self.truncated = truncated
    }

    /// The largest number of models kept from one list.
    public static let maximumEntries = 5000

    /// Parses a response body.
    /// - Throws: `catalog_invalid` when the body is not JSON or not `{"data": [...]}`.
    public static func parse(_ bytes: some Collection<UInt8>, maximumEntries: Int = RemoteCatalog.maximumEntries) throws(ProviderError) -> RemoteCatalog {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw ProviderError("catalog_invalid", "the remote catalog is not JSON: \(error.message)", category: .unavailable)
        }
        guard let data = json["data"]?.arrayValue else {
            throw ProviderError(
                "catalog_invalid", "the remote catalog is not an OpenRouter model list (no \"data\" array)", category: .unavailable)
        }
        var entries: [ModelEntry] = []
        var seen: Set<String> = []
        var skipped = 0
        for item in data.prefix(maximumEntries) {
            guard let entry = entry(item), seen.insert(entry.id).inserted else {
                skipped += 1
                continue
            }
            entries.append(entry)
        }
        return RemoteCatalog(entries: entries, skipped: skipped, truncated: max(0, data.count - maximumEntries))
    }

    /// One model object as an entry, or nil when it lacks what an entry needs.
    static func entry(_ model: JSONValue) -> ModelEntry? {
        guard let upstream = model["id"]?.stringValue, ModelCatalog.isValidID(upstream), !upstream.hasSuffix("/") else {
            return nil
        }
        let topProvider = model["top_provider"]
        guard let context = model["context_length"]?.intValue ?? topProvider?["context_length"]?.intValue, context > 0,
            let pricing = model["pricing"], pricing.objectValue != nil,
            case .some(let input) = price(pricing["prompt"]), case .some(let output) = price(pricing["completion"])
        else { return nil }
        var cached: Money?
        if let cacheRead = pricing["input_cache_read"], !cacheRead.isNull {
            guard case .some(let value) = price(cacheRead) else { return nil }
            cached = value
        }
        let parameters = Set(model["supported_parameters"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let inputModalities: [String] =
            model["architecture"]?["input_modalities"]?.arrayValue?.compactMap(\.stringValue)
            ?? (model["architecture"]?["modality"]?.stringValue?.split(separator: "-").first.map { $0.split(separator: "+").map(String.init) } ?? [])
        let maxOutput = topProvider?["max_completion_tokens"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
        let cutoff = model["knowledge_cutoff"]?.stringValue.map { String($0.prefix(7)) }.flatMap {
            ModelCatalog.isYearMonth($0) ? $0 : nil
        }
        let name = model["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? upstream
        return ModelEntry(
            id: upstream.hasPrefix("openrouter/") ? upstream : "openrouter/" + upstream, provider: .openrouter,
            displayName: name, contextWindow: context, maxOutputTokens: maxOutput,
            supportsTools: parameters.contains("tools"), supportsMultimodal: inputModalities.contains("image"),
            supportsExtendedThinking: parameters.contains("reasoning") || parameters.contains("include_reasoning"),
            inputPricePerMillion: input, outputPricePerMillion: output, cachedInputPricePerMillion: cached,
            knowledgeCutoff: cutoff, upstreamID: upstream, source: .remote)
    }

    /// A per-token price as a decimal string, in USD per million tokens: the digits are
    /// read exactly and the decimal point moved six places (`"0.00000175"` is $1.75 / M),
    /// with no `Double` in between; digits below a micro-USD per million round up. The outer
    /// optional is nil when the value is malformed; the inner one when it is unknown
    /// (OpenRouter writes `"-1"` for routers whose price depends on the model picked).
    static func price(_ value: JSONValue?) -> Money?? {
        guard let text = value?.stringValue?.trimmingCharacters(in: .whitespaces),
            let perMillion = try? Money(decimal: text, currency: .usd, shiftingDecimalPointBy: 6, rounding: .up)
        else { return nil }
        // The sign of the text, not of the rounded amount: `-1e-15` is unknown, not free.
        return .some(text.hasPrefix("-") ? nil : perMillion)
    }
}
