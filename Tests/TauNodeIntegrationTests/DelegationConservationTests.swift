import Foundation
import Subprocess
import TauCore
import TauTesting
import Testing

extension PaidMesh {
    /// Money conservation between real processes (issue 13): rounds of concurrent paid
    /// delegations from a payer with two replicas on one PostgreSQL to a payee whose model
    /// answers, fails or stalls at random, with SIGKILLs of a payer replica and of the payee.
    /// After every round each ledger sums to zero and what the payer paid is what the payee earned.
    @Suite(.serialized, .timeLimit(.minutes(10)))
    struct DelegationConservationTests {

        /// The ledger of a node in micro-credits: its accounts' sum (0 when balanced), what it paid and earned.
        static func ledger(_ node: DelegationTests.Node) async throws -> (sum: Int64, paid: Int64, earned: Int64) {
            let json = try await node.wallet()
            func micro(_ key: String) -> Int64 { Int64(((json[key]?.doubleValue ?? .nan) * 1_000_000).rounded()) }
            return (micro("wallet") + micro("held_in_escrow") + micro("paid") - micro("earned") - micro("topped_up"), micro("paid"), micro("earned"))
        }

        /// Whether every escrow of the node is settled.
        static func allSettled(_ node: DelegationTests.Node) async throws -> Bool {
            let escrows = try await node.json(["escrow", "list", "--limit", "1000"])["escrows"]?.arrayValue ?? []
            return escrows.allSatisfy { ["released", "refunded"].contains($0["state"]?.stringValue ?? "") }
        }

        /// Runs `count` delegations at once from `payer`; returns their exit codes.
        static func delegateAll(_ count: Int, to payee: String, from payer: DelegationTests.Node) async -> [Int32] {
            await withTaskGroup(of: Int32.self) { group in
                for index in 0..<count {
                    group.addTask { (try? await payer.tau(["delegate", "--to", payee, "--timeout", "6", "--json", "task \(index)"]))?.exitCode ?? -1 }
                }
                var codes: [Int32] = []
                for await code in group { codes.append(code) }
                return codes
            }
        }

        /// Every escrow of the payer settled, both ledgers balanced, paid = earned.
        static func checkConservation(_ step: String, payer: DelegationTests.Node, payee: DelegationTests.Node) async throws {
            try await eventually("\(step): every escrow of the payer is settled", timeout: .seconds(60)) { try await allSettled(payer) }
            try await eventually("\(step): the payee has been paid what the payer paid", timeout: .seconds(60)) {
                let paid = try await ledger(payer).paid
                let earned = try await ledger(payee).earned
                return paid == earned
            }
            let (a, b) = (try await ledger(payer), try await ledger(payee))
            #expect(a.sum == 0, "\(step): the payer's ledger balances")
            #expect(b.sum == 0, "\(step): the payee's ledger balances")
            #expect(a.paid == b.earned, "\(step): paid \(a.paid), earned \(b.earned)")
        }

        static func serve<T: Sendable>(
            _ node: DelegationTests.Node, peers: [String], port: Int? = nil, stopSignal: Signal = .terminate,
            _ body: @escaping @Sendable (String) async throws -> T
        ) async throws -> T {
            try await TauNodeProcess.withServer(
                home: node.home, arguments: peers.flatMap { ["--peer", $0] }, passphrase: node.passphrase, stopSignal: stopSignal, port: port,
                environment: DelegationTests.environment.merging(node.environment) { $1 }, body
            ).value
        }

