import ArgumentParser
import Foundation
import Logging
import TauCore
import TauIdentity
import TauMesh
import TauNode

struct DelegateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delegate",
        abstract: "Pay a peer's node to do a task with its agent, through escrow.",
        discussion: """
            Asks the peer (or, with --to auto, every peer offering tasks) for a price, holds it \
            in escrow, hands the task over and waits. The result reaches this node's inbox, so \
            a `tau-node serve` of this node must be running: it verifies the result, pays the \
            invoice and keeps the signed receipts. Without a result by the deadline the hold \
            is refunded and the peer's reputation drops.

            Prints the result on standard output, progress and the cost on standard error. \
            Exits 0 when the task was paid, 75 when it was refunded (timeout, the peer gave \
            up) and with the reason code's status when it could not start.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Option(help: ArgumentHelp("The peer's DID, or auto: the best-reputed peer within the price.", valueName: "did|auto"))
    var to: String

    @Option(help: ArgumentHelp("The most to pay, in credits (e.g. 2.5).", valueName: "credits"))
    var maxPrice: String?

    @Option(help: ArgumentHelp("Seconds the peer has before the hold is refunded (default: the peer's quote).", valueName: "seconds"))
    var timeout: Int?

    @Option(help: ArgumentHelp("A third node to decide disputes (the payee must accept it); default: this node.", valueName: "did"))
    var agent: String?

    @Argument(help: "The task; - reads it from standard input.")
    var task: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        let json = homeOptions.json
        var paid = true
        try await Output.reporting(json: json) {
            let target: Delegator.Target = to == "auto" ? .auto : .peer(try DID(to))
            let ceiling = try maxPrice.map { text throws(CoreError) in try Money(parsing: text, currency: .credits) }
            if let timeout, !(5...86_400).contains(timeout) {
                throw MeshError("timeout_invalid", "--timeout must be 5 to 86400 seconds")
            }
            let prompt = try RunCommand.promptText(task)
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            do {
                paid = try await delegate(context, target, prompt, ceiling)
            } catch {
                await context.close()
                throw error
            }
            await context.close()
        }
        if !paid { throw ExitCode(75) }
    }

    private func delegate(_ context: NodeContext, _ target: Delegator.Target, _ prompt: String, _ ceiling: Money?) async throws -> Bool {
            let json = homeOptions.json
            let signer = LocalSigner(context: context, passphrase: try passphraseOptions.passphrase())
            let logger = Logger(label: "tau.delegate")
            let delegator = context.delegator(node: try await context.meshNode(signer: signer, logger: logger), logger: logger)
            let note: @Sendable (String) -> Void = { line in if !json { Output.standardError("· \(line)\n") } }
            let started = try await delegator.start(
                target, prompt: prompt, maximumPrice: ceiling, timeout: timeout.map(TimeInterval.init), agent: try agent.map { try DID($0) },
                progress: note)
            note("waiting for the result (deadline \(Timestamp.format(started.deadline)))")
            // Leaving does not stop the task: the node's serve pays or refunds it.
            let escrowID = started.id
            let interrupt = InterruptHandler(message: "\n(interrupted — the task goes on; its outcome: tau-node escrow show \(escrowID))\n") {
                Foundation.exit(130)
            }
            defer { interrupt.cancel() }
            let record = try await delegator.wait(for: started.id, clock: context.clock) { record in
                if record.state != .working { note("\(record.state.rawValue)") }
            }
            let receipts = try await context.store.receipts.receipts(of: record.id)
            let held = record.state == .working && record.result != nil  // auto_release is off
            let paid = record.state == .completed || held
            if json {
                Output.json([
                    "escrow": .string(record.id), "peer": .string(record.peer), "state": .string(record.state.rawValue),
                    "result": record.result.map(JSONValue.string) ?? .null, "price": .amount(record.price),
                    "invoice": record.invoice.map(JSONValue.amount) ?? .null, "currency": .string(record.price.currency.code),
                    "error": record.errorCode.map(JSONValue.string) ?? .null, "receipts": .array(receipts.map { .string($0.messageID) }),
                ])
            } else {
                if let result = record.result, paid { Output.line(result) }
                let cost = paid ? (record.invoice?.formatted() ?? "0") : "nothing (refunded)"
                let receipt = receipts.last.map { $0.messageID } ?? "-"
                Output.standardError("\(record.state.rawValue) by \(record.peer) · cost \(cost) · escrow \(record.id) · receipt \(receipt)\n")
                if let code = record.errorCode, !paid { Output.standardError("reason: \(code)\n") }
                if held { Output.standardError("the result is held: pay it with `tau-node escrow release \(record.id)` or contest it with `escrow dispute`\n") }
            }
            return paid
    }
}
