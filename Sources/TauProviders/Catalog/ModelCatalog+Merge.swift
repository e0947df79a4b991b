extension ModelCatalog {
    /// Built-ins, then the remote entries, then the overrides (the merge policy of ``ModelCatalog``).
    /// - Throws: `catalog_override_invalid` for an override with a bad value, or one that adds a
    ///   model without `provider` and `context_window`.
    public static func assemble(
        builtin: [ModelEntry] = BuiltinCatalog.entries, remote: [ModelEntry] = [], overrides: [String: ModelOverride] = [:]
    ) throws(ProviderError) -> ModelCatalog {
        try ModelCatalog(builtin).merging(remote: remote).applying(overrides)
    }

    /// Merges remote catalog entries (all `openrouter`; others are ignored).
    ///
    /// A remote entry matching an existing `openrouter` entry by upstream id (else by id)
    /// refreshes that entry's display name, context window, max output (when given), capability
    /// flags and prices (when the remote knows them), and marks it `remote`; its id, provider,
    /// wire, upstream id, deprecation, sunset and note are kept. Other remote entries are added.
    /// Entries the remote list lacks are kept.
    public func merging(remote: [ModelEntry]) -> ModelCatalog {
        var merged = self
        var byUpstream: [String: String] = [:]
        for entry in entriesByID.values where entry.provider == .openrouter {
            byUpstream[entry.upstreamModel] = entry.id
        }
        for incoming in remote where incoming.provider == .openrouter {
            let matchedID = byUpstream[incoming.upstreamModel] ?? (merged.entriesByID[incoming.id] != nil ? incoming.id : nil)
            guard let matchedID, var existing = merged.entriesByID[matchedID] else {
                merged.entriesByID[incoming.id] = incoming
                byUpstream[incoming.upstreamModel] = incoming.id
                continue
            }
            guard existing.provider == .openrouter else { continue }
            existing.refresh(from: incoming)
            merged.entriesByID[matchedID] = existing
        }
        return merged
    }

    /// Applies local overrides: each pins the fields it sets on the entry with its id (marked
    /// `override`), or adds a new entry when the id is unknown.
    /// - Throws: `catalog_override_invalid`.
    public func applying(_ overrides: [String: ModelOverride]) throws(ProviderError) -> ModelCatalog {
        var result = self
        for (id, override) in overrides.sorted(by: { $0.key < $1.key }) {
            try override.validate(id: id)
            if var entry = result.entriesByID[id] {
                override.apply(to: &entry)
                entry.source = .override
                result.entriesByID[id] = entry
                continue
            }
            guard let provider = override.provider, let contextWindow = override.contextWindow else {
                let missing = [override.provider == nil ? "provider" : nil, override.contextWindow == nil ? "context_window" : nil]
                    .compactMap { $0 }.joined(separator: " and ")
                throw ProviderError(
                    "catalog_override_invalid",
                    "catalog.models.\"\(id)\" is not in the catalog, so it adds a model and needs \(missing)")
            }
            var entry = ModelEntry(
                id: id, provider: provider, displayName: id, contextWindow: contextWindow, supportsTools: false,
                source: .override)
            override.apply(to: &entry)
            result.entriesByID[id] = entry
        }
        return result
    }

    /// A model id: 1-256 characters, no whitespace or control characters.
    static func isValidID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 256
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// `YYYY-MM`.
    static func isYearMonth(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1])
        else { return false }
        return year >= 1900 && (1...12).contains(month)
    }

    /// `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].count == 2, let day = Int(parts[2]) else { return false }
        return isYearMonth("\(parts[0])-\(parts[1])") && (1...31).contains(day)
    }
}

extension ModelEntry {
    /// Takes the values a remote catalog may refresh (see ``ModelCatalog/merging(remote:)``).
    mutating func refresh(from remote: ModelEntry) {
        displayName = remote.displayName
        contextWindow = remote.contextWindow
        if let maximum = remote.maxOutputTokens { maxOutputTokens = maximum }
        supportsTools = remote.supportsTools
        supportsMultimodal = remote.supportsMultimodal
        supportsExtendedThinking = remote.supportsExtendedThinking
        // A remote price that is unknown (a router's "-1") keeps the price we have; a known
        // one replaces all three, so a model without a cache discount loses a stale one.
        if remote.inputPricePerMillion != nil, remote.outputPricePerMillion != nil {
            inputPricePerMillion = remote.inputPricePerMillion
            outputPricePerMillion = remote.outputPricePerMillion
            cachedInputPricePerMillion = remote.cachedInputPricePerMillion
        }
        if knowledgeCutoff == nil { knowledgeCutoff = remote.knowledgeCutoff }
        source = .remote
    }
}
