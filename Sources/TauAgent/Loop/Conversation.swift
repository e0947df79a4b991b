import Foundation
import TauCore
import TauProviders

/// How the loop writes its turns as session entries, and reads a branch of entries back as
/// the messages a model is sent.
///
/// - `message`: `{"role": "user" | "assistant", "text": ..., "reasoning": [{"text", "signature"}]?,
///   "interrupted": true?}`
/// - `tool_call`: `{"id", "name", "arguments"}` — follows the assistant message that made it.
/// - `tool_result`: `{"call_id", "name", "output", "error_code"?}`
/// - `compaction`: `{"summary", "first_kept_entry_id", "summarised"}` — stands for every entry
///   of the branch before `first_kept_entry_id`.
enum Conversation {
    static func userMessage(_ text: String) -> JSONValue { ["role": "user", "text": .string(text)] }

    static func assistantMessage(_ message: ChatMessage, interrupted: Bool) -> JSONValue {
        var content: [String: JSONValue] = ["role": "assistant", "text": .string(message.text)]
        let reasoning: [JSONValue] = message.content.compactMap { part in
            switch part {
            case .thinking(let text, let signature):
                return ["text": .string(text), "signature": signature.map(JSONValue.string) ?? .null]
            case .redactedThinking(let data):
                return ["redacted": .string(data)]
            case .text, .image:
                return nil
            }
        }
        if !reasoning.isEmpty { content["reasoning"] = .array(reasoning) }
        if interrupted { content["interrupted"] = true }
        return .object(content)
    }

    static func toolCall(_ call: ToolCall) -> JSONValue {
        ["id": .string(call.id), "name": .string(call.name), "arguments": .string(call.arguments)]
    }

    static func toolResult(callID: String, name: String, output: String, errorCode: String?) -> JSONValue {
        var content: [String: JSONValue] = ["call_id": .string(callID), "name": .string(name), "output": .string(output)]
        if let errorCode { content["error_code"] = .string(errorCode) }
        return .object(content)
    }

    static func compaction(summary: String, firstKept: String?, summarised: Int) -> JSONValue {
        ["summary": .string(summary), "first_kept_entry_id": firstKept.map(JSONValue.string) ?? .null, "summarised": .number(Double(summarised))]
    }

    /// What the model is shown in place of a missing tool result (a run stopped between the
    /// call and its result); every call must have a result or providers refuse the request.
    static let missingResult = "error: the tool did not run to completion (the run was interrupted)"

    /// The entries of `path` the model sees: after the latest compaction, its summary as a
    /// user message, then the entries it kept, then everything after it.
    static func visibleEntries(_ path: [SessionEntry]) -> (summary: String?, entries: [SessionEntry]) {
        guard let index = path.lastIndex(where: { $0.kind == .compaction }) else { return (nil, path) }
        let compaction = path[index]
        let summary = compaction.content["summary"]?.stringValue ?? ""
        let before = path[..<index]
        let kept: ArraySlice<SessionEntry>
        if let first = compaction.content["first_kept_entry_id"]?.stringValue, let start = before.firstIndex(where: { $0.id == first }) {
            kept = before[start...]
        } else {
            kept = []
        }
        return (summary, Array(kept) + path[(index + 1)...])
    }

    /// The messages for a model call: the system prompt, then the branch.
    static func messages(system: String?, path: [SessionEntry]) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system, !system.isEmpty { messages.append(.text(.system, system)) }
        let (summary, entries) = visibleEntries(path)
        if let summary {
            messages.append(.text(.user, "Summary of the earlier part of this conversation:\n\n" + summary))
        }
        var pendingCalls: [ToolCall] = []
        func closeCalls() {
            // A call without a result gets one, so the conversation stays well-formed.
            let answered = Set(messages.reversed().prefix { $0.role == .tool }.compactMap(\.toolCallID))
            for call in pendingCalls where !answered.contains(call.id) {
                messages.append(ChatMessage(role: .tool, content: [.text(missingResult)], toolCallID: call.id, name: call.name))
            }
            pendingCalls = []
        }
        for entry in entries {
            let content = entry.content
            switch entry.kind {
            case .message:
                closeCalls()
                let role = ChatMessage.Role(rawValue: content["role"]?.stringValue ?? "user") ?? .user
                var parts: [ContentPart] = []
                for item in content["reasoning"]?.arrayValue ?? [] {
                    if let data = item["redacted"]?.stringValue {
                        parts.append(.redactedThinking(data))
                    } else if let text = item["text"]?.stringValue {
                        parts.append(.thinking(text, signature: item["signature"]?.stringValue))
                    }
                }
                let text = content["text"]?.stringValue ?? ""
                if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
                messages.append(ChatMessage(role: role == .tool ? .user : role, content: parts))
            case .toolCall:
                let call = ToolCall(
                    id: content["id"]?.stringValue ?? entry.id, name: content["name"]?.stringValue ?? "",
                    arguments: content["arguments"]?.stringValue ?? "{}")
                if let last = messages.indices.last, messages[last].role == .assistant {
                    messages[last].toolCalls.append(call)
                } else {
                    messages.append(ChatMessage(role: .assistant, toolCalls: [call]))
                }
                pendingCalls.append(call)
            case .toolResult:
                let callID = content["call_id"]?.stringValue ?? ""
                guard pendingCalls.contains(where: { $0.id == callID }) else { continue }
                messages.append(
                    ChatMessage(
                        role: .tool, content: [.text(content["output"]?.stringValue ?? "")], toolCallID: callID,
                        name: content["name"]?.stringValue))
            case .compaction:
                continue
            }
        }
        closeCalls()
        return messages
    }

    /// The conversation as plain text, for the summariser.
    static func transcript(_ entries: [SessionEntry], previousSummary: String?, maximumCharactersPerEntry: Int = 4_000) -> String {
        var lines: [String] = []
        if let previousSummary { lines.append("[earlier summary]\n" + previousSummary) }
        for entry in entries {
            let content = entry.content
            let text: String
            switch entry.kind {
            case .message: text = "[\(content["role"]?.stringValue ?? "user")]\n" + (content["text"]?.stringValue ?? "")
            case .toolCall: text = "[tool call \(content["name"]?.stringValue ?? "")] " + (content["arguments"]?.stringValue ?? "")
            case .toolResult: text = "[tool result \(content["name"]?.stringValue ?? "")]\n" + (content["output"]?.stringValue ?? "")
            case .compaction: continue
            }
            lines.append(text.count > maximumCharactersPerEntry ? String(text.prefix(maximumCharactersPerEntry)) + " [...]" : text)
        }
        return lines.joined(separator: "\n\n")
    }
}
