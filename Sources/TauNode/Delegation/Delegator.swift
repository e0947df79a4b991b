import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

/// The payer's side of a paid task (`Specs/mesh.md` section 15.3): quote, choose, hold,
/// hand over, then wait for the result that the node's inbox receives and releases.
public struct Delegator: Sendable {
    let desk: DelegationDesk
    let model: ReputationModel
    let exploration: ReputationModel.Exploration?
    /// Where the payee sends the result, when the node has a public URL.
    let replyTo: String?

    /// Who does the task.
    public enum Target: Sendable, Equatable {
        case peer(DID)
        /// The best-reputed peer offering the skill within the price.
        case auto
    }

    /// A peer's price for one task.
    public struct Quote: Sendable, Equatable {
        public var peer: DID
        public var endpoint: String
        public var price: Money
        public var deadline: TimeInterval
    }

    /// The capability a node advertises when it takes paid tasks.
    public static let capability = "task:agent"

    /// Asks `peer` for its price.
    public func quote(_ peer: DID, at endpoint: String, prompt: String, maximumPrice: Money?) async throws -> Quote {
        var body: [String: JSONValue] = [
            "skill": "agent", "task_hash": .string(DelegationProtocol.taskHash(skill: "agent", prompt: prompt)), "hops": .number(Double(DelegationProtocol.maximumHops)),
            "visited": [], "currency": .string(Currency.credits.code),
        ]
        if let maximumPrice { body["max_price"] = .microunits(maximumPrice) }
        let (_, reply) = try await desk.node.request(type: DelegationMessageType.quote, body: .object(body), to: peer, at: endpoint)
        guard reply.plaintext.type == DelegationMessageType.quote else {
            throw MeshError("reply_invalid", "\(peer) answered a quote with \(reply.plaintext.type)", category: .unavailable)
        }
        let answer = try DelegationBody(reply.plaintext.body)
        let price = try answer.amount("price")
        let seconds = try answer.integer("deadline_seconds", in: 1...Int(DelegationProtocol.maximumDeadline))
        return Quote(peer: peer, endpoint: endpoint, price: price, deadline: TimeInterval(seconds))
    }

    /// Quotes every live peer offering tasks and picks one by reputation, price and latency
    /// (`Specs/mesh.md` section 14a). Fails closed with `no_peer_trusted`.
    public func choose(prompt: String, maximumPrice: Money?, excluding: Set<String> = []) async throws -> Quote {
        let peers = try await desk.node.peers(offering: Self.capability).filter { !excluding.contains($0.did.description) }
        guard !peers.isEmpty else { throw MeshError("no_peer_offers", "no live peer advertises \(Self.capability)", category: .unavailable) }
        let quotes = await withTaskGroup(of: Quote?.self) { group in
            for peer in peers {
                group.addTask { try? await quote(peer.did, at: peer.endpoint, prompt: prompt, maximumPrice: maximumPrice) }
            }
            var quotes: [Quote] = []
            for await quote in group { if let quote { quotes.append(quote) } }
            return quotes
        }
        guard !quotes.isEmpty else { throw MeshError("no_peer_offers", "no peer quoted a price within the maximum", category: .unavailable) }
        var scores: [String: ReputationScore] = [:]
        for quote in quotes {
            let key = quote.peer.description
            scores[key] = model.score(key, evidence: try await desk.reputation.evidence(about: key, limit: 1_000), now: desk.now())
        }
        let chosen = try model.choose(
            quotes.map { ReputationModel.Candidate(peer: $0.peer.description, price: $0.price) }, scores: scores, maximumPrice: maximumPrice,
            exploration: exploration)
        guard let quote = quotes.first(where: { $0.peer.description == chosen.peer }) else {
            throw MeshError("no_peer_offers", "the chosen peer has no quote", category: .internal)
        }
        return quote
    }

