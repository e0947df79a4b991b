import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

/// A ``MeshHandler`` made of a type and a function.
struct DeskHandler: MeshHandler {
    let messageType: String
    let body: @Sendable (MeshContext) async throws -> MeshReply

    func handle(_ context: MeshContext) async throws -> MeshReply { try await body(context) }
}

extension DelegationDesk {
    /// The message types the desk answers (`Specs/mesh.md` section 15).
    static let types = [
        DelegationMessageType.quote, DelegationMessageType.escrowOpen, DelegationMessageType.request, DelegationMessageType.result,
        DelegationMessageType.escrowRelease, DelegationMessageType.escrowRefund, DelegationMessageType.escrowDispute,
        DelegationMessageType.cancel,
    ]

    /// Answers one message of one of ``types``.
    func handle(_ type: String, _ context: MeshContext) async throws -> MeshReply {
        switch type {
        case DelegationMessageType.quote: try await quote(context)
        case DelegationMessageType.escrowOpen: try await open(context)
        case DelegationMessageType.request: try await request(context)
        case DelegationMessageType.result: try await result(context)
        case DelegationMessageType.escrowRelease: try await release(context)
        case DelegationMessageType.escrowRefund: try await refund(context)
        case DelegationMessageType.escrowDispute: try await dispute(context)
        case DelegationMessageType.cancel: try await cancel(context)
        default: throw MeshError("unsupported_type", "no handler for \(type)")
        }
    }

    /// Refuses tasks when `[delegation] accept_tasks` is off, and tasks that looped or ran out of hops.
    func admitTask(_ body: DelegationBody) throws -> (skill: String, hops: Int, visited: [String]) {
        guard settings.acceptTasks else {
            throw MeshError("task_declined", "\(did) does not take paid tasks", category: .unavailable)
        }
        let skill = try body.string("skill", limit: 64)
        guard skill == "agent" else { throw MeshError("skill_unknown", "this node offers the skill agent, not \(skill)", category: .notFound) }
        let hops = try body.integer("hops", in: 0...DelegationProtocol.maximumHops)
        let visited = try body.visited()
        guard hops >= 1 else { throw MeshError("hop_limit_exceeded", "the task has no hops left", category: .conflict) }
        guard !visited.contains(did.description) else {
            throw MeshError("task_loop", "the task went through \(did) already", category: .conflict)
        }
        return (skill, hops, visited)
    }

    // MARK: payee

    func quote(_ context: MeshContext) async throws -> MeshReply {
        let body = try DelegationBody(context.message.plaintext.body)
        let (skill, _, _) = try admitTask(body)
        let hash = try body.string("task_hash", limit: 64)
        if body.json["max_price"] != nil {
            let ceiling = try body.amount("max_price")
            if ceiling.currency != settings.price.currency || ceiling.microunits < settings.price.microunits {
                throw MeshError("price_above_maximum", "this node asks \(settings.price.formatted()) per task", category: .conflict)
            }
        }
        return MeshReply(
            type: DelegationMessageType.quote,
            body: [
                "skill": .string(skill), "task_hash": .string(hash), "price": .microunits(settings.price),
                "currency": .string(settings.price.currency.code), "deadline_seconds": .number(settings.deadline),
            ])
    }

