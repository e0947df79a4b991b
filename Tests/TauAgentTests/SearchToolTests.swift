import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

/// `search` over a real tree with .gitignore files, binary and large files, links, and a
/// node home inside the workspace.
struct SearchToolTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let outside: TemporaryDirectory
        let context: ToolContext
        var root: String { directory.path }
    }

    func write(_ text: String, _ path: String, in root: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(text, to: full)
    }

    func workspace() throws -> Workspace {
        let directory = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        let root = directory.path
        try write("*.log\nbuild/\n!important.log\n", ".gitignore", in: root)
        try write("let needle = 1\nlet other = 2\n// NEEDLE in capitals\n", "src/a.swift", in: root)
        try write("a needle in text\n", "src/b.txt", in: root)
        try write("*.generated.swift\n", "src/gen/.gitignore", in: root)
        try write("needle generated\n", "src/gen/x.generated.swift", in: root)
        try write("needle kept\n", "src/gen/y.swift", in: root)
        try write("needle built\n", "build/out.swift", in: root)
        try write("needle debug\n", "debug.log", in: root)
        try write("needle important\n", "important.log", in: root)
        try write("[core]\nneedle = git\n", ".git/config", in: root)
        try write("{\"needle\":\"sealed\"}", ".tau/keystore.json", in: root)
        try write("needle outside\n", "secret.txt", in: outside.path)
        try Data("needle\u{0}binary".utf8).write(to: URL(fileURLWithPath: root + "/blob.bin"))
        try write(String(repeating: "needle large\n", count: (1 << 20) / 13 + 10), "large.txt", in: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/innocent.json", withDestinationPath: root + "/.tau/keystore.json")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: outside.path + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape-dir", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: root + "/alias.txt", withDestinationPath: root + "/src/b.txt")
        let policy = try PathPolicy(workspace: root, protected: [root + "/.tau"])
        return Workspace(directory: directory, outside: outside, context: ToolContext(paths: policy))
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    @Test func findsWhatGitSeesAndNothingElse() async throws {
        let space = try workspace()
        defer { space.directory.remove(); space.outside.remove() }
        let result = try await SearchTool().run(["pattern": "needle"], in: space.context)
        #expect(
            result.text == """
                alias.txt:1: a needle in text
                important.log:1: needle important
                src/a.swift:1: let needle = 1
                src/b.txt:1: a needle in text
                src/gen/y.swift:1: needle kept
                """, "\(result.text)")
        #expect(result.details["skipped_binary"] == 1)
        #expect(result.details["skipped_large"] == 1)
        #expect(result.details["truncated"] == false)
    }

    @Test func globCaseAndSubdirectoryWithTheRootIgnoreFile() async throws {
        let space = try workspace()
        defer { space.directory.remove(); space.outside.remove() }
        let swift = try await SearchTool().run(["pattern": "needle", "glob": "*.swift", "case_insensitive": true], in: space.context)
        #expect(swift.text == "src/a.swift:1: let needle = 1\nsrc/a.swift:3: // NEEDLE in capitals\nsrc/gen/y.swift:1: needle kept")
        let anyDepth = try await SearchTool().run(["pattern": "needle", "glob": "src/**/*.swift"], in: space.context)
        #expect(anyDepth.text == "src/a.swift:1: let needle = 1\nsrc/gen/y.swift:1: needle kept")
        let oneDown = try await SearchTool().run(["pattern": "needle", "glob": "src/*/*.swift"], in: space.context)
        #expect(oneDown.text == "src/gen/y.swift:1: needle kept")
        // Searching below the root still honours the root's .gitignore.
        try write("needle in a log\n", "src/notes.log", in: space.root)
        let below = try await SearchTool().run(["pattern": "^needle", "path": "src"], in: space.context)
        #expect(below.text == "src/gen/y.swift:1: needle kept")
        let one = try await SearchTool().run(["pattern": "other", "path": "src/a.swift"], in: space.context)
        #expect(one.text == "src/a.swift:2: let other = 2")
        #expect(try await SearchTool().run(["pattern": "absent"], in: space.context).text == "no matches")
    }

    @Test func resultsAndWorkAreBounded() async throws {
        let space = try workspace()
        defer { space.directory.remove(); space.outside.remove() }
        try write(String(repeating: "match\n", count: 50) + String(repeating: "x", count: 1000) + " match\n", "many.txt", in: space.root)
        let capped = try await SearchTool().run(["pattern": "match", "path": "many.txt", "max_results": 3], in: space.context)
        #expect(capped.text.hasPrefix("many.txt:1: match\nmany.txt:2: match\nmany.txt:3: match\n[results capped at 3;"), "\(capped.text)")
        #expect(capped.details["truncated"] == true)
        let long = try await SearchTool().run(["pattern": "x match", "path": "many.txt"], in: space.context)
        #expect(long.text == "many.txt:51: " + String(repeating: "x", count: 300) + "…")
        let files = try await SearchTool(maximumFiles: 2).run(["pattern": "needle"], in: space.context)
        #expect(files.text.hasSuffix("[search stopped after reading 2 files; narrow path or glob]"), "\(files.text)")
        #expect(files.details["files_scanned"] == 2)
        let bytes = try await SearchTool(maximumBytes: 40).run(["pattern": "needle"], in: space.context)
        #expect(bytes.text.contains("[search stopped after reading"), "\(bytes.text)")
        #expect((bytes.details["bytes_scanned"]?.intValue ?? 99) <= 40)
    }

    @Test func refusals() async throws {
        let space = try workspace()
        defer { space.directory.remove(); space.outside.remove() }
        let tool = SearchTool()
        #expect(await code { _ = try await tool.run(["pattern": "("], in: space.context) } == "search_pattern_invalid")
        #expect(await code { _ = try await tool.run(["pattern": "x", "path": ".tau"], in: space.context) } == "path_protected")
        #expect(await code { _ = try await tool.run(["pattern": "x", "path": "innocent.json"], in: space.context) } == "path_protected")
        #expect(await code { _ = try await tool.run(["pattern": "x", "path": "escape-dir"], in: space.context) } == "path_outside_workspace")
        #expect(await code { _ = try await tool.run(["pattern": "x", "path": "missing"], in: space.context) } == "path_not_found")
        #expect(await code { _ = try await tool.run(["pattern": "x", "case_insensitive": "yes"], in: space.context) } == "tool_arguments_invalid")
        #expect(await code { _ = try await tool.run(["path": "src"], in: space.context) } == "tool_arguments_invalid")
        #expect(tool.isParallelSafe)
        #expect(tool.parameters["additionalProperties"] == false)
    }
}
