import Foundation
import TauCore
import TauProviders

/// `<home>/catalog-cache.json`: the last remote catalog fetched, as parsed entries.
public struct CatalogCache: Sendable, Equatable, Codable {
    /// When the list was fetched.
    public var fetchedAt: Date
    /// Where it was fetched from.
    public var url: String
    /// The parsed models (provider `openrouter`, source `remote`).
    public var entries: [ModelEntry]
    /// Malformed models left out of the list.
    public var skipped: Int

    public init(fetchedAt: Date, url: String, entries: [ModelEntry], skipped: Int = 0) {
        self.fetchedAt = fetchedAt
        self.url = url
        self.entries = entries
        self.skipped = skipped
    }

    enum CodingKeys: String, CodingKey {
        case fetchedAt = "fetched_at"
        case url, entries, skipped
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .fetchedAt)
        do {
            fetchedAt = try Timestamp.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .fetchedAt, in: container, debugDescription: error.message)
        }
        url = try container.decode(String.self, forKey: .url)
        entries = try container.decode([ModelEntry].self, forKey: .entries)
        skipped = try container.decodeIfPresent(Int.self, forKey: .skipped) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Timestamp.format(fetchedAt), forKey: .fetchedAt)
        try container.encode(url, forKey: .url)
        try container.encode(entries, forKey: .entries)
        try container.encode(skipped, forKey: .skipped)
    }

    /// The file's bytes: pretty, sorted keys, slashes unescaped (model ids are full of them).
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
