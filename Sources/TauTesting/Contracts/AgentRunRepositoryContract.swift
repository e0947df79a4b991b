import Foundation
import TauAgent
import TauCore

/// What every ``AgentRunRepository`` must do.
public enum AgentRunRepositoryContract {
    static let start = Date(epochMilliseconds: 1_790_000_000_000)

    static func run(_ id: String, session: String, key: String?, at offset: Int64 = 0) -> AgentRunRecord {
        AgentRunRecord(
            id: id, sessionID: session, apiKeyID: key, model: "m", createdAt: Date(epochMilliseconds: start.epochMilliseconds + offset),
            replica: "r-1")
    }

    public static let cases: [ContractCase<any AgentRunRepository>] = [
        ContractCase("keeps a run, refuses its id twice") { runs in
            let record = run("run_a", session: "ses_1", key: "key_1")
            try await runs.create(record)
            try await require(try await runs.run("run_a") == record, "read back as written")
            try await require(try await runs.run("run_none") == nil, "no such run")
            do {
                try await runs.create(record)
                try await require(false, "a second create must fail")
            } catch let error as AgentError {
                try await require(error.code == "run_exists", "run_exists, got \(error.code)")
            }
        },
        ContractCase("heartbeats report cancel requests; finishing is final") { runs in
            try await runs.create(run("run_b", session: "ses_1", key: nil))
            let beat = Date(epochMilliseconds: start.epochMilliseconds + 5_000)
            try await require(try await runs.heartbeat("run_b", at: beat) == false, "no cancel yet")
            try await require(try await runs.run("run_b")?.heartbeatAt == beat, "heartbeat stored")
            try await require(try await runs.requestCancel("run_b"), "a running run can be cancelled")
            try await require(try await runs.heartbeat("run_b", at: beat) == true, "the heartbeat sees the cancel")
            let end = Date(epochMilliseconds: start.epochMilliseconds + 9_000)
            try await runs.finish("run_b", summary: ["outcome": "cancelled"], at: end)
            let finished = try await runs.run("run_b")
            try await require(finished?.status == .finished && finished?.summary == ["outcome": "cancelled"], "finished with its summary")
            try await require(finished?.finishedAt == end, "finish time")
            try await runs.finish("run_b", summary: ["outcome": "completed"], at: beat)
            try await require(try await runs.run("run_b")?.summary == ["outcome": "cancelled"], "a second finish changes nothing")
            try await require(try await runs.requestCancel("run_b") == false, "a finished run cannot be cancelled")
            try await require(try await runs.requestCancel("run_none") == false, "nor a missing one")
            try await require(try await runs.heartbeat("run_b", at: end) == false, "a finished run takes no heartbeats")
        },
        ContractCase("lists the sessions of one key, the most recent first") { runs in
            try await runs.create(run("run_1", session: "ses_old", key: "key_a", at: 1))
            try await runs.create(run("run_2", session: "ses_new", key: "key_a", at: 5))
            try await runs.create(run("run_3", session: "ses_old", key: "key_a", at: 3))
            try await runs.create(run("run_4", session: "ses_other", key: "key_b", at: 9))
            try await runs.create(run("run_5", session: "ses_operator", key: nil, at: 9))
            try await require(try await runs.sessionIDs(apiKeyID: "key_a", limit: 10) == ["ses_new", "ses_old"], "key a's, newest first")
            try await require(try await runs.sessionIDs(apiKeyID: "key_b", limit: 10) == ["ses_other"], "key b's")
            try await require(try await runs.sessionIDs(apiKeyID: nil, limit: 10) == ["ses_operator"], "the operator's")
            try await require(try await runs.sessionIDs(apiKeyID: "key_a", limit: 1) == ["ses_new"], "limited")
            try await require(try await runs.hasRuns(in: "ses_old", apiKeyID: "key_a"), "key a ran in ses_old")
            try await require(try await !runs.hasRuns(in: "ses_old", apiKeyID: "key_b"), "key b did not")
            try await require(try await !runs.hasRuns(in: "ses_old", apiKeyID: nil), "nor did the operator")
            try await require(try await runs.hasRuns(in: "ses_operator", apiKeyID: nil), "the operator ran in ses_operator")
        },
    ]
}
