import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

@testable import TauMesh

/// Dispatch of inbound messages to registered handlers, and the inbound rate limits.
struct MeshHandlerTests {
    static let echoType = "https://example.org/test/echo"

    /// A handler from "another module": answers with what its context told it.
    struct EchoHandler: MeshHandler {
        var messageType: String { MeshHandlerTests.echoType }

        func handle(_ context: MeshContext) async throws -> MeshReply {
            if context.message.plaintext.body["refuse"] != nil {
                throw MeshError("echo_refused", "asked to refuse")
            }
            return MeshReply(
                type: MeshHandlerTests.echoType + "-reply",
                body: [
                    "sender": .string(context.sender.description),
                    "claimedEndpoint": context.claimedEndpoint.map(JSONValue.string) ?? .null,
                    "pullsLeft": .number(Double(context.pullBudget.remaining)),
                    "loggedFrom": .string(context.logger[metadataKey: "from"].map { "\($0)" } ?? ""),
                    "loggedType": .string(context.logger[metadataKey: "type"].map { "\($0)" } ?? ""),
                    "knownPeers": .number(Double(try await context.knownPeers().count)),
                ])
        }
    }

    /// A handler that claims the hello type.
    struct RivalHelloHandler: MeshHandler {
        var messageType: String { MeshMessageType.hello }
        func handle(_ context: MeshContext) async throws -> MeshReply { MeshReply(type: MeshMessageType.hello, body: [:]) }
    }

    /// Records every take and answers a fixed decision (or fails).
    actor RecordingRateLimiter: RateLimiter {
        var takes: [(key: String, limit: RateLimit)] = []
        let refuse: Set<String>
        let fails: Bool

        init(refuse: Set<String> = [], fails: Bool = false) {
            self.refuse = refuse
            self.fails = fails
        }

        func take(_ key: String, limit: RateLimit, at now: Date) throws -> RateDecision {
            takes.append((key, limit))
            if fails { throw MeshError("store_down", "the bucket store is unreachable", category: .internal) }
            return refuse.contains(key) ? .refused(retryAfter: 1) : .admitted
        }
    }

    func withEcho() throws -> MeshHandlerRegistry {
        var registry = MeshHandlerRegistry.builtIn
        try registry.register(EchoHandler())
        return registry
    }

