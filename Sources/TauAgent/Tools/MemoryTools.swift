import Foundation
import TauCore

/// `memory_save`: keeps a note for later runs in this workspace.
public struct MemorySaveTool: AgentTool {
    public init() {}

    public var name: String { "memory_save" }
    public var description: String {
        "Save a short note (a fact, a decision, a command that worked) for later runs in this workspace. Never save secrets."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["text"],
            "properties": [
                "text": ["type": "string", "description": "The note."],
                "tags": ["type": "array", "items": ["type": "string"], "description": "Optional labels."],
            ],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let memory = try MemoryTools.repository(context)
        let text = try arguments.requiredString("text", tool: name)
        guard !MemoryWords.words(text).isEmpty else { throw AgentError("tool_arguments_invalid", "memory_save: the note has no words") }
        let tags = arguments["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let note = MemoryNote(scope: context.memoryScope, text: text, tags: Array(tags.prefix(16)), createdAt: context.now())
        try await MemoryTools.run { try await memory.save(note) }
        return ToolOutput("saved \(note.id)", details: ["id": .string(note.id)])
    }
}

/// `memory_search`: finds notes saved in this workspace that hold every word of a query.
public struct MemorySearchTool: AgentTool {
    public init() {}

    public var name: String { "memory_search" }
    public var description: String { "Search the notes saved in this workspace; a note matches when it holds every word of the query." }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["query"],
            "properties": [
                "query": ["type": "string", "description": "Words to look for."],
                "limit": ["type": "integer", "minimum": 1, "maximum": 50, "description": "Most notes returned (default 10)."],
            ],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        let memory = try MemoryTools.repository(context)
        let query = try arguments.requiredString("query", tool: name)
        let limit = min(50, max(1, try arguments.optionalCount("limit", tool: name) ?? 10))
        let notes = try await MemoryTools.run { try await memory.search(query, scope: context.memoryScope, limit: limit) }
        guard !notes.isEmpty else { return ToolOutput("no notes match", details: ["count": 0]) }
        let lines = notes.map { "[\($0.id)] \($0.text)" }
        return ToolOutput(lines.joined(separator: "\n"), details: ["count": .number(Double(notes.count))])
    }
}

enum MemoryTools {
    static func repository(_ context: ToolContext) throws(AgentError) -> any MemoryRepository {
        guard let memory = context.memory else { throw AgentError("memory_unavailable", "this run has no memory store", category: .unavailable) }
        return memory
    }

    /// Runs a store call, reporting a store failure with its code and keeping it as the cause.
    static func run<T: Sendable>(_ body: () async throws -> T) async throws(AgentError) -> T {
        do {
            return try await body()
        } catch let error as AgentError {
            throw error
        } catch {
            let coded = error as? any TauError
            throw AgentError(
                coded?.code ?? "memory_failed", coded?.message ?? "the memory store failed", category: coded?.category ?? .internal, cause: error)
        }
    }
}
