import Foundation
import Logging
import ServiceLifecycle
import TauCore
import TauLedger

/// Wakes due escrows while the server runs, and once at start-up: refunds escrows past their
/// deadline without a result and disputes nobody decided in time (`Specs/escrow.md` §8).
/// Every replica runs one; an escrow's version makes sure each is settled once.
struct EscrowTimerService: Service {
    let book: EscrowBook
    let clock: NodeClock
    let interval: Duration
    let logger: Logger
    /// Told of every escrow a timer settled (the payer's record and the peer's reputation).
    var onSettled: @Sendable (Escrow) async -> Void = { _ in }

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                for escrow in try await book.wakeDue() {
                    logger.info("escrow settled by its timer", metadata: ["escrow": "\(escrow.id)", "state": "\(escrow.state.rawValue)"])
                    await onSettled(escrow)
                }
            } catch {
                // A store that is down now is tried again on the next tick; nothing is lost.
                logger.warning("could not wake due escrows", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
