import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

/// The tool policy as a pure decision, its profiles, and the paths it hands the tools.
struct ToolPolicyTests {
    func code(_ decision: ToolDecision) -> String? {
        if case .deny(let error) = decision { return error.code }
        return nil
    }

    func asks(_ decision: ToolDecision) -> Bool {
        if case .ask = decision { return true }
        return false
    }

    @Test func patternsMatchNamesAndWildcards() {
        #expect(ToolPattern("*").matches("read_file"))
        #expect(ToolPattern("*").matches("mcp__github__create_issue"))
        #expect(ToolPattern("read_file").matches("read_file"))
        #expect(!ToolPattern("read_file").matches("read_files"))
        #expect(!ToolPattern("read_file").matches("xread_file"))
        #expect(ToolPattern("mcp__github__*").matches("mcp__github__create_issue"))
        #expect(ToolPattern("mcp__github__*").matches("mcp__github__"))
        #expect(!ToolPattern("mcp__github__*").matches("mcp__gitlab__create_issue"))
        #expect(!ToolPattern("mcp__github__*").matches("mcp__github_enterprise__x"))
        #expect(ToolPattern("mcp__*__delete_*").matches("mcp__files__delete_all"))
        #expect(!ToolPattern("mcp__*__delete_*").matches("mcp__files__list"))
        #expect(ToolPattern("*_file").matches("edit_file"))
        #expect(!ToolPattern("").matches("bash"))
        // Backtracking stays bounded on a pattern made to be slow for naive matchers.
        let name = String(repeating: "a", count: 2_000)
        #expect(!ToolPattern(String(repeating: "*a", count: 40) + "b").matches(name))
    }

    @Test func denyWinsAndAnUnlistedToolIsDenied() {
        let policy = ToolPolicy(allow: ["*"], deny: ["bash", "mcp__shell__*"], approval: .never)
        #expect(code(policy.decide(tool: "bash", arguments: ["command": "ls"])) == "tool_denied")
        #expect(code(policy.decide(tool: "mcp__shell__exec", arguments: [:])) == "tool_denied")
        #expect(policy.decide(tool: "mcp__github__list_issues", arguments: [:]) == .allow)
        #expect(policy.decide(tool: "write_file", arguments: [:]) == .allow)

        let narrow = ToolPolicy(allow: ["read_file", "list_dir", "mcp__docs__*"], deny: ["mcp__docs__delete"], approval: .never)
        #expect(narrow.decide(tool: "read_file", arguments: [:]) == .allow)
        #expect(narrow.decide(tool: "mcp__docs__search", arguments: [:]) == .allow)
        #expect(code(narrow.decide(tool: "mcp__docs__delete", arguments: [:])) == "tool_denied", "deny wins over a matching allow")
        #expect(code(narrow.decide(tool: "write_file", arguments: [:])) == "tool_denied", "not in the allow list")
        guard case .deny(let error) = narrow.decide(tool: "bash", arguments: [:]) else {
            Issue.record("bash must be denied")
            return
        }
        #expect(error.category == .unauthorized)
        #expect(error.message.contains("no allow pattern"))
        // Deny applies whatever the approval mode.
        for approval in ToolPolicy.Approval.allCases {
            #expect(code(ToolPolicy(deny: ["bash"], approval: approval).decide(tool: "bash", arguments: [:])) == "tool_denied", "\(approval)")
        }
    }

    @Test func onRequestAsksForWritesShellAndUnknownTools() {
        let policy = ToolPolicy(approval: .onRequest, readOnlyTools: ["mcp__docs__*"])
        for tool in ["read_file", "list_dir", "memory_search", "http_fetch", "mcp__docs__search"] {
            #expect(policy.decide(tool: tool, arguments: [:]) == .allow, "\(tool)")
        }
        for tool in ["write_file", "edit_file", "bash", "memory_save", "mcp__github__create_issue", "delegate", "some_future_tool"] {
            #expect(asks(policy.decide(tool: tool, arguments: [:])), "\(tool)")
        }
        #expect(policy.decide(tool: "bash", arguments: ["command": "rm -rf build"]) == .ask(reason: "bash wants to run: rm -rf build"))
        #expect(policy.decide(tool: "write_file", arguments: ["path": "src/a.swift", "content": "x"]) == .ask(reason: "write_file wants to write src/a.swift"))
        guard case .ask(let reason) = policy.decide(tool: "mcp__github__create_issue", arguments: [:]) else { return }
        #expect(reason.contains("not known to be read-only"))
        let long = String(repeating: "x", count: 5_000)
        guard case .ask(let truncated) = policy.decide(tool: "bash", arguments: ["command": .string(long)]) else { return }
        #expect(truncated.count < 300)
    }

    @Test func neverAndAutoDoNotAsk() {
        for approval in [ToolPolicy.Approval.never, .auto] {
            let policy = ToolPolicy(approval: approval)
            for tool in ["read_file", "write_file", "bash", "mcp__github__create_issue"] {
                #expect(policy.decide(tool: tool, arguments: [:]) == .allow, "\(approval) \(tool)")
            }
        }
        #expect(ToolPolicy.Approval(rawValue: "on-request") == .onRequest)
    }

