import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A real HTTP server on 127.0.0.1 with an ephemeral port that answers fixed
/// responses by path, for tests that need a remote party (did:web hosts, log sources).
public enum StaticHTTPServer {
    /// A canned response.
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var contentType: String

        public init(status: Int = 200, body: String, contentType: String = "application/json") {
            self.status = status
            self.body = body
            self.contentType = contentType
        }
    }

    /// Serves `replies` (path → reply; anything else is 404) while `body` runs.
    public static func with<T: Sendable>(
        _ replies: [String: Reply], _ body: @escaping @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.get("**") { request, _ -> Response in
            guard let reply = replies[request.uri.path] else { return Response(status: .notFound) }
            return Response(
                status: .init(code: reply.status), headers: [.contentType: reply.contentType],
                body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        return try await serve(router, body)
    }

    /// Serves any router on 127.0.0.1 with an ephemeral port while `body` runs.
    public static func serve<T: Sendable>(
        _ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "tau.testing.http")
        quiet.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        // Stopped by a graceful shutdown, not by cancelling its task: cancelling can drop a
        // connection accepted in that instant without closing it, and NIO traps on that
        // (swift-nio issue 2637), which crashes the whole test process.
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: quiet))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else {
                group.cancelAll()
                throw TestingError("server did not start")
            }
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body("http://127.0.0.1:\(port)")) } catch { outcome = .failure(error) }
            await services.triggerGracefulShutdown()
            // A client that keeps a request open must not hold the test forever.
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            _ = try await group.next()
            group.cancelAll()
            return try outcome.get()
        }
    }
}
