import Foundation
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh
import TauProviders

/// How far a model call that came in over the mesh may still travel: a node serving
/// `model/complete` runs its routes with the message's hops and visited list, so that its own
/// mesh route (if every local one fails) carries them on and a loop ends at the hop limit.
enum MeshHop {
    @TaskLocal static var current: (hops: Int, visited: [String])?
}

/// The mesh route of a model (`Specs/mesh.md` section 16): a peer that advertises
/// `model:<name>` answers the call, paid through an escrow of at most
/// `[delegation] fallback_max_price`, invoiced by the tokens it used.
struct MeshModelClient: ModelClient {
    let link: MeshModelLink
    let model: String
    /// How long a peer may take to answer one call.
    static let timeout: Duration = .seconds(120)

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        guard let desk = link.desk else { throw UpstreamFailure(.routeUnavailable, message: "the mesh is off", isLocal: true) }
        let hop = MeshHop.current ?? (DelegationProtocol.maximumHops, [])
        guard hop.hops >= 1 else { throw UpstreamFailure(.routeUnavailable, message: "the call has no mesh hops left", isLocal: true) }
        let visited = Set(hop.visited + [desk.did.description])
        let peers = try await desk.node.peers(offering: MeshModelLink.capabilityPrefix + model).filter { !visited.contains($0.did.description) }
        guard !peers.isEmpty else { throw UpstreamFailure(.routeUnavailable, message: "no peer serves \(model)", isLocal: true) }
        let price = desk.settings.fallbackMaximumPrice
        var scores: [String: ReputationScore] = [:]
        for peer in peers {
            let key = peer.did.description
            scores[key] = desk.reputationModel.score(key, evidence: try await desk.reputation.evidence(about: key, limit: 1_000), now: desk.now())
        }
        let chosen: ReputationModel.Candidate
        do {
            chosen = try desk.reputationModel.choose(
                peers.map { ReputationModel.Candidate(peer: $0.did.description, price: price) }, scores: scores, maximumPrice: price)
        } catch {
            throw UpstreamFailure(.routeUnavailable, message: error.message, isLocal: true)
        }
        guard let peer = peers.first(where: { $0.did.description == chosen.peer }) else {
            throw UpstreamFailure(.routeUnavailable, message: "no peer serves \(model)", isLocal: true)
        }
        var wire = OpenAIChatFormat.encode(request, stream: false, dialect: .openAI)
        if case .object(var members) = wire {
            members["model"] = .string(model)
            wire = .object(members)
        }
        let hash = DelegationProtocol.jsonHash(wire)
        let started = desk.now()
        let id: String
        do {
            id = try await desk.openHold(
                payee: peer.did, at: peer.endpoint, amount: price, skill: "model:\(model)", prompt: model, taskHash: hash,
                deadline: started.addingTimeInterval(Self.timeout.timeInterval + 30))
        } catch {
            throw Self.failure(error)
        }
        let body: JSONValue = [
            "escrow": .string(id), "model": .string(model), "request": wire, "hops": .number(Double(hop.hops)),
            "visited": .array(hop.visited.map(JSONValue.string)),
        ]
        let reply: VerifiedMessage
        do {
            let (sent, answer) = try await desk.node.request(
                type: DelegationMessageType.modelComplete, body: body, to: peer.did, at: peer.endpoint, timeout: Self.timeout)
            try await desk.keep(sent, escrow: id)
            reply = answer
        } catch {
            try? await desk.giveUp(id, because: error)
            throw Self.failure(error)
        }
        do {
            let response = try await pay(for: reply, escrow: id, payee: peer.did, started: started, desk: desk)
            return try OpenAIChatFormat.decodeResponse(response)
        } catch {
            throw Self.failure(error)
        }
    }

    /// Checks the peer's `model/result`, records it, releases the invoice and delivers the release.
    private func pay(for reply: VerifiedMessage, escrow id: String, payee: DID, started: Date, desk: DelegationDesk) async throws -> JSONValue {
        guard reply.plaintext.type == DelegationMessageType.modelResult else {
            throw MeshError("reply_invalid", "\(payee) answered model/complete with \(reply.plaintext.type)", category: .unavailable)
        }
        let body = try DelegationBody(reply.plaintext.body)
        guard try body.escrowID() == id, let response = body.json["response"], case .object = response else {
            throw MeshError("body_invalid", "model/result must name the escrow and carry the response")
        }
        let hash = try body.string("result_hash", limit: 64)
        let invoice = try body.amount("invoice")
        guard DelegationProtocol.jsonHash(response) == hash else {
            throw MeshError("result_hash_mismatch", "result_hash is not the SHA-256 of the response")
        }
        try await desk.keep(reply.message, escrow: id)
        let (signer, messageID) = (payee.description, reply.plaintext.id)
        _ = try await desk.transition(id, side: .payer) { escrow, _ throws(LedgerError) in
            try escrow.result(hash: hash, invoice: invoice, signer: signer, messageID: messageID)
        }
        await desk.record(.success, peer: signer, escrow: id, latency: .seconds(max(0, desk.now().timeIntervalSince(started))), receipt: messageID)
        _ = try await desk.releaseAsPayer(id)
        if let record = try await desk.delegations.delegation(id, role: .payer) { await desk.deliver(record, claimer: nil) }
        return response
    }

    /// The whole answer as a stream: the peer answers in one message.
    func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let response = try await complete(request)
        return AsyncThrowingStream { continuation in
            continuation.yield(.start(id: response.id, model: response.model))
            for part in response.message.content {
                switch part {
                case .text(let text, _): continuation.yield(.text(text))
                case .thinking(let text, let signature): continuation.yield(.thinking(text, signature: signature))
                case .redactedThinking(let data): continuation.yield(.redactedThinking(data))
                case .image: break
                }
            }
            for (index, call) in response.message.toolCalls.enumerated() {
                continuation.yield(.toolCallStart(index: index, id: call.id, name: call.name))
                continuation.yield(.toolCallArguments(index: index, fragment: call.arguments))
            }
            continuation.yield(.usage(response.usage))
            continuation.yield(.finish(response.finishReason))
            continuation.finish()
        }
    }

    /// A mesh failure as the router reads it: this route failed, the chain may go on.
    static func failure(_ error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        let text = (error as? any TauError).map { "\($0.code): \($0.message)" } ?? "\(error)"
        return UpstreamFailure(.routeUnavailable, message: "the mesh route failed: \(text)", isLocal: true)
    }
}
