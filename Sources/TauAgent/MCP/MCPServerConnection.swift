import Foundation
import MCP
import TauCore

/// One configured MCP server while the node runs: its client session, and for a stdio
/// server its process and pipes. Every wait on the server is bounded (startup timeout, call
/// timeout), and a server that dies fails the calls waiting on it at once.
actor MCPServerConnection {
    private enum State {
        case idle, starting, running
        /// The server went away by itself; the text says how.
        case gone(String)
        case stopped
    }

    let configuration: MCPServerConfiguration
    private let http: (any OutboundHTTP)?
    private let clock: any Clock<Duration>
    private var state = State.idle
    private var client: Client?
    private var process: MCPStdioProcess?
    private var pipes: MCPPipeTransport?

    /// How long a stdio server has to exit after SIGTERM before SIGKILL.
    static let terminationGrace = Duration.seconds(2)

    init(configuration: MCPServerConfiguration, http: (any OutboundHTTP)?, clock: any Clock<Duration>) {
        self.configuration = configuration
        self.http = http
        self.clock = clock
    }

    private var name: String { configuration.name }

    // MARK: Start

    /// Starts the server, performs the handshake and lists its tools, within the startup
    /// timeout. On failure the server is stopped again.
    /// - Throws: an ``MCPServerProblem`` as ``AgentError`` (`mcp_server_start_failed`,
    ///   `mcp_startup_timeout`, `mcp_initialize_failed`).
    func start() async throws(AgentError) -> [Tool] {
        guard case .idle = state else { throw AgentError("mcp_initialize_failed", "MCP server `\(name)` was already started") }
        state = .starting
        let outcome = await MCPDeadline.wait(configuration.startupTimeout, clock: clock) { await self.connectAndList() }
        switch outcome {
        case .finished(.success(let tools)):
            return tools
        case .finished(.failure(let error)):
            await stop()
            throw error
        case .expired:
            await stop()
            throw AgentError(
                "mcp_startup_timeout", "MCP server `\(name)` did not answer within \(configuration.startupTimeout)\(errorTail())",
                category: .unavailable)
        case .cancelled:
            await stop()
            throw AgentError("mcp_startup_timeout", "starting MCP server `\(name)` was cancelled", category: .unavailable)
        }
    }

    private func connectAndList() async -> Result<[Tool], AgentError> {
        do {
            let transport: any Transport
            switch configuration.transport {
            case .stdio(let command, let arguments, let environment, let workingDirectory):
                let process = try await MCPStdioProcess.spawn(
                    server: name, command: command, arguments: arguments, environment: environment, workingDirectory: workingDirectory)
                let pipes = MCPPipeTransport(process: process) { [weak self] in await self?.serverGone("closed its output") }
                self.process = process
                self.pipes = pipes
                Task { [weak self] in
                    let ending = await process.exit.value
                    await self?.serverGone(ending)
                }
                // stop() may have run while the process started (a startup timeout).
                guard case .starting = state else {
                    await release()
                    return .failure(await startupFailure(nil))
                }
                transport = pipes
            case .http(let url, let headers):
                guard let http else {
                    throw AgentError("mcp_server_start_failed", "MCP server `\(name)`: this node offers no HTTP client for MCP", category: .internal)
                }
                let timeout = max(configuration.startupTimeout, configuration.callTimeout)
                transport = MCPHTTPTransport(url: url, headers: headers, http: http, timeout: timeout)
            }
            let client = Client(name: "tau-node", version: "1")
            self.client = client
            try await client.connect(transport: transport)
            var tools: [Tool] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.listTools(cursor: cursor)
                tools += page.tools
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 100
            guard case .starting = state else { return .failure(await startupFailure(nil)) }
            state = .running
            return .success(tools)
        } catch let error as AgentError {
            return .failure(error)
        } catch {
            return .failure(await startupFailure(error))
        }
    }

    /// Why the start failed. A handshake usually fails because the process died (a write
    /// to its pipe breaks before its exit is seen), so a process that exits within a second
    /// is reported by its exit, with the end of its standard error.
    private func startupFailure(_ error: (any Error)?) async -> AgentError {
        if let process, case .finished(let ending) = await MCPDeadline.wait(.seconds(1), clock: ContinuousClock(), { await process.exit.value }) {
            await process.errorTail.waitForEnd(within: .seconds(2))
            return AgentError("mcp_initialize_failed", "MCP server `\(name)` \(ending) during startup\(errorTail())", category: .unavailable)
        }
        if case .stopped = state {
            return AgentError("mcp_startup_timeout", "MCP server `\(name)` was stopped during startup", category: .unavailable)
        }
        let detail = error.map { ": " + Self.describe($0) } ?? ""
        return AgentError("mcp_initialize_failed", "MCP server `\(name)` failed its handshake\(detail)", category: .unavailable)
    }

    /// The server's last words on standard error, for a startup failure message.
    private func errorTail() -> String {
        guard let text = process?.errorTail.text, !text.isEmpty else { return "" }
        return "; its standard error ends with: " + String(text.suffix(1000))
    }

    // MARK: Calls

    /// Calls `tool` with the call timeout.
    /// - Throws: ``AgentError`` `mcp_server_unavailable`, `mcp_timeout`, `mcp_tool_error`
    ///   (the server refused the call), `mcp_cancelled`.
    func call(_ tool: String, arguments: [String: Value]?) async throws(AgentError) -> CallTool.Result {
        guard case .running = state, let client else { throw unavailable() }
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.send(CallTool.request(.init(name: tool, arguments: arguments)))
        } catch {
            throw unavailable(Self.describe(error))
        }
        let outcome = await MCPDeadline.wait(configuration.callTimeout, clock: clock) { () -> Result<CallTool.Result, any Error> in
            do { return .success(try await context.value) } catch { return .failure(error) }
        }
        switch outcome {
        case .finished(.success(let result)):
            return result
        case .finished(.failure(let error)):
            throw classify(error)
        case .expired:
            // Tells the server to stop and resolves the waiting request.
            Task { try? await client.cancelRequest(context.requestID, reason: "timed out") }
            throw AgentError("mcp_timeout", "MCP server `\(name)`: `\(tool)` did not answer within \(configuration.callTimeout)", category: .unavailable)
        case .cancelled:
            Task { try? await client.cancelRequest(context.requestID, reason: "cancelled") }
            throw AgentError("mcp_cancelled", "the call of `\(tool)` on MCP server `\(name)` was cancelled", category: .unavailable)
        }
    }

    private func classify(_ error: any Error) -> AgentError {
        if case .running = state {
            switch error {
            case MCPError.connectionClosed, MCPError.transportError:
                return unavailable(Self.describe(error))
            case is MCPError:
                // The server answered with a JSON-RPC error (unknown tool, invalid arguments).
                return AgentError("mcp_tool_error", "MCP server `\(name)`: \(Self.describe(error))")
            case is CancellationError:
                return AgentError("mcp_cancelled", "MCP server `\(name)` cancelled the call", category: .unavailable)
            default:
                return AgentError("mcp_tool_error", "MCP server `\(name)` sent an answer that could not be read: \(Self.describe(error))")
            }
        }
        return unavailable()
    }

    private func unavailable(_ detail: String? = nil) -> AgentError {
        let why: String
        switch state {
        case .gone(let ending): why = ending
        case .stopped: why = "was shut down"
        case .idle, .starting: why = "is not started"
        case .running: why = "could not be reached" + (detail.map { ": \($0)" } ?? "")
        }
        return AgentError("mcp_server_unavailable", "MCP server `\(name)` \(why)", category: .unavailable)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case MCPError.transportError(let underlying): "\(underlying)"
        case let error as MCPError: error.errorDescription ?? "\(error)"
        default: "\(error)"
        }
    }

    // MARK: Ending

    /// The server went away by itself: fail the waiting calls now, and clean up.
    private func serverGone(_ ending: String) async {
        switch state {
        case .starting, .running: state = .gone(ending)
        case .idle, .gone, .stopped: return
        }
        await release()
    }

    /// Stops the server: ends the session, terminates the process group, closes the pipes.
    func stop() async {
        if case .stopped = state { return }
        state = .stopped
        await release()
    }

    private func release() async {
        let client = self.client
        self.client = nil
        // Resolves every waiting request with an error and disconnects the transport.
        await client?.disconnect()
        if let process {
            await process.terminate(grace: Self.terminationGrace)
        }
        await pipes?.closePipes(within: .seconds(5))
    }
}
