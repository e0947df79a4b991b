import Foundation
import TauCore

/// What every ``TimerQueue`` must do.
public enum TimerQueueContract {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    public static let cases: [ContractCase<any TimerQueue>] = [
        ContractCase("a timer is claimed once it is due, by one claimer") { timers in
            try await timers.schedule("t", at: start.addingTimeInterval(10), payload: "p", replacing: false)
            try await require(try await timers.claimDue(now: start, lease: 30, claimer: "a", limit: 10).isEmpty, "not due yet")
            let claimed = try await timers.claimDue(now: start.addingTimeInterval(10), lease: 30, claimer: "a", limit: 10)
            try await require(claimed.map(\.name) == ["t"] && claimed.first?.payload == "p", "due: claimed with its payload")
            try await require(
                try await timers.claimDue(now: start.addingTimeInterval(11), lease: 30, claimer: "b", limit: 10).isEmpty, "held by a")
        },
        ContractCase("a lease that runs out lets another claimer take over") { timers in
            try await timers.schedule("t", at: start, payload: nil, replacing: false)
            _ = try await timers.claimDue(now: start, lease: 30, claimer: "dead", limit: 1)
            let taken = try await timers.claim("t", now: start.addingTimeInterval(31), lease: 30, claimer: "b")
            try await require(taken?.name == "t", "b takes the timer after the lease")
            try await require(try await !timers.complete("t", claimer: "dead", next: nil), "the dead claimer no longer holds it")
            try await require(try await timers.complete("t", claimer: "b", next: nil), "b completes it")
            try await require(
                try await timers.claimDue(now: start.addingTimeInterval(999), lease: 30, claimer: "c", limit: 9).isEmpty, "completed: gone")
        },
        ContractCase("completing with a next time reschedules and releases") { timers in
            try await timers.schedule("periodic", at: start, payload: nil, replacing: false)
            _ = try await timers.claim("periodic", now: start, lease: 30, claimer: "a")
            try await require(try await timers.complete("periodic", claimer: "a", next: start.addingTimeInterval(60)), "rescheduled")
            try await require(try await timers.claim("periodic", now: start.addingTimeInterval(59), lease: 30, claimer: "b") == nil, "not yet")
            try await require(try await timers.claim("periodic", now: start.addingTimeInterval(60), lease: 30, claimer: "b") != nil, "due again")
        },
        ContractCase("ensuring a timer keeps its time; replacing moves it") { timers in
            try await timers.schedule("t", at: start.addingTimeInterval(100), payload: nil, replacing: false)
            try await timers.schedule("t", at: start, payload: nil, replacing: false)
            try await require(try await timers.claim("t", now: start, lease: 1, claimer: "a") == nil, "the first time stands")
            try await timers.schedule("t", at: start, payload: nil, replacing: true)
            try await require(try await timers.claim("t", now: start, lease: 1, claimer: "a") != nil, "replaced")
            try await timers.cancel("t")
            try await require(try await timers.claim("t", now: start.addingTimeInterval(999), lease: 1, claimer: "a") == nil, "cancelled")
        },
        ContractCase("concurrent claimers split the due timers, none twice") { timers in
            for index in 0..<40 {
                try await timers.schedule("job-\(index)", at: start.addingTimeInterval(Double(index)), payload: nil, replacing: false)
            }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for claimer in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await timers.claimDue(now: start.addingTimeInterval(100), lease: 60, claimer: "c\(claimer)", limit: 3)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.name)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            try await require(claims.count == 40 && Set(claims).count == 40, "\(claims.count) claims of 40 timers, \(Set(claims).count) distinct")
        },
    ]
}