    @Test func aRegisteredHandlerAnswersItsTypeWithAContextOfItsOwn() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9, handlers: try withEcho())
        try await introduce(alice, to: bob)
        let echo = alice.signer.sign(type: Self.echoType, body: await alice.node.selfAdvertisement().json, to: [bob.did])
        let reply = try await bob.node.receive(echo.bytes)
        #expect(reply.plaintext.type == Self.echoType + "-reply")
        #expect(reply.plaintext.threadID == echo.plaintext.id)
        #expect(reply.plaintext.to == [alice.did])
        #expect(reply.plaintext.from == bob.did)
        let body = reply.plaintext.body
        #expect(body["sender"]?.stringValue == alice.did.description)
        #expect(body["claimedEndpoint"]?.stringValue == "http://127.0.0.1:9")
        #expect(body["pullsLeft"] == .number(8))
        #expect(body["loggedFrom"]?.stringValue == alice.did.description)
        #expect(body["loggedType"]?.stringValue == Self.echoType)
        #expect(body["knownPeers"] == .number(1))
        #expect(bob.count("tau_mesh_messages_accepted_total", [("type", "other")]) == 1)
        // The built-in handlers are still there.
        let hello = alice.signer.sign(type: MeshMessageType.hello, body: await alice.node.selfAdvertisement().json, to: [bob.did])
        #expect(try await bob.node.receive(hello.bytes).plaintext.type == MeshMessageType.hello)
    }

    @Test func aHandlerRefusalIsReturnedAndCounted() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9, handlers: try withEcho())
        try await introduce(alice, to: bob)
        let echo = alice.signer.sign(type: Self.echoType, body: ["refuse": true], to: [bob.did])
        await #expect(throws: MeshError("echo_refused", "asked to refuse")) { try await bob.node.receive(echo.bytes) }
        #expect(bob.count("tau_mesh_messages_rejected_total", [("reason", "echo_refused")]) == 1)
        // A message without a claimed endpoint: the context says so.
        let bare = alice.signer.sign(type: Self.echoType, body: [:], to: [bob.did])
        #expect(try await bob.node.receive(bare.bytes).plaintext.body["claimedEndpoint"] == .null)
    }

    @Test func aTypeIsRegisteredOnceOnly() throws {
        var registry = MeshHandlerRegistry.builtIn
        #expect(registry.types == [MeshMessageType.gossip, MeshMessageType.hello, MeshMessageType.ping])
        let rival = #expect(throws: MeshError.self) { try registry.register(RivalHelloHandler()) }
        #expect(rival?.code == "handler_already_registered")
        #expect(rival?.category == .conflict)
        #expect(registry.handler(for: MeshMessageType.hello) is HelloHandler)
        try registry.register(EchoHandler())
        let again = #expect(throws: MeshError.self) { try registry.register(EchoHandler()) }
        #expect(again?.code == "handler_already_registered")
        #expect(registry.types.count == 4)
    }

    @Test func typesWithoutAHandlerAreUnsupported() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9, handlers: MeshHandlerRegistry())
        try await introduce(alice, to: bob)
        for type in [MeshMessageType.hello, MeshMessageType.pong, Self.echoType] {
            let message = alice.signer.sign(type: type, body: await alice.node.selfAdvertisement().json, to: [bob.did])
            let refusal = await #expect(throws: MeshError.self) { try await bob.node.receive(message.bytes) }
            #expect(refusal?.code == "unsupported_type")
        }
        #expect(try await bob.peers.all().isEmpty)
    }

    @Test func rateLimitsUseTheClientAddressThenTheSendersDID() async throws {
        let alice = try await member(port: 9)
        let limiter = RecordingRateLimiter()
        let bob = try await member(port: 9, rateLimiter: limiter)
        try await introduce(alice, to: bob)
        _ = try await bob.node.receive(alice.signer.sign(type: MeshMessageType.ping, body: [:], to: [bob.did]).bytes, from: "192.0.2.7")
        let takes = await limiter.takes
        #expect(takes.map(\.key) == ["mesh/address/192.0.2.7", "mesh/sender/\(alice.did)"])
        #expect(takes.map(\.limit) == [RateLimit(capacity: 60 * 10, refillPerSecond: 0.001 * 10), RateLimit(capacity: 60, refillPerSecond: 0.001)])
    }

    /// Garbage from one address spends that address's bucket only: a peer at another
    /// address is still heard (the old single shared bucket locked everyone out).
    @Test func aFloodFromOneAddressDoesNotLockOutOthers() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9, burst: 2, rateLimiter: InMemoryRateLimiter())
        try await introduce(alice, to: bob)
        var refused = 0
        for _ in 0..<40 {
            do {
                _ = try await bob.node.receive(Array("{garbage".utf8), from: "198.51.100.9")
            } catch let error as MeshError where error.category == .rateLimited {
                refused += 1
            } catch {}
        }
        // A burst of 2 × 10 before verification: the rest of the flood is refused.
        #expect(refused == 20)
        let reply = try await bob.node.receive(alice.signer.sign(type: MeshMessageType.ping, body: [:], to: [bob.did]).bytes, from: "203.0.113.4")
        #expect(reply.plaintext.type == MeshMessageType.pong)
    }

    @Test func refusedOrFailingRateLimitsRefuseTheMessage() async throws {
        let alice = try await member(port: 9)
        let cases: [(RecordingRateLimiter, String, String?)] = [
            (RecordingRateLimiter(refuse: ["mesh/address/192.0.2.7"]), "rate_limited", "192.0.2.7 sends too many messages; slow down"),
            (RecordingRateLimiter(fails: true), "rate_limit_unavailable", nil),
        ]
        for (limiter, code, message) in cases {
            let bob = try await member(port: 9, rateLimiter: limiter)
            try await introduce(alice, to: bob)
            let refusal = await #expect(throws: MeshError.self) {
                try await bob.node.receive(alice.signer.sign(type: MeshMessageType.ping, body: [:], to: [bob.did]).bytes, from: "192.0.2.7")
            }
            #expect(refusal?.code == code)
            if let message { #expect(refusal?.message == message) }
            // Refused before parsing: the sender's bucket is never asked.
            #expect(await limiter.takes.map(\.key) == ["mesh/address/192.0.2.7"])
        }
        let limiter = RecordingRateLimiter(refuse: ["mesh/sender/\(alice.did)"])
        let bob = try await member(port: 9, rateLimiter: limiter)
        try await introduce(alice, to: bob)
        let refusal = await #expect(throws: MeshError.self) {
            try await bob.node.receive(alice.signer.sign(type: MeshMessageType.ping, body: [:], to: [bob.did]).bytes)
        }
        #expect(refusal?.code == "rate_limited")
        #expect(refusal?.message == "\(alice.did) sent too many messages; slow down")
        #expect(refusal?.category == .rateLimited)
    }
}
