import Foundation
import Logging
import MCP

/// The SDK's stdio transport over the pipes of a server process, with what the node adds:
/// the end of the server's output is reported, so that a server that dies fails the calls
/// waiting on it at once, and the pipes are closed only when no write is under way, so that
/// a late write can never land on a descriptor the node has reused for something else.
actor MCPPipeTransport: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private let process: MCPStdioProcess
    private let onEnd: @Sendable () async -> Void
    private let messages: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false
    private var writes = 0
    private var closed = false

    /// - Parameter onEnd: called once the server's output has ended (it exited or closed it),
    ///   and after ``disconnect()``.
    init(process: MCPStdioProcess, onEnd: @escaping @Sendable () async -> Void) {
        let quiet = Logger(label: "tau.agent.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
        self.logger = quiet
        self.inner = StdioTransport(input: process.fromServer, output: process.toServer, logger: quiet)
        self.process = process
        self.onEnd = onEnd
        let (messages, sink) = AsyncThrowingStream.makeStream(of: Data.self)
        self.messages = messages
        self.sink = sink
    }

    func connect() async throws {
        guard !connected else { return }
        try await inner.connect()
        connected = true
        let stream = await inner.receive()
        Task { [sink, onEnd] in
            do {
                for try await message in stream { sink.yield(message) }
                sink.finish()
            } catch {
                sink.finish(throwing: error)
            }
            await onEnd()
        }
    }

    func disconnect() async {
        connected = false
        await inner.disconnect()
        sink.finish()
    }

    func send(_ data: Data) async throws {
        guard connected, !closed else { throw MCPError.connectionClosed }
        writes += 1
        defer { writes -= 1 }
        try await inner.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// Closes both pipes once no write is under way, waiting at most `limit` for that (a write
    /// ends when the server reads or dies). Past the limit the pipes stay open: two leaked
    /// descriptors are better than a message written into whatever reuses their numbers.
    func closePipes(within limit: Duration) async {
        guard !closed else { return }
        connected = false
        let deadline = ContinuousClock.now.advanced(by: limit)
        while writes > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard writes == 0, !closed else { return }
        closed = true
        try? process.toServer.close()
        try? process.fromServer.close()
    }
}