        /// On PostgreSQL the payer runs two replicas; on SQLite one (its CLI shares the file).
        @Test(arguments: [false, true])
        func concurrentDelegationsWithFailuresAndKillsConserveMoney(onPostgres: Bool) async throws {
            let database = onPostgres ? try await TestPostgres.createDatabase() : nil
            if onPostgres, database == nil { return }
            var random = SystemRandomNumberGenerator()
            // Mostly answers; some refusals by the provider (the payee gives up) and stalls (deadline refunds).
            let steps: [ScriptedModelServer.Step] = (0..<40).map { index in
                switch Int.random(in: 0..<10, using: &random) {
                case 0: .error(status: 400, message: "bad request \(index)")
                case 1: .stall(.seconds(12))
                // Slow enough (about 1.5 s) that the SIGKILLs below land while tasks run.
                default: .slowText(String(repeating: "answer \(index) ", count: 10), interval: .milliseconds(150))
                }
            }
            let model = ScriptedModelServer(steps, then: .text("late answer"))
            try await model.serve { urlModel in
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let b = try await DelegationTests.makeNode(directory, "b", model: urlModel, price: "0.25", extra: "max_concurrent = 4\n")
                // The payer; results go to its first replica, at a fixed port.
                let portA1 = try PostgresServer.freePort()
                let urlA1 = "http://127.0.0.1:\(portA1)"
                let a1: DelegationTests.Node
                let a2: DelegationTests.Node
                if let database {
                    let (homeA1, homeA2, did) = try await ReplicaTests.makeReplicas(directory, database: database, upstream: urlModel)
                    let environment = ["TAU_DATABASE_URL": database]
                    a1 = DelegationTests.Node(name: "a1", home: homeA1, did: did, environment: environment, passphrase: ReplicaTests.passphrase)
                    a2 = DelegationTests.Node(name: "a2", home: homeA2, did: did, environment: environment, passphrase: ReplicaTests.passphrase)
                } else {
                    a1 = try await DelegationTests.makeNode(directory, "a")
                    a2 = a1
                }
                for home in Set([a1.home, a2.home]) {
                    let config = try String(contentsOfFile: home + "/config.toml", encoding: .utf8)
                        .replacingOccurrences(of: "[node]\n", with: "[node]\npublic_url = \"\(urlA1)\"\n")
                    try AtomicFile.write(config, to: home + "/config.toml")
                }
                #expect(try await a1.tau(["wallet", "credit", "20"]).exitCode == 0)
                // The second replica serves throughout (PostgreSQL only).
                let secondReplica: @Sendable (@escaping @Sendable () async throws -> Void) async throws -> Void = { body in
                    if onPostgres { try await Self.serve(a2, peers: []) { _ in try await body() } } else { try await body() }
                }

                try await secondReplica {
                    try await DelegationTests.serve(b) { urlB in
                        // Round 1: both payer replicas up.
                        try await Self.serve(a1, peers: [urlB], port: portA1) { _ in
                            try await eventually("the payer knows the payee") { try await DelegationTests.offers(a1, b) }
                            let codes = await Self.delegateAll(4, to: b.did, from: a2)
                            #expect(codes.allSatisfy { [0, 69, 75].contains($0) }, "\(codes)")
                            try await Self.checkConservation("round 1", payer: a1, payee: b)
                        }
                        // Round 2: the replica results are sent to is SIGKILLed mid-round and comes back.
                        let pending = try await Self.serve(a1, peers: [urlB], port: portA1, stopSignal: .kill) { _ in
                            let pending = Task { await Self.delegateAll(4, to: b.did, from: a2) }
                            try await Task.sleep(for: .milliseconds(1500))
                            return pending
                        }
                        try await Self.serve(a1, peers: [urlB], port: portA1) { _ in
                            let codes = await pending.value
                            #expect(codes.allSatisfy { [0, 69, 75].contains($0) }, "\(codes)")
                            try await Self.checkConservation("round 2", payer: a1, payee: b)
                        }
                    }
                    // Round 3: the payee is SIGKILLed mid-round and comes back.
                    try await Self.serve(a1, peers: [], port: portA1) { _ in
                        let pending = try await Self.serve(b, peers: [urlA1], stopSignal: .kill) { _ in
                            try await eventually("the payer knows where the payee is now") { try await DelegationTests.offers(a1, b) }
                            let pending = Task { await Self.delegateAll(4, to: b.did, from: a2) }
                            try await Task.sleep(for: .milliseconds(1500))
                            return pending
                        }
                        try await Self.serve(b, peers: [urlA1]) { _ in
                            let codes = await pending.value
                            #expect(codes.allSatisfy { $0 == 0 || $0 == 75 || $0 == 69 }, "\(codes)")
                            try await Self.checkConservation("round 3", payer: a1, payee: b)
                            #expect(try await Self.ledger(a1).paid > 0, "some of the twelve tasks were paid")
                        }
                    }
                }
            }
        }
    }
}