    func open(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let amount = try body.amount("amount")
        let payee = try body.did("payee")
        let agent = try body.did("agent")
        let hash = try body.string("task_hash", limit: 64)
        let deadline = Date(timeIntervalSince1970: TimeInterval(try body.integer("deadline", in: 0...4_102_444_800)))
        let side: Escrow.Side
        if payee == did {
            side = .payee
            guard agent == context.sender || agent == did || settings.escrowAgents.contains(agent.description) else {
                throw MeshError(
                    "escrow_agent_unsupported", "this node accepts the payer, itself or [delegation] escrow_agents as escrow agent",
                    category: .conflict)
            }
        } else if agent == did, payee != context.sender {
            guard settings.serveAsAgent else { throw MeshError("escrow_agent_declined", "this node does not act as an escrow agent", category: .conflict) }
            side = .agent
        } else {
            throw MeshError("escrow_parties_invalid", "the escrow neither pays this node nor names it as agent", category: .conflict)
        }
        guard deadline.timeIntervalSince(now()) <= DelegationProtocol.maximumDeadline + 60 else {
            throw MeshError("deadline_invalid", "a deadline more than a day ahead", category: .invalidInput)
        }
        if let held = try await escrows.escrow(id, side: side) {
            guard held.payer == context.sender.description, held.amount == amount, held.taskHash == hash else {
                throw MeshError("escrow_exists", "escrow \(id) exists with other terms", category: .conflict)
            }
            return Self.receipt(for: message, escrow: id, state: held.state.rawValue)
        }
        do {
            _ = try await book.open(
                id: id, side: side, payer: context.sender.description, payee: payee.description, agent: agent.description, amount: amount,
                taskHash: hash, deadline: deadline, openMessageID: message.plaintext.id)
        } catch let error as LedgerError {
            throw MeshError(error.code, error.message, category: error.category)
        }
        try await keep(message.message, escrow: id)
        return Self.receipt(for: message, escrow: id, state: "held")
    }

    func request(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let (skill, hops, visited) = try admitTask(body)
        let prompt = try body.string("prompt", limit: DelegationProtocol.maximumPromptBytes)
        let replyTo = try body.optionalString("reply_to")
        if let replyTo, !(replyTo.hasPrefix("http://") || replyTo.hasPrefix("https://")) {
            throw MeshError("body_invalid", "reply_to must be an http(s) URL")
        }
        let escrow = try await escrow(id, side: .payee)
        guard escrow.payer == context.sender.description else {
            throw MeshError("escrow_signer_wrong", "escrow \(id) was opened by another payer", category: .unauthorized)
        }
        guard !escrow.state.isFinal else { throw MeshError("escrow_settled", "escrow \(id) was \(escrow.state.rawValue) already", category: .conflict) }
        guard DelegationProtocol.taskHash(skill: skill, prompt: prompt) == escrow.taskHash else {
            throw MeshError("task_hash_mismatch", "the task is not the one escrow \(id) pays for", category: .conflict)
        }
        guard escrow.amount.currency == settings.price.currency, escrow.amount.microunits >= settings.price.microunits else {
            throw MeshError("payment_insufficient", "escrow \(id) holds less than the \(settings.price.formatted()) asked", category: .conflict)
        }
        guard escrow.deadline.timeIntervalSince(now()) >= DelegationProtocol.minimumDeadline else {
            throw MeshError("deadline_invalid", "escrow \(id) ends too soon to do the task", category: .conflict)
        }
        var task = Delegation(
            id: id, role: .payee, peer: context.sender.description, peerEndpoint: replyTo ?? context.claimedEndpoint, skill: skill,
            prompt: prompt, taskHash: escrow.taskHash, price: escrow.amount, deadline: escrow.deadline, hops: hops - 1,
            visited: visited + [context.sender.description], state: .queued, created: now())
        task.schedule(.run, at: now())
        if try await delegations.insert(task) {
            try await keep(message.message, escrow: id)
        }
        let stored = try await delegations.delegation(id, role: .payee)
        return Self.receipt(for: message, escrow: id, state: stored?.state.rawValue ?? "queued")
    }

    func release(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let invoice = try body.amount("invoice")
        let signer = context.sender.description
        let messageID = message.plaintext.id
        // The payer hears of a release only from a third agent deciding a dispute.
        let side: Escrow.Side = try await escrows.escrow(id, side: .payee) == nil ? .payer : .payee
        if side == .payer {
            let held = try await escrow(id, side: .payer)
            guard signer == held.agent, held.agent != did.description else {
                throw MeshError("escrow_signer_wrong", "only the escrow's agent releases it to the payee", category: .unauthorized)
            }
        }
        let escrow = try await transition(id, side: side) { escrow, time throws(LedgerError) in
            try escrow.release(invoice: invoice, signer: signer, messageID: messageID, now: time)
        }
        try await keep(message.message, escrow: id)
        try await update(id, role: side == .payee ? .payee : .payer) {
            $0.state = side == .payee ? .paid : .completed
            $0.schedule(nil, at: nil)
        }
        logger.info("escrow released", metadata: ["escrow": "\(id)", "side": "\(side.rawValue)", "invoice": "\(invoice.formatted())"])
        return Self.receipt(for: message, escrow: id, state: escrow.state.rawValue)
    }