    /// Hands `prompt` to the target under a new escrow and returns the record once the payee
    /// has queued it. On a refusal or a dead payee the hold is refunded at once and the
    /// error is thrown.
    /// - Throws: `no_peer_offers`, `no_peer_trusted`, `price_above_maximum`, `insufficient_funds`,
    ///   the peer's refusal (`peer_refused`), `peer_unreachable`.
    /// - Parameter agent: a third node to hold the escrow's disputes (the payee must list it
    ///   in `[delegation] escrow_agents`); nil: this node decides them.
    public func start(
        _ target: Target, prompt: String, maximumPrice: Money?, timeout: TimeInterval?, agent: DID? = nil,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> Delegation {
        guard !prompt.isEmpty, prompt.utf8.count <= DelegationProtocol.maximumPromptBytes else {
            throw MeshError("prompt_invalid", "a task is 1 to \(DelegationProtocol.maximumPromptBytes) bytes")
        }
        let quote: Quote
        switch target {
        case .auto:
            progress("asking peers for quotes")
            quote = try await choose(prompt: prompt, maximumPrice: maximumPrice)
        case .peer(let did):
            guard let endpoint = try await desk.node.endpoint(of: did) else {
                throw MeshError("peer_unknown", "\(did) is not in the peer table; add it with `tau-node peer add`", category: .notFound)
            }
            progress("asking \(did) for a quote")
            quote = try await self.quote(did, at: endpoint, prompt: prompt, maximumPrice: maximumPrice)
        }
        if let maximumPrice, quote.price.currency != maximumPrice.currency || quote.price.microunits > maximumPrice.microunits {
            throw MeshError("price_above_maximum", "\(quote.peer) asks \(quote.price.formatted()), above \(maximumPrice.formatted())", category: .conflict)
        }
        progress("\(quote.peer) asks \(quote.price.formatted())")
        let deadline = desk.now().addingTimeInterval(min(timeout ?? quote.deadline, DelegationProtocol.maximumDeadline))
        var third: (did: DID, endpoint: String)?
        if let agent, agent != desk.did {
            guard let endpoint = try await desk.node.endpoint(of: agent) else {
                throw MeshError("peer_unknown", "the escrow agent \(agent) is not in the peer table", category: .notFound)
            }
            third = (agent, endpoint)
        }
        let id = try await desk.openHold(
            payee: quote.peer, at: quote.endpoint, amount: quote.price, skill: "agent", prompt: prompt,
            taskHash: DelegationProtocol.taskHash(skill: "agent", prompt: prompt), deadline: deadline, agent: third)
        progress("holding \(quote.price.formatted()) in escrow \(id)")
        do {
            var request: [String: JSONValue] = [
                "escrow": .string(id), "skill": "agent", "prompt": .string(prompt), "hops": .number(Double(DelegationProtocol.maximumHops)),
                "visited": [],
            ]
            if let replyTo { request["reply_to"] = .string(replyTo) }
            let (sent, accepted) = try await desk.node.request(
                type: DelegationMessageType.request, body: .object(request), to: quote.peer, at: quote.endpoint)
            try await desk.keep(sent, escrow: id)
            try await desk.keep(accepted.message, escrow: id)
        } catch {
            try await desk.giveUp(id, because: error)
            // The caller learns that an escrow was opened and refunded, and which.
            guard let refused = error as? MeshError else { throw error }
            throw MeshError(
                refused.code, "\(refused.message); escrow \(id) was refunded at once", category: refused.category, cause: refused.cause)
        }
        progress("\(quote.peer) queued the task")
        guard let working = try await desk.update(id, role: .payer, { $0.state = .working }) else {
            throw MeshError("delegation_missing", "the record of \(id) disappeared", category: .internal)
        }
        return working
    }

    /// Waits until the task is settled, disputed or holds a result to release, running due escrow timers itself so that
    /// a deadline refunds even when no `serve` replica runs.
    public func wait(for id: String, poll: Duration = .milliseconds(200), clock: NodeClock, progress: @Sendable (Delegation) -> Void = { _ in })
        async throws -> Delegation
    {
        var last: Delegation.State?
        while true {
            guard let record = try await desk.delegations.delegation(id, role: .payer) else {
                throw MeshError("delegation_not_found", "no delegation \(id)", category: .notFound)
            }
            if record.state != last {
                progress(record)
                last = record.state
            }
            // Settled, disputed, or a verified result held for the operator (auto_release off).
            if record.state.isFinal || record.state == .disputed || (!desk.settings.autoRelease && record.state == .working && record.resultHash != nil) { return record }
            if desk.now() >= record.deadline {
                for escrow in try await desk.book.wakeDue() { await desk.settledByTimer(escrow) }
                let late = desk.now().timeIntervalSince(record.deadline)
                // A result that could not be paid at once stays held for `escrow release`.
                if late >= 30, record.resultHash != nil { return record }
                if late >= 120 {
                    throw MeshError(
                        "delegation_stalled", "escrow \(id) is still \(record.state.rawValue) two minutes after its deadline; see tau-node escrow show \(id)",
                        category: .unavailable)
                }
            }
            try await clock.sleep(for: poll)
        }
    }
}

extension DelegationDesk {
    /// After an escrow timer refunded one of this node's holds: the record is refunded and,
    /// when the payee never answered, the payee gets a `timeout` (`Specs/escrow.md` §8).
    func settledByTimer(_ escrow: Escrow) async {
        guard escrow.side == .payer, escrow.state == .refunded else { return }
        let timedOut = escrow.resultHash == nil
        _ = try? await update(escrow.id, role: .payer) {
            $0.state = .refunded
            $0.errorCode = timedOut ? "timeout" : "dispute_expired"
            $0.schedule(nil, at: nil)
        }
        if timedOut { await record(.timeout, peer: escrow.payee, escrow: escrow.id) }
    }
}

extension Delegator {
    /// Pays the result of escrow `id` (this node pays, or decides a dispute as the escrow's
    /// agent) and delivers the signed release to the payee.
    /// - Returns: whether the payee has it now (otherwise `serve` keeps delivering it).
    /// - Throws: `escrow_not_found`, `release_without_result`, `escrow_settled`, …
    public func release(_ id: String) async throws -> (escrow: Escrow, delivered: Bool) {
        let escrow = try await desk.releaseAsPayer(id)
        return (escrow, try await deliverNow(id))
    }

