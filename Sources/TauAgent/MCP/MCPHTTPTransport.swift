import Foundation
import Logging
import MCP
import TauCore
import TauProviders

/// The client side of MCP's streamable HTTP transport, sent through the node's
/// ``OutboundHTTP`` client so that MCP traffic passes the same outbound policy as every other
/// fetch (no redirects followed, addresses checked) instead of URLSession.
///
/// Each message is one POST; the answer is either a JSON body or an event stream that the
/// server closes after its response, read whole. The optional GET stream for messages the
/// server starts on its own is not opened: a tool client needs none of them.
actor MCPHTTPTransport: Transport {
    nonisolated let logger = Logger(label: "tau.agent.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
    private let url: String
    private let headers: [(name: String, value: String)]
    private let http: any OutboundHTTP
    private let timeout: Duration
    private let messages: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false
    private var sessionID: String?
    private var protocolVersion: String?

    /// Most bytes of one answer.
    static let maximumResponseBytes = 8 << 20

    /// A failed exchange; the message names the status, never the body.
    struct ExchangeError: Error, CustomStringConvertible {
        let description: String
    }

    init(url: String, headers: [String: String], http: any OutboundHTTP, timeout: Duration) {
        self.url = url
        self.headers = headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        self.http = http
        self.timeout = timeout
        let (messages, sink) = AsyncThrowingStream.makeStream(of: Data.self)
        self.messages = messages
        self.sink = sink
    }

    func connect() async throws { connected = true }

    func disconnect() async {
        guard connected else { return }
        connected = false
        sink.finish()
        // Ends the session on the server, as the specification asks; best effort.
        if let sessionID {
            _ = try? await http.send(
                OutboundRequest(
                    method: "DELETE", url: url, headers: headers + [("Mcp-Session-Id", sessionID)], maximumResponseBytes: 4096,
                    timeout: .seconds(2)))
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    func send(_ data: Data) async throws {
        guard connected else { throw MCPError.connectionClosed }
        var requestHeaders = headers
        requestHeaders.append(("Content-Type", "application/json"))
        requestHeaders.append(("Accept", "application/json, text/event-stream"))
        requestHeaders.append(("User-Agent", "tau-node"))
        if let sessionID { requestHeaders.append(("Mcp-Session-Id", sessionID)) }
        if let protocolVersion { requestHeaders.append(("MCP-Protocol-Version", protocolVersion)) }
        let response: OutboundResponse
        do {
            response = try await http.send(
                OutboundRequest(
                    method: "POST", url: url, headers: requestHeaders, body: Array(data), maximumResponseBytes: Self.maximumResponseBytes,
                    timeout: timeout))
        } catch {
            throw MCPError.transportError(error)
        }
        if let session = response.header("Mcp-Session-Id"), !session.isEmpty { sessionID = session }
        guard (200..<300).contains(response.status) else {
            if response.status == 404, sessionID != nil { sessionID = nil }
            throw MCPError.transportError(ExchangeError(description: "the server answered HTTP \(response.status)"))
        }
        guard !response.body.isEmpty else { return }  // 202 for notifications and responses
        let contentType = response.header("Content-Type")?.lowercased() ?? ""
        if contentType.contains("text/event-stream") {
            var parser = SSEParser()
            do {
                var events = try parser.feed(response.body)
                if let last = parser.finish() { events.append(last) }
                for event in events where (event.event ?? "message") == "message" && !event.data.isEmpty {
                    deliver(Data(event.data.utf8))
                }
            } catch {
                throw MCPError.transportError(ExchangeError(description: "the server's event stream broke its limits"))
            }
        } else {
            deliver(Data(response.body))
        }
    }

    private func deliver(_ message: Data) {
        if protocolVersion == nil { protocolVersion = Self.negotiatedVersion(in: message) }
        sink.yield(message)
    }

    /// The protocol version of an initialize result, which later requests must carry in
    /// `MCP-Protocol-Version`.
    private static func negotiatedVersion(in message: Data) -> String? {
        struct Envelope: Decodable {
            struct Result: Decodable {
                let protocolVersion: String?
                let serverInfo: Value?
            }
            let result: Result?
        }
        guard let result = try? JSONDecoder().decode(Envelope.self, from: message).result, result.serverInfo != nil else { return nil }
        return result.protocolVersion
    }
}