    func dispute(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let (signer, messageID, window) = (context.sender.description, message.plaintext.id, settings.disputeWindow)
        let side: Escrow.Side = try await escrows.escrow(id, side: .agent) != nil ? .agent : .payee
        if side == .agent { try await takeEvidence(body, escrow: id) }
        let escrow = try await transition(id, side: side) { escrow, time throws(LedgerError) in
            try escrow.dispute(signer: signer, messageID: messageID, window: window, now: time)
        }
        try await keep(message.message, escrow: id)
        return Self.receipt(for: message, escrow: id, state: escrow.state.rawValue)
    }

    /// An agent learns the result it is to judge from the payee's signed `task/result` (or
    /// `model/result`), which the payer's dispute carries as `evidence`.
    private func takeEvidence(_ body: DelegationBody, escrow id: String) async throws {
        guard let evidence = body.json["evidence"], case .object = evidence else {
            throw MeshError("evidence_missing", "a dispute sent to the escrow agent carries the payee's signed result as evidence")
        }
        let held = try await escrow(id, side: .agent)
        let result: VerifiedMessage
        do {
            result = try await node.verifyStored(evidence.canonicalBytes())
        } catch {
            throw MeshError("evidence_invalid", "the evidence was refused: \(error.code)", category: .unauthorized)
        }
        let facts = try DelegationBody(result.plaintext.body)
        guard result.plaintext.from.description == held.payee, try facts.escrowID() == id,
            result.plaintext.type == DelegationMessageType.result || result.plaintext.type == DelegationMessageType.modelResult
        else {
            throw MeshError("evidence_invalid", "the evidence is not the payee's result for escrow \(id)", category: .unauthorized)
        }
        let (hash, invoice, payee, resultID) = (try facts.string("result_hash", limit: 64), try facts.amount("invoice"), held.payee, result.plaintext.id)
        _ = try await transition(id, side: .agent) { escrow, _ throws(LedgerError) in
            try escrow.result(hash: hash, invoice: invoice, signer: payee, messageID: resultID)
        }
        try await keep(result.message, escrow: id)
    }

    func cancel(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let id = try DelegationBody(message.plaintext.body).escrowID()
        guard let task = try await delegations.delegation(id, role: .payee), task.peer == context.sender.description else {
            throw MeshError("task_not_found", "no task \(id) from \(context.sender)", category: .notFound)
        }
        guard task.state == .queued || task.state == .running else {
            throw MeshError("task_finished", "task \(id) is \(task.state.rawValue)", category: .conflict)
        }
        // Clearing the claim stops a worker running it: its next lease renewal fails.
        try await update(id, role: .payee) {
            $0.state = .cancelled
            $0.schedule(nil, at: nil)
        }
        let (me, cancelID) = (did.description, message.plaintext.id)
        _ = try await transition(id, side: .payee) { escrow, time throws(LedgerError) in
            try escrow.refund(signer: me, messageID: cancelID, now: time)
        }
        try await keep(message.message, escrow: id)
        return MeshReply(type: DelegationMessageType.escrowRefund, body: ["escrow": .string(id), "reason": .string("cancelled")])
    }

    // MARK: payer

