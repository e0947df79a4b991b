import ArgumentParser
import Foundation
import Logging
import TauCore
import TauLedger
import TauNode

struct EscrowReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Pay the result an escrow holds (as its payer, or deciding a dispute as its agent).",
        discussion: "Needed when [delegation] auto_release is false, or to settle a dispute in the payee's favour.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await EscrowDecision.run(homeOptions, passphraseOptions) { delegator in try await delegator.release(id) }
    }
}

struct EscrowDisputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Contest the result an escrow holds; the funds stay held until its agent decides.",
        discussion: "Without a decision within [delegation] dispute_window_seconds the funds return to this node.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Option(help: "Why the result is contested (sent to the payee).")
    var reason: String = "the result does not do the task"

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await EscrowDecision.run(homeOptions, passphraseOptions) { delegator in try await delegator.dispute(id, reason: reason) }
    }
}

/// Opens the node as a payer, runs a decision and reports it.
enum EscrowDecision {
    static func run(
        _ homeOptions: HomeOptions, _ passphraseOptions: PassphraseOptions,
        _ decide: @Sendable (Delegator) async throws -> (escrow: Escrow, delivered: Bool)
    ) async throws {
        try await homeOptions.withContext { context in
            let signer = LocalSigner(context: context, passphrase: try passphraseOptions.passphrase())
            let logger = Logger(label: "tau.escrow")
            let delegator = context.delegator(node: try await context.meshNode(signer: signer, logger: logger), logger: logger)
            let (escrow, delivered) = try await decide(delegator)
            if homeOptions.json {
                Output.json(["escrow": EscrowCommand.json(escrow), "delivered": .bool(delivered)])
            } else {
                Output.line("escrow \(escrow.id) is \(escrow.state.rawValue)")
                if !delivered { Output.standardError("the payee has not answered yet; `tau-node serve` keeps delivering it\n") }
            }
        }
    }
}
