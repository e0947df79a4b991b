import Foundation
import TauCore
import TauTesting
import Testing

/// `tau-node chat` on a pseudo-terminal, typed into as a user would.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentChatTests {
    func chat(_ setup: AgentCLITests.Setup, _ extra: [String] = []) throws -> PseudoTerminal {
        var environment = ProcessInfo.processInfo.environment.merging(AgentCLITests.withKey) { $1 }
        environment["TERM"] = "xterm"
        environment["LC_ALL"] = "C.UTF-8"
        environment["TAU_OUTBOUND_ALLOW"] = "127.0.0.0/8"
        environment.removeValue(forKey: "TAU_HOME")
        return try PseudoTerminal(
            executable: TauNodeProcess.binaryPath, arguments: ["chat", "--home", setup.home, "--workspace", setup.workspace] + extra,
            environment: environment)
    }

    @Test func aConversationStreamsAnswersAndHandlesCommands() async throws {
        let server = ScriptedModelServer([
            .text("Hello from the agent."),
            .toolCalls([(name: "list_dir", arguments: #"{"path":"."}"#)]),
            .text("The workspace holds notes.txt."),
            .toolCalls([(name: "write_file", arguments: #"{"path":"todo.txt","content":"buy milk"}"#)]),
            .text("Written."),
        ])
        try await server.serve { base in
            let setup = try AgentCLITests.Setup(upstream: base)
            defer { setup.directory.remove() }
            try "x".write(toFile: setup.workspace + "/notes.txt", atomically: true, encoding: .utf8)
            let terminal = try chat(setup)
            var mark = try await terminal.waitFor("› ")
            terminal.type("hi there\r")
            mark = try await terminal.waitFor("Hello from the agent.", after: mark)
            mark = try await terminal.waitFor("› ", after: mark)
            terminal.type("what is here?\r")
            mark = try await terminal.waitFor("• list_dir", after: mark)
            mark = try await terminal.waitFor("The workspace holds notes.txt.", after: mark)
            mark = try await terminal.waitFor("› ", after: mark)
            terminal.type("note that I must buy milk\r")
            mark = try await terminal.waitFor("write_file wants to write todo.txt", after: mark)
            mark = try await terminal.waitFor("allow? [y/N]", after: mark)
            terminal.type("y\r")
            mark = try await terminal.waitFor("Written.", after: mark)
            mark = try await terminal.waitFor("› ", after: mark)
            #expect(try String(contentsOfFile: setup.workspace + "/todo.txt", encoding: .utf8) == "buy milk")
            terminal.type("/usage\r")
            mark = try await terminal.waitFor("in / ", after: mark)
            terminal.type("/model\r")
            mark = try await terminal.waitFor("model: openai:gpt-4.1-mini", after: mark)
            terminal.type("/nonsense\r")
            mark = try await terminal.waitFor("unknown command", after: mark)
            terminal.type("/exit\r")
            #expect(try await terminal.exitStatus() == 0)
            // Both turns went to one session, the second with the first as context.
            let last = server.requests.last?["messages"]?.arrayValue ?? []
            #expect(last.contains { $0["content"] == "hi there" })
            let listed = try JSONValue(parsing: try await setup.tau(["sessions", "list", "--json"]).standardOutput)
            #expect(listed["sessions"]?.arrayValue?.count == 1)
            #expect(FileManager.default.fileExists(atPath: setup.home + "/chat_history"))
        }
    }
}
