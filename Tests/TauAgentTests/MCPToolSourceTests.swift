import Foundation
import TauAgent
import TauCore
import TauTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MCPToolSource against real MCP servers: the stdio test server built from this package
/// (Sources/tau-mcp-test-server), programs that are no MCP server at all, and missing ones.
@Suite struct MCPToolSourceTests {
    /// Path of the built `tau-mcp-test-server`, found next to the test bundle.
    static var serverPath: String {
        let name = "tau-mcp-test-server"
        let bundle = Bundle.main.bundleURL
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent(name).path, bundle.deletingLastPathComponent().appendingPathComponent(name).path,
            executable.appendingPathComponent(name).path, FileManager.default.currentDirectoryPath + "/.build/debug/" + name,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static func testServer(
        _ name: String = "test", environment: [String: String] = [:], callTimeout: Duration = .seconds(60), enabledTools: [String]? = nil
    ) throws -> MCPServerConfiguration {
        try MCPServerConfiguration(
            name: name, transport: .stdio(command: serverPath, environment: environment), startupTimeout: .seconds(60), callTimeout: callTimeout,
            enabledTools: enabledTools)
    }

    /// Starts `servers`, runs `body`, and always shuts them down.
    func with<T>(
        _ servers: [MCPServerConfiguration], _ body: (MCPToolSource, [MCPServerProblem]) async throws -> T
    ) async throws -> T {
        let source = MCPToolSource(servers: servers)
        let problems = await source.start()
        do {
            let value = try await body(source, problems)
            await source.shutdown()
            return value
        } catch {
            await source.shutdown()
            throw error
        }
    }

    func tool(_ source: MCPToolSource, _ name: String) async throws -> any AgentTool {
        try #require(await source.tools.first { $0.name == name }, "no tool \(name)")
    }

    func context() throws -> ToolContext { ToolContext(paths: try PathPolicy(workspace: FileManager.default.temporaryDirectory.path, protected: [])) }

    func run(_ source: MCPToolSource, _ name: String, _ arguments: JSONValue = [:]) async throws -> ToolOutput {
        try await tool(source, name).run(arguments, in: try context())
    }

    func code(_ source: MCPToolSource, _ name: String, _ arguments: JSONValue = [:]) async -> String? {
        await thrownCode { _ = try await run(source, name, arguments) }
    }

    /// Whether `pid` names a live process (a zombie is not).
    static func isAlive(_ pid: pid_t) -> Bool {
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
            return state != "Z" && state != "X"
        }
        return kill(pid, 0) == 0
    }

    /// Waits (boundedly) for `pid` to be gone: a killed process takes a moment to disappear.
    static func isGone(_ pid: pid_t) async -> Bool {
        for _ in 0..<250 where isAlive(pid) { try? await Task.sleep(for: .milliseconds(20)) }
        return !isAlive(pid)
    }

    @Test func listsToolsAndCallsThem() async throws {
        try await with([Self.testServer()]) { source, problems in
            #expect(problems.isEmpty)
            let names = await source.tools.map(\.name)
            #expect(names.contains("mcp__test__echo"))
            #expect(names.contains("mcp__test__add"))
            #expect(names.contains("mcp__test__fail"))
            #expect(try await run(source, "mcp__test__echo", ["text": "hello"]).text == "hello")
            #expect(try await run(source, "mcp__test__add", ["a": 2, "b": 3]).text == "5")
            #expect(try await run(source, "mcp__test__add", ["a": 1.5, "b": 2]).text == "3.5")
            let echo = try await tool(source, "mcp__test__echo")
            #expect(echo.isParallelSafe)  // the server marks it read-only
            #expect(echo.parameters["type"] == "object")
            #expect(echo.parameters["properties"]?["text"]?["type"] == "string")
            #expect(echo.description == "Returns its text.")
            #expect(try await tool(source, "mcp__test__slow").isParallelSafe == false)
            #expect(try await tool(source, "mcp__test__secret").isParallelSafe == false)
            // The fake key comes back as the server printed it; redaction is the agent loop's.
            #expect(try await run(source, "mcp__test__secret").text.contains("sk-test-"))
        }
    }

