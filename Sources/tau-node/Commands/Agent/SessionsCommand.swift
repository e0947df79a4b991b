import ArgumentParser
import Foundation
import Logging
import TauAgent
import TauCore
import TauNode

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show, branch, export, import and delete the agent's sessions.",
        discussion: """
            A session is a tree of entries (messages, tool calls and results, compaction summaries); \
            its head is where the next run continues. Sessions live in the node's store (SQLite in the \
            home, or PostgreSQL with TAU_DATABASE_URL).
            """,
        subcommands: [
            SessionsListCommand.self, SessionsShowCommand.self, SessionsBranchCommand.self, SessionsExportCommand.self,
            SessionsImportCommand.self, SessionsRemoveCommand.self,
        ])

    /// Opens the home's store, runs `body` with the sessions, and closes it.
    static func withSessions(_ home: HomeOptions, _ body: (NodeContext, any SessionRepository) async throws -> Void) async throws {
        try await home.withContext { context in try await body(context, context.sessions) }
    }

    static func existing(_ id: String, in sessions: any SessionRepository) async throws -> Session {
        guard Session.isValidID(id, prefix: "ses_"), let session = try await sessions.session(id) else {
            throw AgentError("session_not_found", "no session \(id.prefix(64)); `tau-node sessions list` shows them", category: .notFound)
        }
        return session
    }
}

extension Session {
    var json: JSONValue {
        [
            "id": .string(id), "title": .string(title), "created": .string(Timestamp.format(createdAt)),
            "updated": .string(Timestamp.format(updatedAt)), "head": headID.map(JSONValue.string) ?? .null,
            "entries": .number(Double(entryCount)),
        ]
    }
}

struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List sessions, the most recently updated first.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "How many sessions to list.")
    var limit: Int = 20

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { _, sessions in
            let list = try await sessions.list(limit: max(1, min(limit, 10_000)))
            if homeOptions.json {
                Output.json(["sessions": .array(list.map(\.json))])
                return
            }
            guard !list.isEmpty else { return Output.line("No sessions yet; `tau-node run \"…\"` starts one.") }
            var rows = [["ID", "UPDATED", "ENTRIES", "TITLE"]]
            for session in list {
                rows.append([session.id, Timestamp.format(session.updatedAt), String(session.entryCount), AgentEventPrinter.short(session.title, 60)])
            }
            Output.columns(rows)
        }
    }
}

struct SessionsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a session's conversation up to its head (or every entry with --tree).")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The session id (ses_…).")
    var id: String

    @Flag(help: "Show every entry of every branch, indented by depth.")
    var tree = false

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { _, sessions in
            let session = try await SessionsCommand.existing(id, in: sessions)
            let entries = tree ? try await sessions.entries(of: session.id) : try await sessions.path(of: session.id)
            if homeOptions.json {
                Output.json(["session": session.json, "entries": .array(entries.map(SessionTranscript.entryLine))])
                return
            }
            Output.line("\(session.id)  \(session.title)")
            var depth: [String: Int] = [:]
            for entry in entries {
                let level = entry.parentID.flatMap { depth[$0].map { $0 + 1 } } ?? 0
                depth[entry.id] = level
                let indent = tree ? String(repeating: "  ", count: level) : ""
                let head = entry.id == session.headID ? " (head)" : ""
                Output.line(indent + entry.id + head + "  " + Self.describe(entry))
            }
        }
    }

    static func describe(_ entry: SessionEntry) -> String {
        let content = entry.content
        switch entry.kind {
        case .message:
            let interrupted = content["interrupted"] == true ? " (interrupted)" : ""
            return "[\(content["role"]?.stringValue ?? "?")]\(interrupted) " + AgentEventPrinter.short(content["text"]?.stringValue ?? "", 200)
        case .toolCall:
            return "→ \(content["name"]?.stringValue ?? "?") " + AgentEventPrinter.short(content["arguments"]?.stringValue ?? "", 160)
        case .toolResult:
            let code = content["error_code"]?.stringValue.map { " ✗ \($0)" } ?? ""
            return "←\(code) " + AgentEventPrinter.short(content["output"]?.stringValue ?? "", 160)
        case .compaction:
            return "[summary of \(content["summarised"]?.intValue ?? 0) entries] " + AgentEventPrinter.short(content["summary"]?.stringValue ?? "", 200)
        }
    }
}

struct SessionsBranchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branch",
        abstract: "Move a session's head to an earlier entry, so the next run continues from there.",
        discussion: "Nothing is deleted: the old branch stays in the tree (`sessions show --tree`). Pass `root` to start over before the first entry.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The session id (ses_…).")
    var id: String

    @Argument(help: "The entry to continue from (ent_…), or `root`.")
    var entry: String

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { context, sessions in
            let session = try await SessionsCommand.existing(id, in: sessions)
            let target: String? = entry == "root" ? nil : entry
            if let target, !Session.isValidID(target, prefix: "ent_") {
                throw AgentError("entry_not_found", "\(target.prefix(64)) is not an entry id (ent_…)", category: .notFound)
            }
            try await sessions.moveHead(of: session.id, to: target, expectingHead: session.headID, at: context.clock.now())
            if homeOptions.json {
                Output.json(["session": .string(session.id), "head": target.map(JSONValue.string) ?? .null])
            } else {
                Output.line("\(session.id) now continues from \(target ?? "the start")")
            }
        }
    }
}

struct SessionsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a session as JSONL (a header line, then one line per entry).")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The session id (ses_…).")
    var id: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { _, sessions in
            let session = try await SessionsCommand.existing(id, in: sessions)
            let text = SessionTranscript.export(session, entries: try await sessions.entries(of: session.id))
            if let output {
                try AtomicFile.write(text, to: output)
                if homeOptions.json { Output.json(["session": .string(session.id), "file": .string(output)]) }
            } else {
                Output.write(text)
            }
        }
    }
}

struct SessionsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Store a session from a JSONL transcript (`sessions export`), with its ids.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The transcript file, or - for standard input.")
    var file: String

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { _, sessions in
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: file) else {
                    throw AgentError("file_unreadable", "cannot read \(file)", category: .notFound)
                }
                data = read
            }
            let parsed = try SessionTranscript.parse(data)
            try await sessions.importTranscript(parsed.session, entries: parsed.entries)
            if homeOptions.json {
                Output.json(["session": .string(parsed.session.id), "entries": .number(Double(parsed.entries.count))])
            } else {
                Output.line("imported \(parsed.session.id) (\(parsed.entries.count) entries)")
            }
        }
    }
}

struct SessionsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a session and all its entries.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The session id (ses_…).")
    var id: String

    func run() async throws {
        try await SessionsCommand.withSessions(homeOptions) { _, sessions in
            guard Session.isValidID(id, prefix: "ses_"), try await sessions.delete(id) else {
                throw AgentError("session_not_found", "no session \(id.prefix(64))", category: .notFound)
            }
            if homeOptions.json { Output.json(["deleted": .string(id)]) } else { Output.line("deleted \(id)") }
        }
    }
}
