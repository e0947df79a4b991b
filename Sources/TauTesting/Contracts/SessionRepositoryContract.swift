import Foundation
import TauAgent
import TauCore
import TauProviders

/// What every ``SessionRepository`` must do.
public enum SessionRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func entry(_ parent: String?, _ text: String, at offset: Int64, kind: SessionEntry.Kind = .message) -> SessionEntry {
        SessionEntry(
            parentID: parent, kind: kind, content: ["role": "user", "text": .string(text)],
            usage: Usage(inputTokens: 12, outputTokens: 3, reasoningTokens: 1), cost: Money(microunits: 57, currency: .usd),
            createdAt: Date(epochMilliseconds: start.epochMilliseconds + offset))
    }

    static func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    public static let cases: [ContractCase<any SessionRepository>] = [
        ContractCase("creates, appends, resumes the head and lists newest first") { sessions in
            let older = Session(title: "older", createdAt: start)
            let newer = Session(title: "newer", createdAt: Date(epochMilliseconds: start.epochMilliseconds + 5))
            try await sessions.create(older)
            try await sessions.create(newer)
            try await require(await code { try await sessions.create(older) } == "session_exists", "an id is taken once")
            let first = entry(nil, "hello", at: 10)
            try await sessions.append(first, to: older.id, expectingHead: nil)
            let second = entry(first.id, "again", at: 20, kind: .toolResult)
            try await sessions.append(second, to: older.id, expectingHead: first.id)
            let stored = try await sessions.session(older.id)
            try await require(stored?.headID == second.id, "the head is the last entry")
            try await require(stored?.entryCount == 2, "two entries are counted")
            try await require(stored?.updatedAt == second.createdAt, "updatedAt is the last entry's time")
            try await require(try await sessions.entries(of: older.id) == [first, second], "entries come back exactly, in order")
            try await require(try await sessions.path(of: older.id) == [first, second], "the path to the head")
            try await require(try await sessions.list(limit: 10).map(\.id) == [older.id, newer.id], "most recently updated first")
            try await require(try await sessions.list(limit: 1).count == 1, "the limit holds")
        },
        ContractCase("an append after a head that moved is a conflict, and writes nothing") { sessions in
            let session = Session(title: "race", createdAt: start)
            try await sessions.create(session)
            let first = entry(nil, "a", at: 1)
            try await sessions.append(first, to: session.id, expectingHead: nil)
            let stale = entry(first.id, "late", at: 2)
            try await require(await code { try await sessions.append(stale, to: session.id, expectingHead: nil) } == "session_conflict", "stale head")
            try await require(try await sessions.entries(of: session.id) == [first], "the refused entry was not stored")
            try await require(
                await code { try await sessions.append(entry("ent_000000000000000000000000", "x", at: 3), to: session.id, expectingHead: first.id) }
                    == "entry_parent_unknown", "the parent must be an entry of the session")
            try await require(
                await code { try await sessions.append(entry(nil, "x", at: 3), to: Session.newID(), expectingHead: nil) } == "session_not_found",
                "an unknown session")
            try await require(try await sessions.session(session.id)?.entryCount == 1, "nothing half-written")
        },
        ContractCase("of writers appending after one head at once, exactly one wins") { sessions in
            let session = Session(title: "writers", createdAt: start)
            try await sessions.create(session)
            let root = entry(nil, "root", at: 1)
            try await sessions.append(root, to: session.id, expectingHead: nil)
            let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<8 {
                    group.addTask { await code { try await sessions.append(entry(root.id, "w\(index)", at: 10 + Int64(index)), to: session.id, expectingHead: root.id) } }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            try await require(outcomes.filter { $0 == nil }.count == 1, "one append wins: \(outcomes)")
            try await require(outcomes.filter { $0 == "session_conflict" }.count == 7, "the others get session_conflict: \(outcomes)")
            let stored = try await sessions.session(session.id)
            try await require(stored?.entryCount == 2, "root and the winner")
            try await require(try await sessions.entries(of: session.id).count == 2, "no lost or extra entries")
        },
        ContractCase("branches: the head moves to an earlier entry and the next append starts a branch") { sessions in
            let session = Session(title: "tree", createdAt: start)
            try await sessions.create(session)
            let a = entry(nil, "a", at: 1)
            let b = entry(a.id, "b", at: 2)
            try await sessions.append(a, to: session.id, expectingHead: nil)
            try await sessions.append(b, to: session.id, expectingHead: a.id)
            try await sessions.moveHead(of: session.id, to: a.id, expectingHead: b.id, at: start.addingTimeInterval(5))
            try await require(
                await code { try await sessions.moveHead(of: session.id, to: b.id, expectingHead: b.id, at: start) } == "session_conflict",
                "moving the head is guarded too")
            try await require(
                await code { try await sessions.moveHead(of: session.id, to: "ent_ffffffffffffffffffffffff", expectingHead: a.id, at: start) }
                    == "entry_not_found", "only to an entry of the session")
            let c = entry(a.id, "c", at: 6)
            try await sessions.append(c, to: session.id, expectingHead: a.id)
            try await require(try await sessions.path(of: session.id).map(\.id) == [a.id, c.id], "the new branch")
            try await require(try await sessions.path(of: session.id, to: b.id).map(\.id) == [a.id, b.id], "the old branch is kept")
            try await require(try await sessions.entries(of: session.id).count == 3, "nothing is removed")
        },
        ContractCase("a transcript round trip is exact, and deleting removes everything") { sessions in
            let session = Session(title: "export \"me\" ünïcode", createdAt: start)
            try await sessions.create(session)
            let a = entry(nil, "a", at: 1)
            let b = SessionEntry(
                parentID: a.id, kind: .toolCall, content: ["name": "read_file", "arguments": ["path": "README.md"]],
                createdAt: Date(epochMilliseconds: start.epochMilliseconds + 2))
            try await sessions.append(a, to: session.id, expectingHead: nil)
            try await sessions.append(b, to: session.id, expectingHead: a.id)
            try await sessions.moveHead(of: session.id, to: a.id, expectingHead: b.id, at: start.addingTimeInterval(9))
            guard let stored = try await sessions.session(session.id) else { throw ContractViolation(description: "session lost") }
            let text = SessionTranscript.export(stored, entries: try await sessions.entries(of: session.id))
            try await require(try await sessions.delete(session.id), "deleted")
            let leftEntries = try await sessions.entries(of: session.id)
            try await require(try await sessions.session(session.id) == nil, "the session is gone")
            try await require(leftEntries.isEmpty, "its entries are gone")
            try await require(try await sessions.delete(session.id) == false, "a second delete finds nothing")
            let parsed = try SessionTranscript.parse(Array(text.utf8))
            try await sessions.importTranscript(parsed.session, entries: parsed.entries)
            guard let imported = try await sessions.session(session.id) else { throw ContractViolation(description: "import lost") }
            let again = SessionTranscript.export(imported, entries: try await sessions.entries(of: session.id))
            try await require(again == text, "export → import → export gives the same bytes")
            try await require(
                await code { try await sessions.importTranscript(parsed.session, entries: parsed.entries) } == "session_exists",
                "importing twice is refused")
        },
    ]
}
