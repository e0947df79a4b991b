import Foundation
import TauCore

/// ``RateLimiter`` in the store: one row per bucket, taken from in a single statement, so
/// that replicas on one PostgreSQL enforce one limit (of N concurrent takes from a bucket
/// with N tokens, exactly N are admitted).
///
/// A row remembers when its bucket would be full again; rows past that are deleted as
/// other buckets are used (a full bucket and a missing one behave alike).
public struct SQLRateLimiter: RateLimiter {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func take(_ key: String, limit: RateLimit, at now: Date) async throws -> RateDecision {
        guard limit.capacity >= 1, limit.refillPerSecond > 0 else { return .refused(retryAfter: 60) }
        let time = now.epochMilliseconds
        let perMillisecond = limit.refillPerSecond / 1000
        // Tokens now: what was left plus the refill since the last take (none when a
        // replica's clock is behind the last take), at most the capacity.
        let elapsed = "(CASE WHEN ?1 > limits_rate_buckets.updated_ms THEN ?1 - limits_rate_buckets.updated_ms ELSE 0 END)"
        let refilled = "(limits_rate_buckets.tokens + \(elapsed) * ?2)"
        let available = "(CASE WHEN \(refilled) > ?3 THEN ?3 ELSE \(refilled) END)"
        let rows = try await executor.query(
            """
            INSERT INTO limits_rate_buckets (bucket, tokens, updated_ms, full_at_ms) VALUES (?4, ?3 - 1, ?1, ?1 + ?5)
            ON CONFLICT (bucket) DO UPDATE SET
                tokens = \(available) - 1,
                updated_ms = CASE WHEN ?1 > limits_rate_buckets.updated_ms THEN ?1 ELSE limits_rate_buckets.updated_ms END,
                full_at_ms = ?1 + CAST((?3 - (\(available) - 1)) / ?2 AS BIGINT)
            WHERE \(available) >= 1
            RETURNING tokens
            """,
            [
                .integer(time), .real(perMillisecond), .real(limit.capacity), .text(key),
                .integer(Int64((1 / perMillisecond).rounded(.up))),
            ])
        if !rows.isEmpty {
            try await executor.execute(
                """
                DELETE FROM limits_rate_buckets WHERE bucket IN
                    (SELECT bucket FROM limits_rate_buckets WHERE full_at_ms < ? LIMIT 16)
                """, time)
            return .admitted
        }
        guard let row = try await executor.queryOne("SELECT tokens, updated_ms FROM limits_rate_buckets WHERE bucket = ?", key) else {
            return .refused(retryAfter: 0)
        }
        let elapsedNow = Double(max(0, time - (try row.int64("updated_ms"))))
        let tokens = min(limit.capacity, try row.double("tokens") + elapsedNow * perMillisecond)
        return .refused(retryAfter: max(0, (1 - tokens) / limit.refillPerSecond))
    }
}
