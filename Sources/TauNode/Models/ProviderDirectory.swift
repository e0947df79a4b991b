import Foundation
import TauCore
import TauProviders

/// The providers this node can reach: `[providers.*]` tables plus every known
/// provider kind whose key is in the environment.
struct ProviderDirectory: Sendable {
    struct Entry: Sendable {
        var kind: ProviderKind
        var endpoint: ProviderEndpoint?
        /// Why there is no endpoint (the missing key), when there is none.
        var unavailable: ProviderError?
    }

    private var entries: [String: Entry] = [:]
    let http: UpstreamHTTP

    init(configuration: NodeConfiguration, environment: [String: String], http: UpstreamHTTP) throws(NodeError) {
        self.http = http
        let configured = configuration.providers ?? [:]
        for kind in ProviderKind.allCases where configured[kind.rawValue] == nil && kind != .local {
            entries[kind.rawValue] = Self.entry(name: kind.rawValue, kind: kind, settings: nil, environment: environment)
        }
        for (name, settings) in configured {
            guard let kind = ProviderKind(rawValue: settings.kind ?? name) else {
                let kinds = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw NodeError("config_invalid", "[providers.\(name)]: unknown provider kind \"\(settings.kind ?? name)\" (known: \(kinds))")
            }
            if let wire = settings.wire, WireProtocol(rawValue: wire) == nil {
                throw NodeError("config_invalid", "[providers.\(name)] wire must be one of \(WireProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let base = settings.base_url, URL(string: base)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                throw NodeError("config_invalid", "[providers.\(name)] base_url \(base) is not an http(s) URL")
            }
            entries[name] = Self.entry(name: name, kind: kind, settings: settings, environment: environment)
        }
    }

    private static func entry(name: String, kind: ProviderKind, settings: NodeConfiguration.Provider?, environment: [String: String]) -> Entry {
        let key: String?
        do {
            key = try ProviderEndpoint.apiKey(
                for: kind, name: name, configured: settings?.api_key, keyVariable: settings?.api_key_env, baseURL: settings?.base_url,
                environment: environment)
        } catch {
            return Entry(kind: kind, endpoint: nil, unavailable: error)
        }
        var headers = settings?.headers ?? [:]
        if kind == .openrouter {
            if let site = settings?.site_url { headers["HTTP-Referer"] = site }
            headers["X-Title"] = settings?.site_name ?? headers["X-Title"] ?? "tau-node"
        }
        return Entry(
            kind: kind,
            endpoint: ProviderEndpoint(
                name: name, kind: kind, baseURL: settings?.base_url, apiKey: key, headers: headers,
                wire: settings?.wire.flatMap(WireProtocol.init(rawValue:))),
            unavailable: nil)
    }

    /// Every provider key the node holds, for redaction: none may appear in a tool's output.
    var keys: [String] { entries.values.compactMap { $0.endpoint?.apiKey }.filter { !$0.isEmpty } }

    /// Names of the providers of `kind` that can be called (they have a key or need none).
    func usable(_ kind: ProviderKind) -> [String] {
        entries.filter { $0.value.kind == kind && $0.value.endpoint != nil }.keys.sorted()
    }

    func hasKey(_ kind: ProviderKind) -> Bool {
        entries[kind.rawValue]?.endpoint != nil
    }

    /// The route for a spec: a catalog id (`gpt-4.1`, `openrouter/openai/gpt-5.2`) or
    /// `<provider>:<model>` where provider is a `[providers.*]` name or a kind.
    /// - Parameter strict: throw for a missing key (configured routes); otherwise the route's
    ///   client reports the missing key when called.
    func route(for spec: String, catalog: ModelCatalog, strict: Bool) throws -> Route {
        let providerName: String
        let modelName: String
        let entry: ModelEntry?
        if let exact = catalog.entriesByID[spec], spec.contains(":") {
            // Catalog ids may contain a colon themselves (OpenRouter `...:free`).
            entry = exact
            providerName = exact.provider.rawValue
            modelName = exact.id
        } else if let colon = spec.firstIndex(of: ":") {
            providerName = String(spec[..<colon])
            modelName = String(spec[spec.index(after: colon)...])
            guard entries[providerName] != nil, !modelName.isEmpty else {
                throw NodeError("config_invalid", "route \(spec): no provider named \(providerName) (add [providers.\(providerName)])")
            }
            entry = catalog.entry(for: modelName) ?? catalog.entry(for: providerName + "/" + modelName)
        } else {
            guard let found = catalog.entry(for: spec) else {
                throw NodeError("model_not_found", "route \(spec): not a catalog model and not <provider>:<model>", category: .notFound)
            }
            entry = found
            providerName = found.provider.rawValue
            modelName = found.id
        }
        guard let provider = entries[providerName] else {
            throw NodeError("config_invalid", "route \(spec): provider \(providerName) is not configured")
        }
        if strict, let missing = provider.unavailable { throw missing }
        var client: any ModelClient = MissingKeyClient(error: provider.unavailable)
        if var endpoint = provider.endpoint {
            if let wire = entry?.wire, endpoint.kind == .openai { endpoint.wire = wire }
            client = ProviderClients.make(endpoint, http: http)
        }
        // A catalog entry's upstream id belongs to its own provider; another provider gets the name as written.
        let upstream = entry.flatMap { $0.provider == provider.kind ? $0.upstreamModel : nil } ?? modelName
        return Route(
            name: "\(providerName):\(upstream)", modelID: entry?.id ?? modelName, upstreamModel: upstream, client: client,
            contextWindow: entry?.contextWindow, maxOutputTokens: entry?.maxOutputTokens, pricing: entry?.pricing)
    }
}

/// The client of a provider without a key: every call fails with the error that names
/// the variable to set.
struct MissingKeyClient: ModelClient {
    let error: ProviderError?

    private var failure: UpstreamFailure {
        UpstreamFailure(.authentication, message: error?.message ?? "the provider is not configured", isLocal: true)
    }

    func complete(_ request: ChatRequest) async throws -> ChatResponse { throw failure }
    func stream(_ request: ChatRequest) async throws -> ChatEventStream { throw failure }
}
