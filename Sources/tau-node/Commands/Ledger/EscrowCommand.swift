import ArgumentParser
import Foundation
import TauCore
import TauLedger
import TauNode

struct EscrowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escrow", abstract: "The escrows this node pays or is paid through.",
        subcommands: [EscrowListCommand.self, EscrowShowCommand.self, EscrowReleaseCommand.self, EscrowRefundCommand.self, EscrowDisputeCommand.self, EscrowReceiptsCommand.self])

    static func json(_ escrow: Escrow) -> JSONValue {
        [
            "id": .string(escrow.id), "side": .string(escrow.side.rawValue), "state": .string(escrow.state.rawValue),
            "payer": .string(escrow.payer), "payee": .string(escrow.payee), "agent": .string(escrow.agent), "amount": .amount(escrow.amount),
            "currency": .string(escrow.amount.currency.code), "invoice": escrow.invoice.map(JSONValue.amount) ?? .null,
            "task_hash": .string(escrow.taskHash), "result_hash": escrow.resultHash.map(JSONValue.string) ?? .null,
            "deadline": .string(Timestamp.format(escrow.deadline)),
            "dispute_deadline": escrow.disputeDeadline.map { .string(Timestamp.format($0)) } ?? .null,
            "receipts": .array(escrow.receipts.map(JSONValue.string)),
        ]
    }
}

struct EscrowListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Escrows, the most recently changed first.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "How many escrows to list.")
    var limit: Int = 20

    func run() async throws {
        try await homeOptions.withContext { context in
            let escrows = try await context.store.escrows.list(limit: max(1, min(limit, 10_000)))
            if homeOptions.json {
                Output.json(["escrows": .array(escrows.map(EscrowCommand.json))])
                return
            }
            guard !escrows.isEmpty else { return Output.line("No escrows yet.") }
            var rows = [["ID", "SIDE", "STATE", "AMOUNT", "INVOICE", "DEADLINE", "PEER"]]
            for escrow in escrows {
                rows.append([
                    escrow.id, escrow.side.rawValue, escrow.state.rawValue, escrow.amount.decimalString, escrow.invoice?.decimalString ?? "-",
                    Timestamp.format(escrow.deadline), escrow.side == .payer ? escrow.payee : escrow.payer,
                ])
            }
            Output.columns(rows)
        }
    }
}

struct EscrowShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One escrow, with its receipts and ledger entries.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The escrow id (esc_…).")
    var id: String

    func run() async throws {
        try await homeOptions.withContext { context in
            var found: [Escrow] = []
            for side in [Escrow.Side.payer, .payee] {
                if let escrow = try await context.store.escrows.escrow(id, side: side) { found.append(escrow) }
            }
            guard !found.isEmpty else { throw LedgerError("escrow_not_found", "no escrow \(id.prefix(64))", category: .notFound) }
            let entries = try await context.store.ledger.entries(escrowID: id, limit: 100)
            if homeOptions.json {
                Output.json(["escrows": .array(found.map(EscrowCommand.json)), "entries": .array(entries.map(WalletHistoryCommand.json))])
                return
            }
            for escrow in found {
                Output.table(
                    [
                        ("id", escrow.id), ("side", escrow.side.rawValue), ("state", escrow.state.rawValue), ("payer", escrow.payer),
                        ("payee", escrow.payee), ("agent", escrow.agent), ("amount", WalletCommand.amount(escrow.amount)),
                        ("invoice", escrow.invoice.map(WalletCommand.amount) ?? "-"), ("deadline", Timestamp.format(escrow.deadline)),
                        ("receipts", escrow.receipts.joined(separator: ", ")),
                    ])
            }
            for entry in entries {
                Output.line("\(Timestamp.format(entry.time))  \(entry.kind.rawValue)  " + entry.postings.map { "\($0.account) \($0.amount.decimalString)" }.joined(separator: ", "))
            }
        }
    }
}
