import Foundation
import Logging
import TauCore
import TauCrypto
import TauLedger
import TauMesh
import TauProviders

extension DelegationDesk {
    /// `model/complete` (`Specs/mesh.md` section 16): runs a paid model call for a peer through
    /// this node's routes and answers with a signed `model/result` invoicing the tokens used.
    func serveModel(_ context: MeshContext, service: ModelService) async throws -> MeshReply {
        let message = context.message
        let body = try DelegationBody(message.plaintext.body)
        let id = try body.escrowID()
        let model = try body.string("model", limit: 128)
        guard settings.serveModels.contains(model) else {
            throw MeshError("model_not_offered", "this node does not serve \(model) to peers", category: .notFound)
        }
        let hops = try body.integer("hops", in: 0...DelegationProtocol.maximumHops)
        let visited = try body.visited()
        guard hops >= 1 else { throw MeshError("hop_limit_exceeded", "the call has no hops left", category: .conflict) }
        guard !visited.contains(did.description) else { throw MeshError("task_loop", "the call went through \(did) already", category: .conflict) }
        guard let wire = body.json["request"], case .object = wire else { throw MeshError("body_invalid", "request must be a chat-completions body") }
        let escrow = try await escrow(id, side: .payee)
        guard escrow.payer == context.sender.description else {
            throw MeshError("escrow_signer_wrong", "escrow \(id) was opened by another payer", category: .unauthorized)
        }
        guard !escrow.state.isFinal else { throw MeshError("escrow_settled", "escrow \(id) was \(escrow.state.rawValue) already", category: .conflict) }
        guard DelegationProtocol.jsonHash(wire) == escrow.taskHash else {
            throw MeshError("task_hash_mismatch", "the call is not the one escrow \(id) pays for", category: .conflict)
        }
        var request: ChatRequest
        do {
            request = try OpenAIChatFormat.decodeRequest(wire).request
        } catch {
            throw MeshError("body_invalid", "request: \(error.message)")
        }
        request.model = model
        try await keep(message.message, escrow: id)
        let (me, requestID) = (did.description, message.plaintext.id)
        let response: ChatResponse
        do {
            let routed = try await MeshHop.$current.withValue((hops - 1, visited + [context.sender.description])) {
                try await service.complete(request, context: CallContext())
            }
            response = routed.value
        } catch {
            // Nothing to sell: the payer gets its hold back.
            _ = try? await transition(id, side: .payee) { escrow, time throws(LedgerError) in
                try escrow.refund(signer: me, messageID: requestID, now: time)
            }
            throw MeshError("model_failed", "\(model) failed here: \((error as? any TauError)?.code ?? "error")", category: .unavailable)
        }
        let tokens = max(0, response.usage.inputTokens) + max(0, response.usage.outputTokens)
        let cost = (try? Money.cost(of: [(tokens, settings.modelPricePerMillion)], currency: settings.modelPricePerMillion.currency))
            ?? escrow.amount
        let invoice = Money(microunits: min(cost.microunits, escrow.amount.microunits), currency: escrow.amount.currency)
        let encoded = OpenAIChatFormat.encodeResponse(
            response, id: response.id.isEmpty ? "chatcmpl-\(id)" : response.id, model: model, created: Int(now().timeIntervalSince1970))
        let hash = DelegationProtocol.jsonHash(encoded)
        _ = try await transition(id, side: .payee) { escrow, _ throws(LedgerError) in
            try escrow.result(hash: hash, invoice: invoice, signer: me, messageID: requestID)
        }
        return MeshReply(
            type: DelegationMessageType.modelResult,
            body: [
                "escrow": .string(id), "response": encoded, "result_hash": .string(hash), "invoice": .microunits(invoice),
                "currency": .string(invoice.currency.code),
            ])
    }
}

extension NodeContext {
    /// The `model/complete` handler, answering with `service` (the node's routes).
    func modelHandler(service: ModelService, logger: Logging.Logger) -> any MeshHandler {
        DeskHandler(messageType: DelegationMessageType.modelComplete) { context in
            try await delegationDesk(node: context.node, logger: logger).serveModel(context, service: service)
        }
    }
}
