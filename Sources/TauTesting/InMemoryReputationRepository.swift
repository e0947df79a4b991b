import Foundation
import TauCore
import TauMesh

/// A ``ReputationRepository`` in memory, at the store's precision (whole milliseconds).
public actor InMemoryReputationRepository: ReputationRepository {
    private var items: [ReputationEvidence] = []

    public init() {}

    @discardableResult
    public func record(_ evidence: ReputationEvidence) async throws -> Bool {
        guard !items.contains(where: { $0.id == evidence.id || (evidence.receiptID != nil && $0.receiptID == evidence.receiptID) }) else {
            return false
        }
        var stored = evidence
        stored.time = Date(epochMilliseconds: evidence.time.epochMilliseconds)
        stored.latency = evidence.latency.map { .milliseconds(Int64($0.timeInterval * 1000)) }
        items.append(stored)
        return true
    }

    public func evidence(about peer: String, limit: Int) async throws -> [ReputationEvidence] {
        Array(items.filter { $0.peer == peer }.sorted { ($0.time, $0.id) > ($1.time, $1.id) }.prefix(max(0, limit)))
    }

    public func peers() async throws -> [String] { Array(Set(items.map(\.peer))).sorted() }
}
