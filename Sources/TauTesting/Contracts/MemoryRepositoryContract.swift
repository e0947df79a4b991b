import Foundation
import TauAgent
import TauCore

/// What every ``MemoryRepository`` must do.
public enum MemoryRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func note(_ text: String, scope: String = "workspace-a", at offset: Int64 = 0) -> MemoryNote {
        MemoryNote(scope: scope, text: text, tags: ["test"], createdAt: Date(epochMilliseconds: start.epochMilliseconds + offset))
    }

    public static let cases: [ContractCase<any MemoryRepository>] = [
        ContractCase("finds notes holding every word, in their scope only") { memory in
            let deploy = note("Deploy with `make release` then restart the Service on port 8080", at: 1)
            let tests = note("Run the tests with make test; PostgreSQL starts by itself", at: 2)
            let other = note("Deploy steps of another workspace", scope: "workspace-b", at: 3)
            for entry in [deploy, tests, other] { try await memory.save(entry) }
            try await require(try await memory.search("deploy", scope: "workspace-a", limit: 10) == [deploy], "one word, one scope")
            try await require(try await memory.search("MAKE", scope: "workspace-a", limit: 10).count == 2, "case is ignored")
            try await require(try await memory.search("make release", scope: "workspace-a", limit: 10) == [deploy], "every word must occur")
            try await require(try await memory.search("make kubernetes", scope: "workspace-a", limit: 10).isEmpty, "a missing word excludes")
            try await require(try await memory.search("port 8080", scope: "workspace-a", limit: 10) == [deploy], "numbers are words")
            try await require(try await memory.search("make", scope: "workspace-a", limit: 1).count == 1, "the limit holds")
            try await require(try await memory.search("deploy", scope: "workspace-b", limit: 10) == [other], "scopes never mix")
            try await require(try await memory.search("  ,;  ", scope: "workspace-a", limit: 10).isEmpty, "no words, no results")
        },
        ContractCase("punctuation in a query is never search syntax") { memory in
            let plain = note("quoted \"text\" and NEAR operators are plain words here")
            try await memory.save(plain)
            for query in ["\"text", "NEAR(quoted, text)", "text*", "quoted OR nothing", "'; DROP TABLE agent_memory; --", "text:quoted", "-quoted", "^text"] {
                _ = try await memory.search(query, scope: "workspace-a", limit: 5)
            }
            try await require(try await memory.search("quoted OR nothing", scope: "workspace-a", limit: 5).isEmpty, "OR is a word, not an operator")
            try await require(try await memory.search("near operators", scope: "workspace-a", limit: 5) == [plain], "the note is still there")
        },
        ContractCase("deletes, refuses duplicates and oversized notes") { memory in
            let entry = note("forget me")
            try await memory.save(entry)
            try await require(await thrownCode { try await memory.save(entry) } == "memory_exists", "an id is saved once")
            try await require(
                await thrownCode { try await memory.save(note(String(repeating: "x", count: MemoryNote.maximumLength + 1))) } == "memory_too_large",
                "too long")
            try await require(try await memory.delete(entry.id), "deleted")
            try await require(try await memory.search("forget", scope: "workspace-a", limit: 5).isEmpty, "gone from the index too")
            try await require(try await memory.delete(entry.id) == false, "a second delete finds nothing")
        },
    ]
}