    @Test func toolErrorsAndBadArguments() async throws {
        try await with([Self.testServer()]) { source, _ in
            let failure = await thrownError { _ = try await run(source, "mcp__test__fail") }
            #expect(failure?.code == "mcp_tool_error")
            #expect(failure?.message == "this tool always fails")
            #expect(await code(source, "mcp__test__echo", "not an object") == "tool_arguments_invalid")
            // The server still works after both.
            let after = try await run(source, "mcp__test__echo", ["text": "still here"])
            #expect(after.text == "still here")
        }
    }

    @Test func callTimeoutGivesUpAndTheServerGoesOn() async throws {
        // Long enough for a loaded machine to answer `echo`, short enough to give up on `slow`.
        try await with([Self.testServer(callTimeout: .seconds(3))]) { source, _ in
            #expect(await code(source, "mcp__test__slow", ["seconds": 30]) == "mcp_timeout")
            let after = try await run(source, "mcp__test__echo", ["text": "after"])
            #expect(after.text == "after")
        }
    }

    @Test func aServerThatDiesFailsTheNextCall() async throws {
        try await with([Self.testServer()]) { source, _ in
            let pid = try #require(pid_t(try await run(source, "mcp__test__pid").text))
            #expect(kill(pid, SIGKILL) == 0)
            #expect(await Self.isGone(pid))
            #expect(await code(source, "mcp__test__echo", ["text": "anyone?"]) == "mcp_server_unavailable")
            #expect(await code(source, "mcp__test__echo", ["text": "still?"]) == "mcp_server_unavailable")
        }
    }

    @Test func aCallWaitingOnAServerThatDiesEndsAtOnce() async throws {
        try await with([Self.testServer()]) { source, _ in
            let pid = try #require(pid_t(try await run(source, "mcp__test__pid").text))
            async let slow = code(source, "mcp__test__slow", ["seconds": 120])
            try await Task.sleep(for: .milliseconds(300))  // let the call reach the server
            #expect(kill(pid, SIGKILL) == 0)
            // With a 60 s call timeout, only noticing the death answers this before a minute.
            #expect(await slow == "mcp_server_unavailable")
        }
    }

