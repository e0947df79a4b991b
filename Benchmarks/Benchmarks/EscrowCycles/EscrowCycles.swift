import Benchmark
import Foundation
import Logging
import Synchronization
import TauCore
import TauLedger
import TauStore
import TauTesting

// Escrow cycles through `EscrowBook` on the node's store: each iteration opens an escrow on the
// payer's side (its hold), records the payee's result and releases it, as three stored
// transitions, one after the other, on one store. See docs/escrow-benchmark.md.
let benchmarks: @Sendable () -> Void = {
    let slot = EscrowSlot()

    func configuration(_ backend: EscrowFixture.Backend) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 20, maxDuration: .seconds(10),
            maxIterations: 20_000, setup: { try await slot.open(backend) }, teardown: { await slot.close() })
    }

    for backend in [EscrowFixture.Backend.sqlite, .postgres] {
        Benchmark("escrow open+result+release, \(backend.rawValue)", configuration: configuration(backend)) { benchmark in
            guard let fixture = await slot.current() else { return benchmark.error("the fixture was not set up") }
            await fixture.measuredCycle(benchmark)
        }
    }
}

/// A store and a funded payer wallet for one benchmark.
final class EscrowFixture: Sendable {
    enum Backend: String, Sendable {
        /// An SQLite file in a temporary directory (WAL), as `node.sqlite`.
        case sqlite = "SQLite"
        /// A fresh database on the server `scripts/with-postgres.sh` starts.
        case postgres = "PostgreSQL"
    }

    static let payer = "did:tau:bench-payer"
    static let payee = "did:tau:bench-payee"
    static let amount = Money(microunits: 1_000_000, currency: .credits)
    static let invoice = Money(microunits: 750_000, currency: .credits)

    let store: Store
    let book: EscrowBook
    let directory: TemporaryDirectory?
    let counter = Counter()

    private init(store: Store, directory: TemporaryDirectory?) {
        self.store = store
        self.directory = directory
        self.book = EscrowBook(escrows: store.escrows, now: { Date() })
    }

    static func make(_ backend: Backend) async throws -> EscrowFixture {
        let fixture: EscrowFixture
        switch backend {
        case .sqlite:
            let directory = try TemporaryDirectory(prefix: "tau-bench-escrow")
            let store = try await Store.open(.sqlite(path: directory.appending("node.sqlite")), logger: quiet)
            fixture = EscrowFixture(store: store, directory: directory)
        case .postgres:
            guard let url = try await TestPostgres.createDatabase() else { throw PostgresMissing() }
            fixture = EscrowFixture(store: try await Store.open(.postgres(url: url), logger: quiet), directory: nil)
        }
        // Enough in the wallet for every hold the benchmark places.
        try await fixture.store.ledger.post(
            try LedgerEntry.transfer(
                Money(microunits: 1_000_000_000_000, currency: .credits), from: .topUp, to: .wallet, kind: .topUp, idempotencyKey: "bench-fund",
                time: Date()))
        return fixture
    }

    /// One escrow from open to release; only the three transitions are measured.
    func measuredCycle(_ benchmark: Benchmark) async {
        let index = counter.next()
        let id = String(format: "esc_%024llx", index)
        let deadline = Date().addingTimeInterval(3_600)
        benchmark.startMeasurement()
        do {
            _ = try await book.open(
                id: id, side: .payer, payer: Self.payer, payee: Self.payee, amount: Self.amount, taskHash: "task-\(index)", deadline: deadline,
                openMessageID: "open-\(index)")
            _ = try await book.transition(id, side: .payer) { escrow, _ throws(LedgerError) in
                try escrow.result(hash: "result-\(index)", invoice: Self.invoice, signer: Self.payee, messageID: "result-\(index)")
            }
            let released = try await book.transition(id, side: .payer) { escrow, time throws(LedgerError) in
                try escrow.release(invoice: Self.invoice, signer: Self.payer, messageID: "release-\(index)", now: time)
            }
            benchmark.stopMeasurement()
            if released.state != .released { benchmark.error("escrow \(id) ended \(released.state.rawValue), not released") }
        } catch {
            benchmark.stopMeasurement()
            benchmark.error("escrow \(id) failed: \(error)")
        }
    }

    func close() async {
        await store.close()
        directory?.remove()
    }

    static var quiet: Logger {
        var logger = Logger(label: "tau.bench.escrow")
        logger.logLevel = .critical
        return logger
    }

    struct PostgresMissing: Error, CustomStringConvertible {
        var description: String { "no PostgreSQL server: run scripts/bench-escrow.sh, which starts one (TAU_TEST_DATABASE_URL)" }
    }
}

/// Escrow ids that are new in every iteration, warm-up included.
final class Counter: Sendable {
    private let value = Mutex<UInt64>(0)

    func next() -> UInt64 { value.withLock { $0 += 1; return $0 } }
}

/// The fixture of the benchmark that is running: made by its setup, closed by its teardown.
actor EscrowSlot {
    private var fixture: EscrowFixture?

    func open(_ backend: EscrowFixture.Backend) async throws {
        await fixture?.close()
        fixture = try await EscrowFixture.make(backend)
    }

    func current() -> EscrowFixture? { fixture }

    func close() async {
        await fixture?.close()
        fixture = nil
    }
}
