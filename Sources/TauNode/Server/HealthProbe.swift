import Foundation
import TauCore
import TauStore

/// Answers "can this node serve?" for `/healthz`, asking the store at most once a second:
/// load balancers poll often, and an unauthenticated caller must not be able to turn the
/// route into a stream of database round trips.
actor HealthProbe {
    private let store: Store
    private let clock: NodeClock
    private var last: (at: Date, failure: StoreError?)?

    init(store: Store, clock: NodeClock) {
        self.store = store
        self.clock = clock
    }

    /// Throws the store's error when it could not be reached (at the last check).
    func check() async throws {
        let now = clock.now()
        if let last, abs(now.timeIntervalSince(last.at)) < 1 {
            if let failure = last.failure { throw failure }
            return
        }
        var failure: StoreError?
        do {
            try await store.ping()
        } catch let error as StoreError {
            failure = error
        } catch {
            failure = StoreError("store_failed", "\(error)", cause: error)
        }
        last = (now, failure)
        if let failure { throw failure }
    }
}
