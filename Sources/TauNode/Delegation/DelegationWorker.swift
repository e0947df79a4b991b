import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauMesh

/// What became of a payee's task: the agent's answer, its failure (with the reason code sent
/// to the payer), the escrow's deadline passing first, or the payer's `task/cancel`.
enum TaskOutcome: Sendable {
    case answered(String)
    case failed(code: String, message: String)
    case deadlinePassed
    case cancelled

    /// The reason code of a task its deadline ended, sent to the payer and kept on the record.
    static let deadlineCode = "task_deadline"
}

/// Runs one delegated task (the node's agent under `[delegation]`'s policy). Returns when the
/// task is done or the calling task is cancelled.
typealias TaskRunner = @Sendable (Delegation) async -> TaskOutcome

/// Works the delegation queue on every `serve` replica (`Specs/mesh.md` section 15.5): claims
/// records with work due (a payee's tasks to run, results, refunds, releases and disputes to
/// deliver), one replica per record, and renews the claim while it works. A replica that dies
/// loses nothing: its claims run out and another replica takes the records.
struct DelegationWorker: Service {
    let desk: DelegationDesk
    let runner: TaskRunner
    let replica: String
    let clock: NodeClock
    let interval: Duration
    /// Claims last this long; a working replica renews them every third of it.
    static let lease: TimeInterval = 30

    func run() async throws {
        let active = ActiveCount()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let room = desk.settings.maxConcurrent - active.value
                if room > 0 {
                    do {
                        for claimed in try await desk.delegations.claimDue(now: clock.now(), lease: Self.lease, claimer: replica, limit: room) {
                            active.add(1)
                            group.addTask {
                                await process(claimed)
                                active.add(-1)
                            }
                        }
                    } catch {
                        desk.logger.warning("could not claim delegated work", metadata: ["error": "\(error)"])
                    }
                }
                do {
                    try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
                } catch {
                    break
                }
            }
            group.cancelAll()
        }
    }

    func process(_ delegation: Delegation) async {
        switch delegation.work {
        case .run: await work(delegation)
        case .deliver: await deliver(delegation)
        case nil: break
        }
    }

    /// Payee: runs the task while renewing the claim, then signs the result (or gives up with a
    /// refund) and delivers it.
    func work(_ claimed: Delegation) async {
        var task = claimed
        guard clock.now() < task.deadline else {
            // Its escrow's timer refunds it; there is no time left to earn it.
            task.state = .expired
            task.errorCode = TaskOutcome.deadlineCode
            task.schedule(nil, at: nil)
            _ = try? await desk.delegations.save(task, claimer: replica)
            return
        }
        task.state = .running
        task.updated = clock.now()
        guard (try? await desk.delegations.save(task, claimer: replica)) == true else { return }
        let running = task
        let outcome = await withTaskGroup(of: TaskOutcome?.self) { group in
            group.addTask { await runner(running) }
            group.addTask {
                // Lease renewal; a cleared claim (task/cancel) or a passed deadline stops the run.
                while !Task.isCancelled {
                    try? await clock.sleep(for: .seconds(Self.lease / 3))
                    if Task.isCancelled { return nil }
                    let now = clock.now()
                    if now >= running.deadline { return .deadlinePassed }
                    let held = (try? await desk.delegations.extendClaim(running.id, role: .payee, claimer: replica, until: now.addingTimeInterval(Self.lease)))
                    if held == false { return .cancelled }
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let outcome else { return }
        do {
            try await finish(task, outcome)
        } catch {
            // Settled meanwhile (its deadline passed) or the store failed: the task is over either
            // way; running it again could not be paid.
            desk.logger.warning("a delegated task could not be finished", metadata: ["escrow": "\(task.id)", "error": "\(error)"])
            var failed = task
            failed.state = .failed
            failed.errorCode = (error as? any TauError)?.code ?? "task_failed"
            failed.schedule(nil, at: nil)
            failed.updated = clock.now()
            _ = try? await desk.delegations.save(failed, claimer: replica)
        }
    }

    private func finish(_ task: Delegation, _ outcome: TaskOutcome) async throws {
        let payer = try DID(task.peer)
        let me = desk.did.description
        var done = task
        switch outcome {
        case .answered(let text):
            let invoice = min(desk.settings.price.microunits, task.price.microunits)
            let invoiceMoney = Money(microunits: invoice, currency: task.price.currency)
            let hash = DelegationProtocol.resultHash(text)
            let signed = try await desk.node.signed(
                type: DelegationMessageType.result, body: DelegationDesk.resultBody(task.id, text, hash, invoiceMoney), to: payer)
            try await desk.keep(signed, escrow: task.id)
            let messageID = signed.plaintext.id
            _ = try await desk.transition(task.id, side: .payee) { escrow, _ throws(LedgerError) in
                try escrow.result(hash: hash, invoice: invoiceMoney, signer: me, messageID: messageID)
            }
            done.state = .done
            done.result = text
            done.resultHash = hash
            done.invoice = invoiceMoney
        case .cancelled:
            return  // task/cancel refunded it already
        case .failed, .deadlinePassed:
            let (code, message, state): (String, String, Delegation.State) =
                switch outcome {
                case .failed(let code, let message): (code, message, .failed)
                default: (TaskOutcome.deadlineCode, "the escrow's deadline passed", .expired)
                }
            let signed = try await desk.node.signed(
                type: DelegationMessageType.escrowRefund, body: ["escrow": .string(task.id), "reason": .string(code)], to: payer)
            try await desk.keep(signed, escrow: task.id)
            let messageID = signed.plaintext.id
            _ = try await desk.transition(task.id, side: .payee) { escrow, time throws(LedgerError) in
                try escrow.refund(signer: me, messageID: messageID, now: time)
            }
            done.state = state
            done.errorCode = code
            done.detail = String(message.prefix(500))
        }
        done.updated = clock.now()
        done.schedule(.deliver, at: clock.now())
        done.claimedBy = replica  // keep the claim while delivering at once
        done.claimedUntil = clock.now().addingTimeInterval(Self.lease)
        guard try await desk.delegations.save(done, claimer: replica) else { return }
        await deliver(done)
    }

    func deliver(_ record: Delegation) async {
        await desk.deliver(record, claimer: replica)
    }

}

/// How many records a worker is processing.
private final class ActiveCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ delta: Int) { count.withLock { $0 += delta } }
}
