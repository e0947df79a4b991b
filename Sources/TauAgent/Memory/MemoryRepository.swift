import Foundation
import TauCore
import TauCrypto

/// A note the agent keeps for later runs (`memory_save`), found again by words
/// (`memory_search`).
public struct MemoryNote: Sendable, Equatable {
    /// `mem_` and 24 hex digits.
    public var id: String
    /// Which memory it belongs to, e.g. one workspace's; searches never cross scopes.
    public var scope: String
    public var text: String
    public var tags: [String]
    public var createdAt: Date

    public init(id: String = MemoryNote.newID(), scope: String, text: String, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.scope = scope
        self.text = text
        self.tags = tags
        self.createdAt = createdAt
    }

    public static func newID() -> String { "mem_" + Hex.encode(SecureRandom.bytes(12)) }

    /// Most characters of one note.
    public static let maximumLength = 16_384
}

/// Full-text memory: SQLite FTS5 and PostgreSQL `tsvector` behind one protocol (TauStore),
/// in memory for tests (TauTesting). Every implementation passes `MemoryRepositoryContract`.
///
/// A search matches notes that contain every word of the query (letters and digits, case
/// ignored, no stemming), best matches first; punctuation in the query is never syntax.
public protocol MemoryRepository: Sendable {
    /// Stores a note.
    /// - Throws: ``AgentError`` `memory_too_large`, `memory_exists`.
    func save(_ note: MemoryNote) async throws
    /// Notes of `scope` that hold every word of `query`, at most `limit`.
    func search(_ query: String, scope: String, limit: Int) async throws -> [MemoryNote]
    /// Deletes a note; false when there was none.
    func delete(_ id: String) async throws -> Bool
}

/// How queries and notes are split into words, the same for every backend: runs of letters
/// and digits, lower-cased, each once.
public enum MemoryWords {
    /// Most words of a query that are searched for.
    public static let maximumQueryWords = 32

    public static func words(_ text: String, limit: Int = .max) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var seen: Set<String> = []
        return Array(words.filter { seen.insert($0).inserted }.prefix(limit))
    }
}
