import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

/// The JSONL form of a session (`tau-node sessions export | import`).
struct SessionTranscriptTests {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    func code(_ text: String) -> String? {
        do {
            _ = try SessionTranscript.parse(Array(text.utf8))
            return nil
        } catch {
            return error.code + ": " + error.message
        }
    }

    @Test func aTranscriptReadsBackToWhatWasWritten() throws {
        let session = Session(title: "t", createdAt: Self.start, headID: nil)
        let root = SessionEntry(parentID: nil, kind: .message, content: ["role": "user", "text": "hi"], createdAt: Self.start)
        let reply = SessionEntry(
            parentID: root.id, kind: .message, content: ["role": "assistant", "text": "hello"],
            cost: Money(microunits: 3, currency: .usd), createdAt: Self.start.addingTimeInterval(1))
        var headed = session
        headed.headID = reply.id
        let text = SessionTranscript.export(headed, entries: [root, reply])
        #expect(text.split(separator: "\n").count == 3)
        let parsed = try SessionTranscript.parse(Array(text.utf8))
        #expect(parsed.entries == [root, reply])
        #expect(parsed.session.headID == reply.id)
        #expect(SessionTranscript.export(parsed.session, entries: parsed.entries) == text)
    }

    @Test func brokenTranscriptsAreRefusedWithTheLine() {
        let header = #"{"createdAtMs":1,"head":null,"id":"ses_000000000000000000000001","title":"x","type":"session","updatedAtMs":1}"#
        let entry = #"{"content":{},"createdAtMs":1,"id":"ent_000000000000000000000001","kind":"message","parent":null,"type":"entry"}"#
        #expect(code("") == "transcript_invalid: the transcript is empty")
        #expect(code("{nope")?.hasPrefix("transcript_invalid: line 1: not JSON") == true)
        #expect(code(entry)?.hasPrefix("transcript_invalid: line 1: the first line must be the session") == true)
        #expect(code(header + "\n" + entry + "\n" + entry)?.contains("line 3: entry ent_000000000000000000000001 appears twice") == true)
        let orphan = entry.replacingOccurrences(of: #""parent":null"#, with: #""parent":"ent_00000000000000000000000f""#)
        #expect(code(header + "\n" + orphan)?.contains("line 2: parent ent_00000000000000000000000f is not an earlier entry") == true)
        let oddKind = entry.replacingOccurrences(of: #""kind":"message""#, with: #""kind":"shell""#)
        #expect(code(header + "\n" + oddKind)?.contains("line 2: kind must be one of") == true)
        let badID = header.replacingOccurrences(of: "ses_000000000000000000000001", with: "ses_../../etc")
        #expect(code(badID)?.contains("line 1") == true)
        let lostHead = header.replacingOccurrences(of: #""head":null"#, with: #""head":"ent_000000000000000000000009""#)
        #expect(code(lostHead + "\n" + entry)?.contains("head ent_000000000000000000000009 is not an entry") == true)
        #expect(code(header + "\n" + entry) == nil)
    }

    @Test func thePathFollowsParentsFromTheHeadOrAnyEntry() async throws {
        let sessions = InMemorySessionRepository()
        let session = Session(title: "tree", createdAt: Self.start)
        try await sessions.create(session)
        let a = SessionEntry(parentID: nil, kind: .message, content: "a", createdAt: Self.start)
        let b = SessionEntry(parentID: a.id, kind: .message, content: "b", createdAt: Self.start)
        try await sessions.append(a, to: session.id, expectingHead: nil)
        try await sessions.append(b, to: session.id, expectingHead: a.id)
        #expect(try await sessions.path(of: session.id).map(\.id) == [a.id, b.id])
        #expect(try await sessions.path(of: session.id, to: a.id).map(\.id) == [a.id])
        await #expect(throws: AgentError.self) { try await sessions.path(of: session.id, to: "ent_ffffffffffffffffffffffff") }
        await #expect(throws: AgentError.self) { try await sessions.path(of: Session.newID()) }
    }
}
