import ArgumentParser
import Foundation
import Logging
import TauCore
import TauEnvelope
import TauIdentity
import TauLedger
import TauNode

struct EscrowReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Pay the result an escrow holds (as its payer, or deciding a dispute as its agent).",
        discussion: "Needed when [delegation] auto_release is false, or to settle a dispute in the payee's favour. Run again to resend an agent's decision to a party that missed it.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await EscrowDecision.run(homeOptions, passphraseOptions) { delegator in try await delegator.decide(id, release: true) }
    }
}

struct EscrowRefundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Give an escrow's funds back to its payer, deciding as its escrow agent.",
        discussion: "The escrow's agent is its payer unless both parties named a third node. Run again to resend the decision to a party that missed it.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await EscrowDecision.run(homeOptions, passphraseOptions) { delegator in try await delegator.decide(id, release: false) }
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

struct EscrowReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "Write an escrow's signed messages, with their signers' DID logs, as a receipt bundle.",
        discussion: "Check the bundle anywhere, offline, with `tau-node receipts verify <file>` (docs/receipts.md).")

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the bundle to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await homeOptions.withContext { context in
            let kept = try await context.store.receipts.receipts(of: id)
            guard !kept.isEmpty else { throw LedgerError("escrow_not_found", "no receipts of escrow \(id.prefix(64))", category: .notFound) }
            var logs: [DID: String] = [:]
            for signer in Set(kept.map(\.signer)) {
                guard let did = try? DID(signer), did.method == "tau" else { continue }
                if let lines = try await context.logs.storedJSONLines(for: did) { logs[did] = lines }
            }
            let bundle = try ReceiptBundle(escrow: id, messages: kept.map { Array($0.message.utf8) }, logs: logs)
            if let output {
                try AtomicFile.write(String(decoding: bundle.bytes, as: UTF8.self) + "\n", to: output)
                Output.standardError("wrote \(kept.count) receipts of \(id) to \(output)\n")
            } else {
                Output.line(String(decoding: bundle.bytes, as: UTF8.self))
            }
        }
    }
}
