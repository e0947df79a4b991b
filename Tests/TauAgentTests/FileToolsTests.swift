import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

/// The file tools in a real temporary workspace, with a node home inside it that no tool may
/// touch however it is reached.
struct FileToolsTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let context: ToolContext
        var root: String { directory.path }
    }

    func workspace() throws -> Workspace {
        let directory = try TemporaryDirectory()
        let home = directory.appending(".tau")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try AtomicFile.write("{\"secret\":\"sealed\"}", to: home + "/keystore.json", mode: 0o600)
        try AtomicFile.write("hello\nworld\n", to: directory.appending("notes.txt"))
        let policy = try PathPolicy(workspace: directory.path, protected: [home])
        return Workspace(directory: directory, context: ToolContext(paths: policy))
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    @Test func readWriteEditAndList() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let read = try await ReadFileTool().run(["path": "notes.txt"], in: space.context)
        #expect(read.text == "hello\nworld\n")
        #expect(try await ReadFileTool().run(["path": "notes.txt", "offset": 2, "limit": 1], in: space.context).text == "world")
        _ = try await WriteFileTool().run(["path": "src/new/main.swift", "content": "print(1)\nprint(1)\n"], in: space.context)
        #expect(try String(contentsOfFile: space.root + "/src/new/main.swift", encoding: .utf8) == "print(1)\nprint(1)\n")
        // An edit must match exactly once.
        let edit = EditFileTool()
        #expect(await code { _ = try await edit.run(["path": "src/new/main.swift", "old_text": "print(2)", "new_text": "x"], in: space.context) } == "edit_no_match")
        #expect(await code { _ = try await edit.run(["path": "src/new/main.swift", "old_text": "print(1)", "new_text": "x"], in: space.context) } == "edit_ambiguous")
        let edited = try await edit.run(["path": "src/new/main.swift", "old_text": "print(1)\nprint(1)\n", "new_text": "print(1)\nprint(2)\n"], in: space.context)
        #expect(edited.text == "edited src/new/main.swift at line 1")
        #expect(try String(contentsOfFile: space.root + "/src/new/main.swift", encoding: .utf8) == "print(1)\nprint(2)\n")
        let listing = try await ListDirTool().run([:], in: space.context).text
        #expect(listing == "notes.txt  12\nsrc/", "the node home is not listed: \(listing)")
        #expect(await code { _ = try await ReadFileTool().run(["path": "missing.txt"], in: space.context) } == "path_not_found")
        #expect(await code { _ = try await ReadFileTool().run(["path": 7], in: space.context) } == "tool_arguments_invalid")
    }

    /// The keystore is refused by every route to it: directly, by `..`, by an absolute path,
    /// through a symbolic link inside the workspace, and by writing or listing.
    @Test func theNodeHomeIsProtectedHoweverItIsNamed() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        try FileManager.default.createSymbolicLink(atPath: space.root + "/innocent.json", withDestinationPath: space.root + "/.tau/keystore.json")
        try FileManager.default.createSymbolicLink(atPath: space.root + "/dir-link", withDestinationPath: space.root + "/.tau")
        for path in [".tau/keystore.json", "./src/../.tau/keystore.json", space.root + "/.tau/keystore.json", "innocent.json", "dir-link/keystore.json", ".tau"] {
            #expect(await code { _ = try await ReadFileTool().run(["path": .string(path)], in: space.context) } == "path_protected", "\(path)")
            #expect(await code { _ = try await WriteFileTool().run(["path": .string(path), "content": "x"], in: space.context) } == "path_protected", "\(path)")
        }
        #expect(await code { _ = try await ListDirTool().run(["path": "dir-link"], in: space.context) } == "path_protected")
        #expect(try String(contentsOfFile: space.root + "/.tau/keystore.json", encoding: .utf8) == "{\"secret\":\"sealed\"}")
    }

    @Test func nothingOutsideTheWorkspace() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        try AtomicFile.write("elsewhere", to: outside.appending("file.txt"))
        try FileManager.default.createSymbolicLink(atPath: space.root + "/escape", withDestinationPath: outside.path)
        for path in ["/etc/passwd", "../../etc/passwd", "escape/file.txt", outside.appending("file.txt")] {
            #expect(await code { _ = try await ReadFileTool().run(["path": .string(path)], in: space.context) } == "path_outside_workspace", "\(path)")
        }
        #expect(await code { _ = try await WriteFileTool().run(["path": "escape/new.txt", "content": "x"], in: space.context) } == "path_outside_workspace")
        #expect(!FileManager.default.fileExists(atPath: outside.appending("new.txt")))
        #expect(await code { _ = try await ReadFileTool().run(["path": "a\u{0}b"], in: space.context) } == "path_invalid")
        #expect(throws: AgentError.self) { try PathPolicy(workspace: outside.appending("file.txt"), protected: []) }
    }
}

/// `memory_save` and `memory_search` on the in-memory repository (the store's are held to
/// the same contract on SQLite and PostgreSQL in TauStoreTests).
struct MemoryToolsTests {
    @Test func notesAreSavedAndFoundInTheirWorkspaceOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let memory = InMemoryMemoryRepository()
        let here = ToolContext(paths: try PathPolicy(workspace: directory.path, protected: []), memory: memory)
        let elsewhere = ToolContext(paths: here.paths, memory: memory, memoryScope: "workspace:/other")
        let saved = try await MemorySaveTool().run(["text": "The build needs libsodium-dev", "tags": ["build"]], in: here)
        #expect(saved.text.hasPrefix("saved mem_"))
        #expect(try await MemorySearchTool().run(["query": "libsodium build"], in: here).text.hasSuffix("The build needs libsodium-dev"))
        #expect(try await MemorySearchTool().run(["query": "libsodium"], in: elsewhere).text == "no notes match")
        #expect(await thrownCode { _ = try await MemorySaveTool().run(["text": " ... "], in: here) } == "tool_arguments_invalid")
        let without = ToolContext(paths: here.paths)
        #expect(await thrownCode { _ = try await MemorySearchTool().run(["query": "x"], in: without) } == "memory_unavailable")
    }
}
