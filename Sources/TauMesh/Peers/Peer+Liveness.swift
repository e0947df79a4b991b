import Foundation

extension Peer {
    /// Failures in a row after which a peer is considered dead.
    public static let deadAfterFailures = 3
    /// The longest wait between attempts to reach a dead peer.
    public static let maximumBackoff: TimeInterval = 300
    /// How long a dead peer is kept before it is dropped from the table.
    public static let forgetDeadAfter: TimeInterval = 7 * 86_400

    /// A contact succeeded.
    public mutating func recordSuccess(at now: Date) {
        state = .alive
        failures = 0
        lastSeen = now
        nextAttempt = now
    }

    /// A contact failed. After ``deadAfterFailures`` failures the peer is dead and is
    /// tried again after `baseDelay × 2^(failures − deadAfterFailures)`, capped at
    /// ``maximumBackoff``; it never blocks anything in between.
    public mutating func recordFailure(at now: Date, baseDelay: TimeInterval) {
        failures += 1
        if failures < Peer.deadAfterFailures {
            state = .suspect
            nextAttempt = now
        } else {
            state = .dead
            let exponent = min(failures - Peer.deadAfterFailures, 16)
            nextAttempt = now.addingTimeInterval(min(baseDelay * pow(2, Double(exponent)), Peer.maximumBackoff))
        }
    }

    /// Whether the peer may be contacted now.
    public func isDue(at now: Date) -> Bool { nextAttempt <= now }
}
