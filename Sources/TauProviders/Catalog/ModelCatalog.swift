/// The models a node can route to, keyed by id.
///
/// A catalog is assembled in three layers, later layers winning:
/// 1. the built-in entries (``BuiltinCatalog``);
/// 2. the remote catalog (OpenRouter `GET /api/v1/models`, see ``merging(remote:)``): every
///    remote model becomes an `openrouter` entry; one that matches an existing `openrouter`
///    entry (same upstream id, else same id) refreshes its prices, context window, max
///    output, capability flags and display name, never its id, provider, wire, upstream id
///    or deprecation. Built-ins missing from the remote list stay;
/// 3. local overrides (`[catalog.models."<id>"]`, see ``applying(_:)``), which pin any field
///    of an existing entry or add a new one.
///
/// Lookups take an entry id (`gpt-5.2`, `openrouter/openai/gpt-5.2`) or a provider-qualified
/// form `<provider>/<id>` (`openai/gpt-5.2`, `anthropic/claude-opus-4-6`), which names the
/// entry with that id served by that provider. An exact id always wins over the qualified
/// reading. Lookups are case-sensitive.
public struct ModelCatalog: Sendable, Hashable {
    /// Entries by id.
    public internal(set) var entriesByID: [String: ModelEntry]

    /// A catalog of `entries`; when two share an id, the later one is kept.
    public init(_ entries: some Sequence<ModelEntry>) {
        var byID: [String: ModelEntry] = [:]
        for entry in entries { byID[entry.id] = entry }
        entriesByID = byID
    }

    /// The built-in catalog alone.
    public static let builtin = ModelCatalog(BuiltinCatalog.entries)

    public var count: Int { entriesByID.count }

    /// Every entry, sorted by provider name, then id.
    public var entries: [ModelEntry] {
        entriesByID.values.sorted(by: ModelCatalog.listingOrder)
    }

    /// The entry for an id or a `<provider>/<id>` form, if any.
    public func entry(for name: String) -> ModelEntry? {
        if let exact = entriesByID[name] { return exact }
        guard let slash = name.firstIndex(of: "/"),
            let provider = ProviderKind(rawValue: String(name[..<slash])),
            let entry = entriesByID[String(name[name.index(after: slash)...])],
            entry.provider == provider
        else { return nil }
        return entry
    }

    /// The entry for `name`.
    /// - Throws: `model_not_found` (not found), with a suggestion when a known id is close.
    public func require(_ name: String) throws(ProviderError) -> ModelEntry {
        if let entry = entry(for: name) { return entry }
        var message = "unknown model \(name)"
        if let suggestion = suggestion(for: name) { message += "; did you mean \(suggestion)?" }
        message += " (`tau-node models list` shows the catalog)"
        throw ProviderError("model_not_found", message, category: .notFound)
    }

    /// Entries for a listing: optionally one provider's, deprecated ones only when asked for,
    /// sorted by provider name, then id.
    public func entries(provider: ProviderKind? = nil, includeDeprecated: Bool = true) -> [ModelEntry] {
        entriesByID.values
            .filter { (provider == nil || $0.provider == provider) && (includeDeprecated || !$0.deprecated) }
            .sorted(by: ModelCatalog.listingOrder)
    }

    static func listingOrder(_ left: ModelEntry, _ right: ModelEntry) -> Bool {
        left.provider.rawValue == right.provider.rawValue
            ? left.id < right.id : left.provider.rawValue < right.provider.rawValue
    }
}