    func result(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let text = try body.string("result", limit: DelegationProtocol.maximumResultBytes)
        let hash = try body.string("result_hash", limit: 64)
        let invoice = try body.amount("invoice")
        guard DelegationProtocol.resultHash(text) == hash else {
            throw MeshError("result_hash_mismatch", "result_hash is not the SHA-256 of the result", category: .invalidInput)
        }
        let held = try await escrow(id, side: .payer)
        if held.state == .released, held.resultHash == hash {
            return Self.receipt(for: message, escrow: id, state: held.state.rawValue)  // a retried delivery
        }
        let (signer, messageID) = (context.sender.description, message.plaintext.id)
        let escrow = try await transition(id, side: .payer) { escrow, _ throws(LedgerError) in
            try escrow.result(hash: hash, invoice: invoice, signer: signer, messageID: messageID)
        }
        try await keep(message.message, escrow: id)
        let stored = try await update(id, role: .payer) {
            $0.result = text
            $0.resultHash = hash
            $0.invoice = invoice
        }
        let latency = stored.map { Duration.seconds(max(0, now().timeIntervalSince($0.created))) }
        await record(.success, peer: signer, escrow: id, latency: latency, receipt: messageID)
        if settings.autoRelease {
            let released = try await releaseAsPayer(id)
            return Self.receipt(for: message, escrow: id, state: released.state.rawValue)
        }
        return Self.receipt(for: message, escrow: id, state: escrow.state.rawValue)
    }

    func refund(_ context: MeshContext) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let reason = try body.optionalString("reason", limit: 64)
        let escrow: Escrow
        if try await escrows.escrow(id, side: .payer) != nil {
            escrow = try await applyRefund(id, signer: context.sender, messageID: message.plaintext.id, reason: reason)
        } else {
            // A payee hears of a refund only from a third agent deciding a dispute.
            let held = try await self.escrow(id, side: .payee)
            guard context.sender.description == held.agent else {
                throw MeshError("escrow_signer_wrong", "only the escrow's agent refunds it to the payer", category: .unauthorized)
            }
            let (signer, messageID) = (context.sender.description, message.plaintext.id)
            escrow = try await transition(id, side: .payee) { escrow, time throws(LedgerError) in
                try escrow.refund(signer: signer, messageID: messageID, now: time)
            }
            try await update(id, role: .payee) { $0.state = .refunded }
        }
        try await keep(message.message, escrow: id)
        return Self.receipt(for: message, escrow: id, state: escrow.state.rawValue)
    }

    /// Applies a refund signed by `signer` to this node's payer side, records the failure.
    func applyRefund(_ id: String, signer: DID, messageID: String, reason: String?) async throws -> Escrow {
        let signerText = signer.description
        let escrow = try await transition(id, side: .payer) { escrow, time throws(LedgerError) in
            try escrow.refund(signer: signerText, messageID: messageID, now: time)
        }
        try await update(id, role: .payer) {
            $0.state = .refunded
            $0.errorCode = reason ?? "refunded"
            $0.schedule(nil, at: nil)
        }
        if signerText == escrow.payee { await record(.failure, peer: escrow.payee, escrow: id, receipt: messageID) }
        return escrow
    }

    /// Signs and applies this node's `escrow/release` of the result it holds, and schedules its
    /// delivery to the payee.
    func releaseAsPayer(_ id: String) async throws -> Escrow {
        let held = try await escrow(id, side: .payer)
        guard let invoice = held.invoice, let hash = held.resultHash else {
            throw MeshError("release_without_result", "escrow \(id) has no result to pay", category: .conflict)
        }
        let payee = try DID(held.payee)
        let signed = try await node.signed(type: DelegationMessageType.escrowRelease, body: Self.releaseBody(id, invoice, hash), to: payee)
        try await keep(signed, escrow: id)
        let (me, messageID) = (did.description, signed.plaintext.id)
        let escrow = try await transition(id, side: .payer) { escrow, time throws(LedgerError) in
            try escrow.release(invoice: invoice, signer: me, messageID: messageID, now: time)
        }
        let time = now()
        try await update(id, role: .payer) {
            $0.state = .completed
            $0.schedule(.deliver, at: time)
        }
        return escrow
    }

    static func releaseBody(_ id: String, _ invoice: Money, _ hash: String) -> JSONValue {
        ["escrow": .string(id), "invoice": .microunits(invoice), "currency": .string(invoice.currency.code), "result_hash": .string(hash)]
    }
}
