import Foundation
import TauCore
import TauProviders

/// A session as JSON Lines, for `tau-node sessions export | import`: the first line is the
/// session, every further line one entry in the order it was appended, each the JCS form of
/// its object. Importing an export and exporting again gives the same bytes.
///
/// ```text
/// {"createdAtMs":…,"head":"ent_…","id":"ses_…","title":"…","type":"session","updatedAtMs":…}
/// {"content":{…},"createdAtMs":…,"id":"ent_…","kind":"message","parent":null,"type":"entry","usage":{…}}
/// ```
public enum SessionTranscript {
    /// Most bytes and entries read from an import.
    public static let maximumBytes = 64 << 20
    public static let maximumEntries = 100_000

    /// The transcript of `session` and its `entries` (in append order).
    public static func export(_ session: Session, entries: [SessionEntry]) -> String {
        var lines = [sessionLine(session).canonicalString()]
        lines += entries.map { entryLine($0).canonicalString() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a transcript: the session and its entries, each parent defined before its child.
    /// - Throws: ``AgentError`` `transcript_invalid` (with the line number) or `transcript_too_large`.
    public static func parse(_ bytes: some Collection<UInt8>) throws(AgentError) -> (session: Session, entries: [SessionEntry]) {
        guard bytes.count <= maximumBytes else {
            throw AgentError("transcript_too_large", "a session transcript may have at most \(maximumBytes) bytes")
        }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().filter { !$0.element.isEmpty }
        guard !lines.isEmpty else { throw AgentError("transcript_invalid", "the transcript is empty") }
        guard lines.count - 1 <= maximumEntries else {
            throw AgentError("transcript_too_large", "a session transcript may hold at most \(maximumEntries) entries")
        }
        func invalid(_ line: Int, _ why: String) -> AgentError { AgentError("transcript_invalid", "line \(line + 1): \(why)") }
        func object(_ line: Int, _ text: some Collection<UInt8>) throws(AgentError) -> JSONValue {
            do {
                let value = try JSONValue(parsing: text)
                guard value.objectValue != nil else { throw invalid(line, "not a JSON object") }
                return value
            } catch let error as AgentError {
                throw error
            } catch {
                throw invalid(line, "not JSON: \((error as? any TauError)?.message ?? "\(error)")")
            }
        }
        let (firstLine, firstText) = lines.removeFirst()
        let header = try object(firstLine, firstText)
        guard header["type"] == "session", let id = header["id"]?.stringValue, Session.isValidID(id, prefix: "ses_"),
            let title = header["title"]?.stringValue, let created = header["createdAtMs"]?.intValue,
            let updated = header["updatedAtMs"]?.intValue
        else { throw invalid(firstLine, "the first line must be the session: type, id (ses_…), title, createdAtMs, updatedAtMs") }
        let head = header["head"]?.stringValue
        var entries: [SessionEntry] = []
        var known: Set<String> = []
        for (line, text) in lines {
            let value = try object(line, text)
            guard value["type"] == "entry", let entryID = value["id"]?.stringValue, Session.isValidID(entryID, prefix: "ent_") else {
                throw invalid(line, "an entry needs type \"entry\" and an id (ent_…)")
            }
            guard !known.contains(entryID) else { throw invalid(line, "entry \(entryID) appears twice") }
            let parent = value["parent"]?.stringValue
            guard parent != nil || value["parent"] == .null else { throw invalid(line, "parent must be an entry id or null") }
            if let parent, !known.contains(parent) { throw invalid(line, "parent \(parent.prefix(64)) is not an earlier entry") }
            guard let kindText = value["kind"]?.stringValue, let kind = SessionEntry.Kind(rawValue: kindText) else {
                throw invalid(line, "kind must be one of \(SessionEntry.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let content = value["content"], let time = value["createdAtMs"]?.intValue else {
                throw invalid(line, "an entry needs content and createdAtMs")
            }
            let usage = value["usage"] ?? [:]
            var cost: Money?
            if let micros = value["costMicros"]?.intValue {
                guard let code = value["currency"]?.stringValue, let currency = Currency(rawValue: code) else {
                    throw invalid(line, "costMicros needs a currency (USD or credits)")
                }
                cost = Money(microunits: Int64(micros), currency: currency)
            }
            entries.append(
                SessionEntry(
                    id: entryID, parentID: parent, kind: kind, content: content,
                    usage: Usage(
                        inputTokens: usage["input"]?.intValue ?? 0, outputTokens: usage["output"]?.intValue ?? 0,
                        cachedInputTokens: usage["cachedInput"]?.intValue ?? 0, cacheWriteTokens: usage["cacheWrite"]?.intValue ?? 0,
                        reasoningTokens: usage["reasoning"]?.intValue ?? 0),
                    cost: cost, createdAt: Date(epochMilliseconds: Int64(time))))
            known.insert(entryID)
        }
        if let head, !known.contains(head) { throw invalid(firstLine, "head \(head.prefix(64)) is not an entry of the transcript") }
        let session = Session(
            id: id, title: title, createdAt: Date(epochMilliseconds: Int64(created)), updatedAt: Date(epochMilliseconds: Int64(updated)),
            headID: head, entryCount: entries.count)
        return (session, entries)
    }

    static func sessionLine(_ session: Session) -> JSONValue {
        [
            "type": "session", "id": .string(session.id), "title": .string(session.title),
            "createdAtMs": .number(Double(session.createdAt.epochMilliseconds)),
            "updatedAtMs": .number(Double(session.updatedAt.epochMilliseconds)),
            "head": session.headID.map(JSONValue.string) ?? .null,
        ]
    }

    /// One entry as a transcript line writes it (also `sessions show --json`).
    public static func entryLine(_ entry: SessionEntry) -> JSONValue {
        var line: [String: JSONValue] = [
            "type": "entry", "id": .string(entry.id), "parent": entry.parentID.map(JSONValue.string) ?? .null,
            "kind": .string(entry.kind.rawValue), "content": entry.content,
            "createdAtMs": .number(Double(entry.createdAt.epochMilliseconds)),
            "usage": [
                "input": .number(Double(entry.usage.inputTokens)), "output": .number(Double(entry.usage.outputTokens)),
                "cachedInput": .number(Double(entry.usage.cachedInputTokens)), "cacheWrite": .number(Double(entry.usage.cacheWriteTokens)),
                "reasoning": .number(Double(entry.usage.reasoningTokens)),
            ],
        ]
        if let cost = entry.cost {
            line["costMicros"] = .number(Double(cost.microunits))
            line["currency"] = .string(cost.currency.code)
        }
        return .object(line)
    }
}

extension SessionRepository {
    /// Stores an imported transcript as a new session with the same ids, times and head. A
    /// transcript that fails half-way is removed again, so no half-imported session remains.
    /// - Throws: ``AgentError`` `session_exists` when a session with its id is held.
    public func importTranscript(_ session: Session, entries: [SessionEntry]) async throws {
        try await create(Session(id: session.id, title: session.title, createdAt: session.createdAt))
        do {
            var head: String?
            for entry in entries {
                try await append(entry, to: session.id, expectingHead: head)
                head = entry.id
            }
            try await moveHead(of: session.id, to: session.headID, expectingHead: head, at: session.updatedAt)
        } catch {
            _ = try? await delete(session.id)
            throw error
        }
    }
}
