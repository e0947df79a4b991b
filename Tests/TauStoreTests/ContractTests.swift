import Foundation
import TauAgent
import TauCore
import TauEnvelope
import TauIdentity
import TauMesh
import TauProviders
import TauLedger
import TauStore
import TauTesting
import Testing

/// Every repository protocol's contract, with the same assertions on every backend.
@Suite struct ContractTests {
    /// Runs `check` on a fresh subject of `backend`; PostgreSQL cases are skipped only when
    /// no test server is configured and none is required.
    static func with<Subject>(
        _ backend: TestBackend, memory: () -> Subject, store: (Store) -> Subject, _ check: (Subject) async throws -> Void
    ) async throws {
        if backend == .memory { return try await check(memory()) }
        guard let fixture = try await TestStore.open(backend) else { return }
        do {
            try await check(store(fixture.store))
            await fixture.remove()
        } catch {
            await fixture.remove()
            throw error
        }
    }

    @Test(arguments: TestBackend.allCases, DIDLogRepositoryContract.cases)
    func didLogs(_ backend: TestBackend, _ contract: ContractCase<any DIDLogRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryDIDLogRepository() }, store: { $0.didLogs }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, SessionRepositoryContract.cases)
    func sessions(_ backend: TestBackend, _ contract: ContractCase<any SessionRepository>) async throws {
        try await Self.with(backend, memory: { InMemorySessionRepository() }, store: { $0.sessions }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, MemoryRepositoryContract.cases)
    func memory(_ backend: TestBackend, _ contract: ContractCase<any MemoryRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryMemoryRepository() }, store: { $0.memory }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, ReplayCacheContract.cases)
    func replayCache(_ backend: TestBackend, _ contract: ContractCase<any ReplayCache>) async throws {
        try await Self.with(backend, memory: { InMemoryReplayCache() }, store: { $0.replayCache }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, PeerRepositoryContract.cases)
    func peers(_ backend: TestBackend, _ contract: ContractCase<any PeerRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryPeerRepository() }, store: { $0.peers }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, RateLimiterContract.cases)
    func rateLimiter(_ backend: TestBackend, _ contract: ContractCase<any RateLimiter>) async throws {
        try await Self.with(backend, memory: { InMemoryRateLimiter() }, store: { $0.rateLimiter }, contract.run)
    }
}

extension ContractTests {
    @Test(arguments: TestBackend.allCases, APIKeyRepositoryContract.cases)
    func apiKeys(_ backend: TestBackend, _ contract: ContractCase<any APIKeyRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryAPIKeyRepository() }, store: { $0.apiKeys }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, UsageRepositoryContract.cases)
    func usage(_ backend: TestBackend, _ contract: ContractCase<any UsageRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryUsageRepository() }, store: { $0.usage }, contract.run)
    }
}

extension ContractTests {
    @Test(arguments: TestBackend.allCases, BudgetLedgerContract.cases)
    func budgetLedger(_ backend: TestBackend, _ contract: ContractCase<BudgetLedgerContract.Subject>) async throws {
        try await Self.with(
            backend, memory: { (InMemoryAPIKeyRepository(), InMemoryUsageRepository()) }, store: { ($0.apiKeys, $0.usage) },
            contract.run)
    }
}

extension ContractTests {
    @Test(arguments: TestBackend.allCases, TimerQueueContract.cases)
    func timers(_ backend: TestBackend, _ contract: ContractCase<any TimerQueue>) async throws {
        try await Self.with(backend, memory: { InMemoryTimerQueue() }, store: { $0.timers }, contract.run)
    }
}

extension ContractTests {
    @Test(arguments: TestBackend.allCases, PeerRepositoryContract.updateCases)
    func peerUpdates(_ backend: TestBackend, _ contract: ContractCase<any PeerRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryPeerRepository() }, store: { $0.peers }, contract.run)
    }
}

extension ContractTests {
    @Test(arguments: TestBackend.allCases, LedgerRepositoryContract.cases)
    func ledger(_ backend: TestBackend, _ contract: ContractCase<any LedgerRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryLedgerRepository() }, store: { $0.ledger }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, ReputationRepositoryContract.cases)
    func reputation(_ backend: TestBackend, _ contract: ContractCase<any ReputationRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryReputationRepository() }, store: { $0.reputation }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, EscrowRepositoryContract.cases)
    func escrows(_ backend: TestBackend, _ contract: ContractCase<EscrowStoreUnderTest>) async throws {
        try await Self.with(
            backend,
            memory: {
                let ledger = InMemoryLedgerRepository()
                return EscrowStoreUnderTest(escrows: InMemoryEscrowRepository(ledger: ledger), ledger: ledger)
            },
            store: { EscrowStoreUnderTest(escrows: $0.escrows, ledger: $0.ledger) }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, AgentRunRepositoryContract.cases)
    func agentRuns(_ backend: TestBackend, _ contract: ContractCase<any AgentRunRepository>) async throws {
        try await Self.with(backend, memory: { InMemoryAgentRunRepository() }, store: { $0.agentRuns }, contract.run)
    }

    @Test(arguments: TestBackend.allCases, AuditLogContract.cases)
    func audit(_ backend: TestBackend, _ contract: ContractCase<any AuditLog>) async throws {
        try await Self.with(backend, memory: { InMemoryAuditLog() }, store: { $0.audit }, contract.run)
    }
}
