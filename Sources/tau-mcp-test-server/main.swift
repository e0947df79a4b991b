// A small stdio MCP server built with the MCP Swift SDK, for the tests of the agent's MCP
// client (Tests/TauAgentTests/MCPToolSourceTests.swift). It is a target of the package, not a
// product: nothing ships it.
import Foundation
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An object schema with the given properties, all required.
func schema(_ properties: [String: Value]) -> Value {
    .object(["type": "object", "properties": .object(properties), "required": .array(properties.keys.sorted().map { .string($0) })])
}

/// A number argument, whether the client sent it as an integer or not.
func number(_ value: Value?) -> Double? {
    switch value {
    case .int(let integer): Double(integer)
    case .double(let double): double
    default: nil
    }
}

func text(_ string: String, isError: Bool = false) -> CallTool.Result {
    CallTool.Result(content: [.text(text: string, annotations: nil, _meta: nil)], isError: isError)
}

/// A tool name no provider accepts as it is: the client must rename it.
let awkwardName = "awkward.tool/with spaces and a name far longer than any model provider allows for one tool"

let tools: [Tool] = [
    Tool(name: "echo", description: "Returns its text.", inputSchema: schema(["text": ["type": "string"]]), annotations: .init(readOnlyHint: true)),
    Tool(name: "add", description: "Adds two numbers.", inputSchema: schema(["a": ["type": "number"], "b": ["type": "number"]]), annotations: .init(readOnlyHint: true)),
    Tool(name: "fail", description: "Always reports an error.", inputSchema: schema([:])),
    Tool(name: "slow", description: "Sleeps for some seconds.", inputSchema: schema(["seconds": ["type": "number"]])),
    Tool(name: "secret", description: "Prints a fake API key.", inputSchema: schema([:]), annotations: .init(readOnlyHint: false)),
    Tool(name: "mixed", description: "Returns text, an image and a resource.", inputSchema: schema([:])),
    Tool(name: "environment", description: "Lists the names of its environment variables.", inputSchema: schema([:])),
    Tool(name: "pid", description: "Returns its process id.", inputSchema: schema([:])),
    Tool(name: "spawn_sleeper", description: "Starts a long sleep in its process group and returns its pid.", inputSchema: schema([:])),
    Tool(name: "big", description: "Returns a text of the given number of bytes.", inputSchema: schema(["bytes": ["type": "integer"]])),
    Tool(name: awkwardName, description: "Returns its text, under a name that needs cleaning.", inputSchema: schema(["text": ["type": "string"]])),
]

/// Starts `/bin/sleep 600` in this server's process group (Foundation's Process would give it
/// a group of its own) and returns its pid.
func spawnSleeper() -> CallTool.Result {
    var pid: pid_t = 0
    let words: [String] = ["/bin/sleep", "600"]
    var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    let status = posix_spawn(&pid, "/bin/sleep", nil, nil, &argv, environ)
    return status == 0 ? text(String(pid)) : text("posix_spawn failed: \(status)", isError: true)
}

func call(_ parameters: CallTool.Parameters) async throws -> CallTool.Result {
    let arguments = parameters.arguments ?? [:]
    switch parameters.name {
    case "echo", awkwardName:
        return text(arguments["text"]?.stringValue ?? "")
    case "add":
        guard let a = number(arguments["a"]), let b = number(arguments["b"]) else { return text("a and b must be numbers", isError: true) }
        let sum = a + b
        return text(sum == sum.rounded() && abs(sum) < 1e15 ? String(Int(sum)) : String(sum))
    case "fail":
        return text("this tool always fails", isError: true)
    case "slow":
        let seconds = number(arguments["seconds"]) ?? 1
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return text("slept \(seconds) s")
    case "secret":
        return text("the key is sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c")
    case "mixed":
        let resource = Resource.Content.text("resource body", uri: "file:///notes.txt", mimeType: "text/plain")
        return CallTool.Result(content: [
            .text(text: "first", annotations: nil, _meta: nil),
            .image(data: "iVBORw0KGgo=", mimeType: "image/png", annotations: nil, _meta: nil),
            .resource(resource: resource),
            .text(text: "last", annotations: nil, _meta: nil),
        ])
    case "environment":
        return text(ProcessInfo.processInfo.environment.keys.sorted().joined(separator: "\n"))
    case "pid":
        return text(String(getpid()))
    case "spawn_sleeper":
        return spawnSleeper()
    case "big":
        let count = arguments["bytes"]?.intValue ?? 0
        return text(String(repeating: "x", count: max(0, count)))
    default:
        return text("unknown tool \(parameters.name)", isError: true)
    }
}

let server = Server(name: "tau-mcp-test-server", version: "1.0.0", capabilities: .init(tools: .init(listChanged: false)))
await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
await server.withMethodHandler(CallTool.self) { parameters in try await call(parameters) }
try await server.start(transport: StdioTransport())
await server.waitUntilCompleted()
