import Foundation
import TauCore

/// A tool the agent offers the model: a name, a JSON Schema for its arguments, and the
/// work. Tools never see the node's secrets: every path they touch passes the ``PathPolicy``.
public protocol AgentTool: Sendable {
    /// The name the model calls it by, e.g. `read_file`.
    var name: String { get }
    /// What it does, for the model.
    var description: String { get }
    /// JSON Schema of the arguments object.
    var parameters: JSONValue { get }
    /// Whether calls may run at the same time as other calls of the same turn (reads may,
    /// writes and shell commands may not).
    var isParallelSafe: Bool { get }
    /// Runs one call.
    /// - Throws: ``AgentError`` with a reason code the model is shown (`path_outside_workspace`,
    ///   `path_protected`, `edit_no_match`, ...).
    func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput
}

/// What a tool call runs with.
public struct ToolContext: Sendable {
    /// The workspace and protected paths every path is checked against.
    public var paths: PathPolicy
    /// The agent's memory, when the memory tools are offered.
    public var memory: (any MemoryRepository)?
    /// The memory scope of this run (one per workspace by default).
    public var memoryScope: String
    /// The wall clock, for the times tools record.
    public var now: @Sendable () -> Date
    /// The node's policed HTTP client (outbound address policy, no redirects), for tools that
    /// fetch; nil when the run offers no network tools.
    public var http: (any OutboundHTTP)?

    public init(
        paths: PathPolicy, memory: (any MemoryRepository)? = nil, memoryScope: String? = nil, http: (any OutboundHTTP)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.paths = paths
        self.memory = memory
        self.memoryScope = memoryScope ?? "workspace:" + paths.workspace
        self.http = http
        self.now = now
    }
}

/// What a tool returns to the model.
public struct ToolOutput: Sendable, Equatable {
    /// The text the model reads.
    public var text: String
    /// Structured details for the session and the UI (bytes written, matches, ...).
    public var details: JSONValue

    public init(_ text: String, details: JSONValue = [:]) {
        self.text = text
        self.details = details
    }
}

extension JSONValue {
    /// A required string argument of a tool call.
    func requiredString(_ name: String, tool: String) throws(AgentError) -> String {
        guard let value = self[name]?.stringValue else {
            throw AgentError("tool_arguments_invalid", "\(tool): `\(name)` must be a string")
        }
        return value
    }

    /// An optional non-negative integer argument of a tool call.
    func optionalCount(_ name: String, tool: String) throws(AgentError) -> Int? {
        guard let value = self[name], value != .null else { return nil }
        guard let number = value.intValue, number >= 0 else {
            throw AgentError("tool_arguments_invalid", "\(tool): `\(name)` must be a non-negative integer")
        }
        return number
    }

    /// An optional string argument of a tool call (absent or null: nil).
    func optionalString(_ name: String, tool: String) throws(AgentError) -> String? {
        guard let value = self[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw AgentError("tool_arguments_invalid", "\(tool): `\(name)` must be a string") }
        return text
    }

    /// An optional boolean argument of a tool call (absent or null: nil).
    func optionalBool(_ name: String, tool: String) throws(AgentError) -> Bool? {
        guard let value = self[name], value != .null else { return nil }
        guard let flag = value.boolValue else { throw AgentError("tool_arguments_invalid", "\(tool): `\(name)` must be true or false") }
        return flag
    }
}
