import Foundation
import TauCore
import TauCrypto
import TauProviders

/// One node of a session's tree: a message, a tool call, a tool result or a compaction
/// summary, with the usage and cost of the model call that produced it.
public struct SessionEntry: Sendable, Equatable {
    /// What an entry records.
    public enum Kind: String, Sendable, CaseIterable {
        /// A system, user or assistant message.
        case message
        /// A tool the model asked to run.
        case toolCall = "tool_call"
        /// What a tool returned (after redaction).
        case toolResult = "tool_result"
        /// A summary that stands for the older turns it replaced.
        case compaction
    }

    /// `ent_` and 24 hex digits; unique within its session.
    public var id: String
    /// The entry this one follows; nil for the first entry of a session.
    public var parentID: String?
    public var kind: Kind
    /// The entry's content as the agent loop wrote it (role and text, tool name and
    /// arguments, ...), kept exactly.
    public var content: JSONValue
    /// Tokens of the model call that produced this entry (zero for entries no model wrote).
    public var usage: Usage
    /// What that call cost, when its price is known.
    public var cost: Money?
    public var createdAt: Date

    public init(
        id: String = SessionEntry.newID(), parentID: String?, kind: Kind, content: JSONValue, usage: Usage = Usage(),
        cost: Money? = nil, createdAt: Date
    ) {
        self.id = id
        self.parentID = parentID
        self.kind = kind
        self.content = content
        self.usage = usage
        self.cost = cost
        self.createdAt = createdAt
    }

    /// A fresh random entry id.
    public static func newID() -> String { "ent_" + Hex.encode(SecureRandom.bytes(12)) }
}

/// A conversation: a tree of entries and the leaf the conversation is at (its head).
public struct Session: Sendable, Equatable {
    /// `ses_` and 24 hex digits.
    public var id: String
    public var title: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The entry the next one follows when the session is resumed; nil while it is empty.
    public var headID: String?
    /// How many entries the session holds.
    public var entryCount: Int

    public init(id: String = Session.newID(), title: String, createdAt: Date, updatedAt: Date? = nil, headID: String? = nil, entryCount: Int = 0) {
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.headID = headID
        self.entryCount = entryCount
    }

    /// A fresh random session id.
    public static func newID() -> String { "ses_" + Hex.encode(SecureRandom.bytes(12)) }

    /// Whether `text` has the shape of a session or entry id (`ses_`/`ent_` and 24 lower-case
    /// hex digits), so that ids read from files and URLs can be refused before any lookup.
    public static func isValidID(_ text: String, prefix: String) -> Bool {
        text.count == prefix.count + 24 && text.hasPrefix(prefix)
            && text.dropFirst(prefix.count).allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
