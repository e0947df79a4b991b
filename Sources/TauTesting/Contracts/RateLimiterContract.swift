import Foundation
import TauCore

/// What every ``RateLimiter`` must do.
public enum RateLimiterContract {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    public static let cases: [ContractCase<any RateLimiter>] = [
        ContractCase("a new bucket admits its capacity, then refuses with the wait") { limiter in
            let limit = RateLimit.perMinute(3)
            for index in 0..<3 {
                try await require(try await limiter.take("key", limit: limit, at: start).isAdmitted, "take \(index + 1) of 3 admitted")
            }
            guard case .refused(let wait) = try await limiter.take("key", limit: limit, at: start) else {
                throw ContractViolation(description: "the fourth take within the minute must be refused")
            }
            try await require(abs(wait - 20) < 0.5, "one token of 3/min comes back after 20 s, said \(wait)")
        },
        ContractCase("tokens come back over time, up to the capacity") { limiter in
            let limit = RateLimit.perMinute(2)
            _ = try await limiter.take("key", limit: limit, at: start)
            _ = try await limiter.take("key", limit: limit, at: start)
            try await require(try await !limiter.take("key", limit: limit, at: start.addingTimeInterval(29)).isAdmitted, "not yet after 29 s")
            try await require(try await limiter.take("key", limit: limit, at: start.addingTimeInterval(31)).isAdmitted, "one back after 30 s")
            let later = start.addingTimeInterval(3600)
            try await require(try await limiter.take("key", limit: limit, at: later).isAdmitted, "full after an hour: 1")
            try await require(try await limiter.take("key", limit: limit, at: later).isAdmitted, "full after an hour: 2")
            try await require(try await !limiter.take("key", limit: limit, at: later).isAdmitted, "never more than the capacity")
        },
        ContractCase("buckets are separate per key") { limiter in
            let limit = RateLimit.perMinute(1)
            try await require(try await limiter.take("a", limit: limit, at: start).isAdmitted, "a")
            try await require(try await limiter.take("b", limit: limit, at: start).isAdmitted, "b has its own bucket")
            try await require(try await !limiter.take("a", limit: limit, at: start).isAdmitted, "a is empty")
        },
        ContractCase("of concurrent takes exactly the capacity is admitted") { limiter in
            let limit = RateLimit.perMinute(5)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await limiter.take("race", limit: limit, at: start).isAdmitted } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await require(admitted == 5, "\(admitted) of 20 concurrent takes admitted, capacity 5")
        },
        ContractCase("a clock behind the last take refills nothing") { limiter in
            let limit = RateLimit.perMinute(1)
            try await require(try await limiter.take("skew", limit: limit, at: start).isAdmitted, "first")
            try await require(try await !limiter.take("skew", limit: limit, at: start.addingTimeInterval(-3600)).isAdmitted, "an earlier clock gains nothing")
        },
    ]
}
