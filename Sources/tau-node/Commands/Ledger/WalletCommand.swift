import ArgumentParser
import Foundation
import TauCore
import TauCrypto
import TauLedger
import TauNode

struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "The node's credits: balance, history, and operator top-ups.",
        discussion: "Every move of credits is a balanced ledger entry in the node's store (Specs/escrow.md).",
        subcommands: [WalletBalanceCommand.self, WalletHistoryCommand.self, WalletCreditCommand.self])

    static func amount(_ money: Money) -> String {
        money.currency == .credits ? money.decimalString + " credits" : money.formatted()
    }
}

struct WalletBalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "What the node may spend, what it holds in escrow, and what it paid and earned.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        try await homeOptions.withContext { context in
            let balances = try await context.store.ledger.balances(currency: .credits)
            func sum(_ prefix: String) -> Int64 {
                balances.filter { $0.key.name.hasPrefix(prefix) }.reduce(0) { $0 + $1.value.microunits }
            }
            let wallet = Money(microunits: balances[.wallet]?.microunits ?? 0, currency: .credits)
            let held = Money(microunits: sum("escrow/"), currency: .credits)
            let paid = Money(microunits: sum("paid/"), currency: .credits)
            let earned = Money(microunits: -sum("earned/"), currency: .credits)
            let toppedUp = Money(microunits: -(balances[.topUp]?.microunits ?? 0), currency: .credits)
            if homeOptions.json {
                Output.json([
                    "currency": "credits", "wallet": .amount(wallet), "held_in_escrow": .amount(held), "paid": .amount(paid),
                    "earned": .amount(earned), "topped_up": .amount(toppedUp),
                ])
            } else {
                Output.table([
                    ("wallet", WalletCommand.amount(wallet)), ("held in escrow", WalletCommand.amount(held)),
                    ("paid to peers", WalletCommand.amount(paid)), ("earned from peers", WalletCommand.amount(earned)),
                    ("topped up", WalletCommand.amount(toppedUp)),
                ])
            }
        }
    }
}

struct WalletHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Ledger entries, the most recent first.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "How many entries to list.")
    var limit: Int = 20

    @Option(help: ArgumentHelp("Only the entries of this escrow.", valueName: "id"))
    var escrow: String?

    func run() async throws {
        try await homeOptions.withContext { context in
            let entries = try await context.store.ledger.entries(escrowID: escrow, limit: max(1, min(limit, 10_000)))
            if homeOptions.json {
                Output.json(["entries": .array(entries.map(Self.json))])
                return
            }
            guard !entries.isEmpty else { return Output.line("No ledger entries yet; `tau-node wallet credit <amount>` adds credits.") }
            var rows = [["TIME", "KIND", "ESCROW", "POSTINGS", "MEMO"]]
            for entry in entries {
                let postings = entry.postings.map { "\($0.account) \($0.amount.isPositive ? "+" : "")\($0.amount.decimalString)" }.joined(separator: ", ")
                rows.append([Timestamp.format(entry.time), entry.kind.rawValue, entry.escrowID ?? "-", postings, entry.memo.isEmpty ? "-" : entry.memo])
            }
            Output.columns(rows)
        }
    }

    static func json(_ entry: LedgerEntry) -> JSONValue {
        [
            "id": .string(entry.id), "idempotency_key": .string(entry.idempotencyKey), "kind": .string(entry.kind.rawValue),
            "escrow_id": entry.escrowID.map(JSONValue.string) ?? .null, "memo": .string(entry.memo), "time": .string(Timestamp.format(entry.time)),
            "postings": .array(
                entry.postings.map {
                    ["account": .string($0.account.name), "amount": .amount($0.amount), "currency": .string($0.amount.currency.code)]
                }),
        ]
    }
}

struct WalletCreditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit",
        abstract: "Add credits to the wallet (an operator top-up, for testing and demos).",
        discussion: "With --key, repeating the command with the same key adds the credits once.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "How many credits, e.g. 25 or 0.5 (up to six decimal places).")
    var amount: String

    @Option(help: "An idempotency key: the same key credits once (default: a new one).")
    var key: String?

    @Option(help: "A note kept with the entry.")
    var memo: String = "operator top-up"

    func run() async throws {
        try await homeOptions.withContext { context in
            let credits = try Money(parsing: amount, currency: .credits)
            let entry = try LedgerEntry.transfer(
                credits, from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: key ?? "topup/" + Hex.encode(SecureRandom.bytes(12)),
                memo: memo, time: context.clock.now())
            let stored = try await context.store.ledger.post(entry)
            let wallet = try await context.store.ledger.balance(of: .wallet, currency: .credits)
            if homeOptions.json {
                Output.json(["entry": WalletHistoryCommand.json(stored), "wallet": .amount(wallet), "repeated": .bool(stored.id != entry.id)])
            } else {
                Output.line(stored.id == entry.id ? "credited \(WalletCommand.amount(credits)); wallet \(WalletCommand.amount(wallet))"
                    : "already credited under this key; wallet \(WalletCommand.amount(wallet))")
            }
        }
    }
}