    @Test func brokenServersAreReportedAndTheOthersServe() async throws {
        let servers = [
            try MCPServerConfiguration(name: "missing", transport: .stdio(command: "/nonexistent/tau-mcp-missing")),
            try MCPServerConfiguration(name: "unknown", transport: .stdio(command: "tau-mcp-no-such-program")),
            try MCPServerConfiguration(
                name: "dies", transport: .stdio(command: "/bin/sh", arguments: ["-c", "echo boom >&2; exit 3"]), startupTimeout: .seconds(30)),
            try MCPServerConfiguration(name: "silent", transport: .stdio(command: "/bin/sleep", arguments: ["30"]), startupTimeout: .seconds(1)),
            try Self.testServer("good"),
        ]
        try await with(servers) { source, problems in
            let byServer = Dictionary(problems.map { ($0.server, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byServer["missing"]?.code == "mcp_server_start_failed")
            #expect(byServer["missing"]?.message.contains("not found") == true)
            #expect(byServer["unknown"]?.code == "mcp_server_start_failed")
            #expect(byServer["dies"]?.code == "mcp_initialize_failed")
            #expect(byServer["dies"]?.message.contains("exited with status 3") == true)
            #expect(byServer["dies"]?.message.hasSuffix("its standard error ends with: boom") == true)
            #expect(byServer["silent"]?.code == "mcp_startup_timeout")
            #expect(byServer["good"] == nil)
            #expect(await source.tools.allSatisfy { $0.name.hasPrefix("mcp__good__") })
            let echo = try await run(source, "mcp__good__echo", ["text": "fine"])
            #expect(echo.text == "fine")
        }
    }

    @Test func shutdownEndsTheServerAndItsChildren() async throws {
        let source = MCPToolSource(servers: [try Self.testServer()])
        #expect(await source.start().isEmpty)
        let server = try #require(pid_t(try await run(source, "mcp__test__pid").text))
        let sleeper = try #require(pid_t(try await run(source, "mcp__test__spawn_sleeper").text))
        #expect(Self.isAlive(server) && Self.isAlive(sleeper))
        await source.shutdown()
        #expect(!Self.isAlive(server))  // reaped before shutdown returns
        #expect(await Self.isGone(sleeper))  // its process group was killed
        #expect(await code(source, "mcp__test__echo", ["text": "x"]) == "mcp_server_unavailable")
    }

    @Test func theServerSeesOnlyAScrubbedEnvironment() async throws {
        setenv("TAU_MCP_TEST_LEAK", "1", 1)
        try await with([Self.testServer(environment: ["GREETING": "hi"])]) { source, _ in
            let names = Set(try await run(source, "mcp__test__environment").text.split(separator: "\n").map(String.init))
            #expect(names.contains("GREETING"))
            #expect(names.contains("PATH"))
            #expect(!names.contains("TAU_MCP_TEST_LEAK"))
            #expect(names.isSubset(of: ["PATH", "HOME", "LANG", "GREETING"]))
        }
    }

    @Test func namesAreCleanedAndFiltered() async throws {
        try await with([Self.testServer(), Self.testServer("picky", enabledTools: ["echo", "nope"])]) { source, problems in
            let awkward = try #require(await source.tools.first { $0.name.hasPrefix("mcp__test__awkward") })
            #expect(awkward.name.count <= 64)
            #expect(awkward.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            #expect(try await awkward.run(["text": "odd"], in: try context()).text == "odd")
            #expect(await source.tools.filter { $0.name.hasPrefix("mcp__picky__") }.map(\.name) == ["mcp__picky__echo"])
            #expect(problems == [MCPServerProblem(server: "picky", code: "mcp_tool_not_found", message: "the server has no tool `nope`")])
        }
    }

    @Test func resultsAreSummarisedAndCapped() async throws {
        try await with([Self.testServer()]) { source, _ in
            let mixed = try await run(source, "mcp__test__mixed").text
            #expect(mixed == "first\n[image image/png, 8 bytes]\n[resource file:///notes.txt text/plain, 13 bytes]\nlast")
            let big = try await run(source, "mcp__test__big", ["bytes": 300_000])
            #expect(big.text.hasPrefix("xxxx"))
            #expect(big.text.hasSuffix("\n[truncated: 262144 of 300000 bytes shown]"))
            #expect(big.details["truncated"] == true)
        }
    }

    @Test func configurationIsChecked() {
        func code(_ make: () throws -> MCPServerConfiguration) -> String? {
            do {
                _ = try make()
                return nil
            } catch let error as AgentError {
                return error.code
            } catch {
                return "unexpected"
            }
        }
        #expect(code { try MCPServerConfiguration(name: "Upper", transport: .stdio(command: "x")) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: String(repeating: "a", count: 33), transport: .stdio(command: "x")) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "ok", transport: .stdio(command: "bin/relative")) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "ok", transport: .stdio(command: "x", environment: ["TAU_PASSPHRASE": "p"])) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "ok", transport: .http(url: "ftp://example.com/mcp")) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "ok", transport: .stdio(command: "x"), callTimeout: .zero) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "ok", transport: .stdio(command: "x"), enabledTools: []) } == "mcp_config_invalid")
        #expect(code { try MCPServerConfiguration(name: "my-server_2", transport: .http(url: "https://mcp.example.com/mcp")) } == nil)
    }
}

/// The coded error `body` throws, if any.
func thrownError(_ body: () async throws -> Void) async -> (any TauError)? {
    do {
        try await body()
        return nil
    } catch let error as any TauError {
        return error
    } catch {
        return nil
    }
}
