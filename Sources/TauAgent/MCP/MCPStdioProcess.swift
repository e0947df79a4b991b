import Dispatch
import Foundation
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child process of a stdio MCP server, in a process group of its own so that
/// ``terminate(grace:)`` also reaches whatever it started.
final class MCPStdioProcess: Sendable {
    /// The child's process id, which is also its process group id.
    let processID: pid_t
    /// The parent's end of the child's standard input.
    let toServer: FileDescriptor
    /// The parent's end of the child's standard output.
    let fromServer: FileDescriptor
    /// The last bytes of the child's standard error.
    let errorTail: MCPErrorTail
    /// Completes once the child has exited and been reaped; its value says how it ended.
    let exit: Task<String, Never>

    private init(processID: pid_t, toServer: FileDescriptor, fromServer: FileDescriptor, errorTail: MCPErrorTail, exit: Task<String, Never>) {
        self.processID = processID
        self.toServer = toServer
        self.fromServer = fromServer
        self.errorTail = errorTail
        self.exit = exit
    }

    /// The variables of the node's environment a server inherits; everything else (API keys,
    /// `TAU_*`, the passphrase) stays with the node.
    static let inheritedVariables = ["PATH", "HOME", "LANG"]

    /// The child's whole environment: ``inheritedVariables`` from `node`, then `configured`.
    static func environment(configured: [String: String], node: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var result: [String: String] = [:]
        for name in inheritedVariables { result[name] = node[name] }
        if result["PATH"] == nil { result["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        result.merge(configured) { _, configured in configured }
        return result
    }

    /// Starts `command` with pipes on its standard streams.
    /// - Throws: ``AgentError`` `mcp_server_start_failed` when it cannot be started.
    static func spawn(
        server: String, command: String, arguments: [String], environment configured: [String: String], workingDirectory: String?
    ) async throws(AgentError) -> MCPStdioProcess {
        // A server that dies leaves a pipe without reader; writing to it must fail with
        // EPIPE, not kill the node with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var made: [(read: FileDescriptor, write: FileDescriptor)] = []
        do {
            for _ in 0..<3 { made.append(try makePipe()) }
        } catch {
            for pipe in made { for end in [pipe.read, pipe.write] { try? end.close() } }
            throw AgentError("mcp_server_start_failed", "MCP server `\(server)`: no pipe for its standard streams (\(error))", category: .internal)
        }
        let (input, output, errors) = (made[0], made[1], made[2])
        var platform = PlatformOptions()
        platform.processGroupID = 0  // a group of its own, led by the child
        let options = platform
        let executable: Executable = command.hasPrefix("/") ? .path(FilePath(command)) : .name(command)
        var pairs: [Environment.Key: String] = [:]
        for (name, value) in environment(configured: configured) { pairs[Environment.Key(stringLiteral: name)] = value }
        let variables = pairs
        let (started, startedSink) = AsyncStream.makeStream(of: pid_t.self)
        let exit = Task<String, Never> {
            do {
                // The child's ends are closed here once it runs (or fails to).
                let result = try await Subprocess.run(
                    executable, arguments: Arguments(arguments), environment: .custom(variables),
                    workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options,
                    input: .fileDescriptor(input.read, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(output.write, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(errors.write, closeAfterSpawningProcess: true)
                ) { execution in
                    // Returning at once lets `run` wait for the exit itself, so the exit is
                    // seen even while a grandchild still holds the pipes open.
                    startedSink.yield(execution.processIdentifier.value)
                    startedSink.finish()
                }
                switch result.terminationStatus {
                case .exited(let code): return "exited with status \(code)"
                case .signaled(let signal): return "was killed by signal \(signal)"
                }
            } catch {
                startedSink.finish()
                return "could not be started: \(error)"
            }
        }
        // Waited for in a task of its own, which the caller's cancellation does not reach: a
        // started process must never go unrecorded.
        let first = Task {
            var iterator = started.makeAsyncIterator()
            return await iterator.next()
        }
        guard let processID = await first.value else {
            for descriptor in [input.write, output.read, errors.read] { try? descriptor.close() }
            let ending = await exit.value
            throw AgentError("mcp_server_start_failed", "MCP server `\(server)` (\(command)) \(ending)", category: .unavailable)
        }
        return MCPStdioProcess(
            processID: processID, toServer: input.write, fromServer: output.read, errorTail: MCPErrorTail(errors.read), exit: exit)
    }

    /// Ends the server: SIGTERM to its process group, SIGKILL to the group if the child is
    /// still there after `grace`, and SIGKILL once more after its exit for any member of the
    /// group that outlived it. Returns how the child ended.
    @discardableResult
    func terminate(grace: Duration) async -> String {
        signalGroup(SIGTERM)
        let exit = self.exit
        if case .finished(let ending) = await MCPDeadline.wait(grace, clock: ContinuousClock(), { await exit.value }) {
            signalGroup(SIGKILL)
            errorTail.close()
            return ending
        }
        signalGroup(SIGKILL)
        let ending = await exit.value
        // The group id stays reserved while any member lives, so this cannot reach a stranger.
        signalGroup(SIGKILL)
        errorTail.close()
        return ending
    }

    private func signalGroup(_ signal: Int32) {
        _ = kill(-processID, signal)
    }

    /// A pipe whose ends are closed in other programs the node starts (close-on-exec); the
    /// spawner's dup2 onto the child's standard streams clears the flag where it is wanted.
    private static func makePipe() throws -> (read: FileDescriptor, write: FileDescriptor) {
        let ends = try FileDescriptor.pipe()
        for end in [ends.readEnd, ends.writeEnd] { _ = fcntl(end.rawValue, F_SETFD, FD_CLOEXEC) }
        return (ends.readEnd, ends.writeEnd)
    }
}

/// The last bytes a server wrote to its standard error, read as they come (a dispatch read
/// source, no polling) and kept for the message of a failed start.
final class MCPErrorTail: @unchecked Sendable {
    // @unchecked: the source is only resumed here and cancelled (thread-safe); the bytes are
    // behind a mutex.
    static let limit = 4 << 10
    private let bytes = Mutex<[UInt8]>([])
    private let ended = Mutex(false)
    private let source: any DispatchSourceRead

    init(_ descriptor: FileDescriptor) {
        let raw = descriptor.rawValue
        _ = fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) | O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: raw, queue: DispatchQueue(label: "tau.mcp.stderr"))
        self.source = source
        // The handler holds the source until it is cancelled (end of file, close() or deinit).
        source.setEventHandler { [weak self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(raw, $0.baseAddress, $0.count) }
            if count > 0 {
                self?.append(chunk[..<count])
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                self?.ended.withLock { $0 = true }
                source.cancel()
            }
        }
        source.setCancelHandler { try? FileDescriptor(rawValue: raw).close() }
        source.resume()
    }

    deinit { source.cancel() }

    private func append(_ chunk: ArraySlice<UInt8>) {
        bytes.withLock { tail in
            tail.append(contentsOf: chunk)
            if tail.count > Self.limit { tail.removeFirst(tail.count - Self.limit) }
        }
    }

    /// Waits until the end of the stream has been read, at most `limit`.
    func waitForEnd(within limit: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !ended.withLock({ $0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The tail as text, trimmed.
    var text: String {
        String(decoding: bytes.withLock { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops reading and closes the descriptor (once).
    func close() { source.cancel() }
}
