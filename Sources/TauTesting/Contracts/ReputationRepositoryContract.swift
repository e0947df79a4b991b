import Foundation
import TauCore
import TauMesh

/// What every ``ReputationRepository`` must do.
public enum ReputationRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func item(_ id: String, _ peer: String, _ outcome: ReputationEvidence.Outcome, at offset: Int64, receipt: String? = nil) -> ReputationEvidence {
        ReputationEvidence(
            id: id, peer: peer, outcome: outcome, latency: outcome == .success ? .milliseconds(1_250) : nil,
            time: Date(epochMilliseconds: start.epochMilliseconds + offset), receiptID: receipt)
    }

    public static let cases: [ContractCase<any ReputationRepository>] = [
        ContractCase("keeps evidence per peer, newest first, once per id and per receipt") { repository in
            try await require(try await repository.record(item("rep_1", "did:tau:b", .success, at: 1, receipt: "m-1")), "kept")
            try await require(try await repository.record(item("rep_2", "did:tau:b", .timeout, at: 2)), "kept")
            try await require(try await repository.record(item("rep_3", "did:tau:c", .dispute, at: 3, receipt: "m-3")), "kept")
            try await require(try await !repository.record(item("rep_1", "did:tau:b", .failure, at: 9)), "an id twice is not kept")
            try await require(try await !repository.record(item("rep_9", "did:tau:b", .failure, at: 9, receipt: "m-1")), "a receipt twice is not kept")
            let about = try await repository.evidence(about: "did:tau:b", limit: 10)
            try await require(about.map(\.id) == ["rep_2", "rep_1"], "newest first: \(about.map(\.id))")
            try await require(about.last == item("rep_1", "did:tau:b", .success, at: 1, receipt: "m-1"), "read back exactly")
            try await require(try await repository.evidence(about: "did:tau:b", limit: 1).map(\.id) == ["rep_2"], "limited")
            try await require(try await repository.peers() == ["did:tau:b", "did:tau:c"], "peers")
        }
    ]
}