    /// Contests the result of escrow `id`: the funds stay held until the escrow's agent
    /// decides or the dispute window refunds them.
    public func dispute(_ id: String, reason: String) async throws -> (escrow: Escrow, delivered: Bool) {
        let held = try await desk.escrow(id, side: .payer)
        var body: [String: JSONValue] = ["escrow": .string(id), "reason": .string(String(reason.prefix(500)))]
        var recipients = [try DID(held.payee)]
        let thirdAgent = held.agent == desk.did.description ? nil : try DID(held.agent)
        if let thirdAgent {
            // The agent judges the payee's own signed result.
            let kept = try await desk.receipts.receipts(of: id)
            guard let result = kept.last(where: { $0.type == DelegationMessageType.result && $0.signer == held.payee }),
                let evidence = try? JSONValue(parsing: result.message)
            else { throw MeshError("dispute_without_result", "there is no signed result to dispute", category: .conflict) }
            body["evidence"] = evidence
            recipients.append(thirdAgent)
        }
        let signed = try await desk.node.signed(type: DelegationMessageType.escrowDispute, body: .object(body), to: recipients)
        try await desk.keep(signed, escrow: id)
        let (me, messageID, window) = (desk.did.description, signed.plaintext.id, desk.settings.disputeWindow)
        let escrow = try await desk.transition(id, side: .payer) { escrow, time throws(LedgerError) in
            try escrow.dispute(signer: me, messageID: messageID, window: window, now: time)
        }
        let time = desk.now()
        _ = try await desk.update(id, role: .payer) {
            $0.state = .disputed
            $0.detail = String(reason.prefix(500))
            $0.schedule(.deliver, at: time)
        }
        await desk.record(.dispute, peer: held.payee, escrow: id, receipt: messageID)
        var delivered = try await deliverNow(id)
        if let thirdAgent {
            do {
                guard let endpoint = try await desk.node.endpoint(of: thirdAgent) else { throw MeshError("peer_unknown", "no endpoint for \(thirdAgent)") }
                _ = try await desk.node.send(signed, to: endpoint, expecting: thirdAgent)
            } catch {
                desk.logger.warning("the escrow agent did not take the dispute", metadata: ["escrow": "\(id)", "error": "\(error)"])
                delivered = false
            }
        }
        return (escrow, delivered)
    }

    private func deliverNow(_ id: String) async throws -> Bool {
        guard let record = try await desk.delegations.delegation(id, role: .payer), record.work == .deliver else { return false }
        return await desk.deliver(record, claimer: nil)
    }
}
