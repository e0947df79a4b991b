import Foundation
import TauAgent

/// A ``MemoryRepository`` in memory: a note matches when it holds every query word; more
/// occurrences rank first, then newer notes.
public actor InMemoryMemoryRepository: MemoryRepository {
    private var notes: [String: MemoryNote] = [:]

    public init() {}

    public func save(_ note: MemoryNote) async throws {
        guard note.text.count <= MemoryNote.maximumLength else {
            throw AgentError("memory_too_large", "a memory note may have at most \(MemoryNote.maximumLength) characters")
        }
        guard notes[note.id] == nil else { throw AgentError("memory_exists", "note \(note.id) exists", category: .conflict) }
        notes[note.id] = note
    }

    public func search(_ query: String, scope: String, limit: Int) async throws -> [MemoryNote] {
        let wanted = MemoryWords.words(query, limit: MemoryWords.maximumQueryWords)
        guard !wanted.isEmpty, limit > 0 else { return [] }
        let scored: [(MemoryNote, Int)] = notes.values.filter { $0.scope == scope }.compactMap { note in
            let words = MemoryWords.words(note.text)
            let all = note.text.lowercased()
            guard wanted.allSatisfy(words.contains) else { return nil }
            return (note, wanted.map { all.components(separatedBy: $0).count - 1 }.reduce(0, +))
        }
        return scored.sorted { ($0.1, $0.0.createdAt) > ($1.1, $1.0.createdAt) }.prefix(limit).map(\.0)
    }

    public func delete(_ id: String) async throws -> Bool { notes.removeValue(forKey: id) != nil }
}
