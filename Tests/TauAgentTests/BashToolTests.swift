import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauAgent

/// `bash` with real processes: output, exit codes, the scrubbed environment, the output cap,
/// and the process group killed on timeout, on cancellation and after the shell exits.
struct BashToolTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let context: ToolContext
        var root: String { context.paths.workspace }
    }

    func workspace() throws -> Workspace {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.appending("sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.appending(".tau"), withIntermediateDirectories: true)
        let policy = try PathPolicy(workspace: directory.path, protected: [directory.appending(".tau")])
        return Workspace(directory: directory, context: ToolContext(paths: policy))
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    /// The shell's process id, which is also its process group's, as the command wrote it.
    func groupID(_ space: Workspace) async -> Int32? {
        var found: Int32?
        _ = await eventually {
            let text = (try? String(contentsOfFile: space.root + "/shell.pid", encoding: .utf8)) ?? ""
            found = text.hasSuffix("\n") ? Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            return found != nil
        }
        return found
    }

    @Test func outputExitCodesAndEmptyStdin() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let tool = BashTool()
        let failed = try await tool.run(["command": "echo out; echo err >&2; exit 3"], in: space.context)
        #expect(failed.text == "out\nerr\n\n[exit code 3]")
        #expect(failed.details["exit_code"] == 3)
        let quiet = try await tool.run(["command": "true"], in: space.context)
        #expect(quiet.text == "(no output)\n[exit code 0]")
        let killed = try await tool.run(["command": "kill -9 $$"], in: space.context)
        #expect(killed.text == "(no output)\n[killed by signal 9]")
        #expect(killed.details["exit_code"] == 137)
        // stdin is /dev/null: cat ends at once instead of waiting for input.
        #expect(try await tool.run(["command": "cat; echo done"], in: space.context).text == "done\n\n[exit code 0]")
        #expect(!tool.isParallelSafe)
        #expect(tool.parameters["additionalProperties"] == false)
    }

    @Test func theWorkingDirectoryIsCheckedByThePathPolicy() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let tool = BashTool()
        #expect(try await tool.run(["command": "pwd"], in: space.context).text == space.root + "\n\n[exit code 0]")
        #expect(try await tool.run(["command": "pwd", "cwd": "sub"], in: space.context).text == space.root + "/sub\n\n[exit code 0]")
        #expect(await code { _ = try await tool.run(["command": "pwd", "cwd": "/"], in: space.context) } == "path_outside_workspace")
        #expect(await code { _ = try await tool.run(["command": "pwd", "cwd": ".tau"], in: space.context) } == "path_protected")
        #expect(await code { _ = try await tool.run(["command": "pwd", "cwd": "missing"], in: space.context) } == "path_not_found")
        #expect(await code { _ = try await tool.run(["cwd": "sub"], in: space.context) } == "tool_arguments_invalid")
    }

    @Test func theEnvironmentHoldsOnlyWhatIsGiven() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let basics: Set<String> = ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "PWD", "SHLVL", "_"]
        func names(_ text: String) -> Set<String> {
            Set(text.split(separator: "\n").filter { $0.contains("=") }.map { String($0.prefix { $0 != "=" }) })
        }
        // The node's own environment (whatever the test runner has) does not leak.
        let plain = try await BashTool().run(["command": "env"], in: space.context)
        #expect(names(plain.text).isSubset(of: basics), "\(plain.text)")
        let tool = BashTool(
            passingEnvironment: ["MY_SETTING", "TAU_OPERATOR_TOKEN", "tau_home", "BAD-NAME", "HOME"],
            nodeEnvironment: [
                "MY_SETTING": "on", "TAU_OPERATOR_TOKEN": "secret-token", "tau_home": "/secret", "OPENAI_API_KEY": "sk-secret",
                "BAD-NAME": "x", "HOME": "/root", "PATH": "/usr/bin:/bin",
            ])
        let text = try await tool.run(["command": "env"], in: space.context).text
        #expect(names(text).isSubset(of: basics.union(["MY_SETTING"])), "\(text)")
        for line in ["MY_SETTING=on", "HOME=\(space.root)", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=dumb"] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "\(line) in \(text)")
        }
        #expect(!text.contains("secret"))
    }

    @Test func longOutputKeepsItsEndsAndIsDrainedToTheEnd() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        // 3 MB through a 64 KiB pipe: the command only finishes if reading goes on.
        let result = try await BashTool(outputLimit: 1000).run(
            ["command": "head -c 3000000 /dev/zero | tr '\\0' a; echo; echo END"], in: space.context)
        #expect(result.text.hasPrefix(String(repeating: "a", count: 500) + "\n[… 2999005 bytes of output dropped …]\naaa"), "\(result.text.prefix(600))")
        #expect(result.text.hasSuffix("aaa\nEND\n\n[exit code 0]"))
        #expect(result.details["output_bytes"] == 3_000_005)
        #expect(result.details["dropped_bytes"] == 2_999_005)
    }

    @Test func theCapCutsBetweenCharacters() {
        var cap = OutputCap(limit: 8)
        let text = Array("ab€cdefghij€kl".utf8)  // € is 3 bytes
        text.withUnsafeBytes { cap.append($0) }
        #expect(cap.total == text.count)
        #expect(cap.text == "ab\n[… 14 bytes of output dropped …]\nkl")
        #expect(cap.dropped == 14)
        var small = OutputCap(limit: 100)
        Array("héllo".utf8).withUnsafeBytes { small.append($0) }
        #expect(small.text == "héllo")
        #expect(small.dropped == 0)
    }

    @Test func aTimeoutKillsTheWholeGroupAndKeepsThePartialOutput() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        // A grandchild that ignores SIGTERM, and a plain background job, both holding the pipe.
        let command = "echo $$ > shell.pid; echo started; (trap '' TERM; sleep 1000) & sleep 1000 & wait"
        do throws(AgentError) {
            _ = try await BashTool().run(["command": .string(command), "timeout_seconds": 1], in: space.context)
            Issue.record("the command was not timed out")
        } catch {
            #expect(error.code == "bash_timeout")
            #expect(error.message.hasSuffix("its output so far:\nstarted\n"), "\(error.message)")
        }
        let group = try #require(await groupID(space))
        #expect(await eventually { livingMembers(ofGroup: group).isEmpty }, "left alive: \(livingMembers(ofGroup: group))")
    }

    @Test func aShellThatIgnoresSigtermGetsSigkillAfterTheGrace() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let tool = BashTool(timeoutLimitSeconds: 1, killGrace: .milliseconds(300))
        #expect(tool.parameters["properties"]?["timeout_seconds"]?["maximum"] == 1)
        let command = "trap '' TERM; echo $$ > shell.pid; sleep 1000 & wait"
        // The call asks for more than the tool allows; the tool's bound wins.
        #expect(await code { _ = try await tool.run(["command": .string(command), "timeout_seconds": 600], in: space.context) } == "bash_timeout")
        let group = try #require(await groupID(space))
        #expect(await eventually { livingMembers(ofGroup: group).isEmpty }, "left alive: \(livingMembers(ofGroup: group))")
    }

    @Test func backgroundJobsDoNotOutliveTheCommand() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let result = try await BashTool().run(["command": "echo $$ > shell.pid; sleep 1000 & echo done", "timeout_seconds": 60], in: space.context)
        #expect(result.text == "done\n\n[exit code 0]")
        let group = try #require(await groupID(space))
        #expect(await eventually { livingMembers(ofGroup: group).isEmpty }, "left alive: \(livingMembers(ofGroup: group))")
    }

    @Test func cancellingTheCallKillsTheGroup() async throws {
        let space = try workspace()
        defer { space.directory.remove() }
        let context = space.context
        let call = Task {
            await thrownCode { _ = try await BashTool().run(["command": "echo $$ > shell.pid; sleep 1000 & sleep 1000; echo never"], in: context) }
        }
        let group = try #require(await groupID(space))
        call.cancel()
        #expect(await call.value == "tool_cancelled")
        #expect(await eventually { livingMembers(ofGroup: group).isEmpty }, "left alive: \(livingMembers(ofGroup: group))")
    }
}

/// Polls `condition` for up to 20 seconds: for effects that land shortly after a call returns
/// (a killed process leaving the process table), never to measure speed.
func eventually(_ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// The processes of a process group that are not zombies (a killed grandchild stays a zombie
/// until whoever adopted it reaps it, which is not this test's business).
func livingMembers(ofGroup group: Int32) -> [Int32] {
    #if os(Linux)
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        // After the command name: state, parent, process group.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group
    }
    #else
    return kill(-group, 0) == 0 ? [group] : []
    #endif
}