    @Test func profilesAreWhatTheDocsSay() {
        #expect(ToolPolicy.profile(named: "balanced") == .balanced)
        #expect(ToolPolicy.profile(named: "strict") == .strict)
        #expect(ToolPolicy.profile(named: "permissive") == .permissive)
        for unknown in ["hardened", "Strict", "", "balanced "] { #expect(ToolPolicy.profile(named: unknown) == nil, "\(unknown)") }
        #expect(ToolPolicy.profileNames.compactMap(ToolPolicy.profile(named:)).count == 3)

        let strict = ToolPolicy.strict
        #expect(code(strict.decide(tool: "bash", arguments: [:])) == "tool_denied")
        #expect(code(strict.decide(tool: "http_fetch", arguments: [:])) == "tool_denied")
        #expect(asks(strict.decide(tool: "write_file", arguments: [:])))
        #expect(asks(strict.decide(tool: "mcp__x__y", arguments: [:])))
        #expect(strict.decide(tool: "read_file", arguments: [:]) == .allow)
        #expect(strict.approval == .onRequest && strict.injection == .strip && !strict.writesOutsideWorkspace)

        let balanced = ToolPolicy.balanced
        #expect(balanced.decide(tool: "http_fetch", arguments: [:]) == .allow)
        #expect(asks(balanced.decide(tool: "bash", arguments: [:])))
        #expect(asks(balanced.decide(tool: "edit_file", arguments: [:])))
        #expect(balanced.approval == .onRequest && balanced.injection == .flag && balanced.writesOutsideWorkspace && balanced.deny.isEmpty)
        #expect(ToolPolicy() == .balanced, "balanced is the default")

        let permissive = ToolPolicy.permissive
        #expect(permissive.decide(tool: "bash", arguments: [:]) == .allow)
        #expect(permissive.approval == .never && permissive.injection == .flag && permissive.deny.isEmpty)
    }

    /// Strict keeps writes in the workspace while reads may use an extra root; balanced lets
    /// writes use it too. Real files, real tools.
    @Test func writesOutsideTheWorkspaceFollowTheProfile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = directory.appending("work")
        let shared = directory.appending("shared")
        for path in [workspace, shared] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try AtomicFile.write("reference\n", to: shared + "/ref.txt")

        var strict = ToolPolicy.strict
        strict.extraRoots = [shared]
        let strictPaths = try strict.paths(workspace: workspace, protected: [])
        let read = try await ReadFileTool().run(["path": .string(shared + "/ref.txt")], in: ToolContext(paths: strictPaths.policy(for: "read_file")))
        #expect(read.text == "reference\n")
        let writeContext = ToolContext(paths: strictPaths.policy(for: "write_file"))
        #expect(
            await thrownCode { _ = try await WriteFileTool().run(["path": .string(shared + "/new.txt"), "content": "x"], in: writeContext) }
                == "path_outside_workspace")
        _ = try await WriteFileTool().run(["path": "inside.txt", "content": "ok"], in: writeContext)
        #expect(FileManager.default.fileExists(atPath: workspace + "/inside.txt"))
        #expect(strictPaths.policy(for: "mcp__x__y") == strictPaths.write, "unknown tools get the write paths")

        var balanced = ToolPolicy.balanced
        balanced.extraRoots = [shared]
        let balancedPaths = try balanced.paths(workspace: workspace, protected: [])
        _ = try await WriteFileTool().run(["path": .string(shared + "/new.txt"), "content": "x"], in: ToolContext(paths: balancedPaths.policy(for: "write_file")))
        #expect(FileManager.default.fileExists(atPath: shared + "/new.txt"))

        #expect(throws: AgentError.self) { _ = try ToolPolicy.balanced.paths(workspace: directory.appending("missing"), protected: []) }
    }

    /// The node home stays out of reach under every profile, even one that names it as an
    /// extra root: the protected list is not a policy setting, only added to.
    @Test func theKeystoreIsRefusedUnderEveryProfile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending(".tau")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try AtomicFile.write("{\"sealed\":true}", to: home + "/keystore.json", mode: 0o600)
        try AtomicFile.write("notes\n", to: directory.appending("notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: directory.appending("innocent.json"), withDestinationPath: home + "/keystore.json")

        for name in ToolPolicy.profileNames {
            var policy = try #require(ToolPolicy.profile(named: name))
            policy.extraRoots = [home]
            policy.writesOutsideWorkspace = true
            let paths = try policy.paths(workspace: directory.path, protected: [home])
            for path in [home + "/keystore.json", ".tau/keystore.json", "innocent.json", ".tau/../.tau/keystore.json"] {
                #expect(policy.decide(tool: "read_file", arguments: ["path": .string(path)]) == .allow, "the policy itself allows read_file")
                let context = ToolContext(paths: paths.policy(for: "read_file"))
                #expect(await thrownCode { _ = try await ReadFileTool().run(["path": .string(path)], in: context) } == "path_protected", "\(name) \(path)")
                let writeContext = ToolContext(paths: paths.policy(for: "write_file"))
                #expect(
                    await thrownCode { _ = try await WriteFileTool().run(["path": .string(path), "content": "x"], in: writeContext) } == "path_protected",
                    "\(name) \(path)")
            }
            #expect(try await ReadFileTool().run(["path": "notes.txt"], in: ToolContext(paths: paths.read)).text == "notes\n")
        }

        // Extra protected paths add to the node's, under any profile.
        var guarded = ToolPolicy.permissive
        guarded.extraProtected = [directory.appending("notes.txt")]
        let paths = try guarded.paths(workspace: directory.path, protected: [home])
        #expect(await thrownCode { _ = try await ReadFileTool().run(["path": "notes.txt"], in: ToolContext(paths: paths.read)) } == "path_protected")
        #expect(paths.read.protected.count == 2)
    }
}
