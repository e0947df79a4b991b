import Foundation
import NIOCore
import NIOPosix

// Swift concurrency's jobs run on the NIO event loop threads instead of a pool of their own:
// a request's handler then runs where its socket is served, without a thread hop (and a futex
// wake-up) each way between the two pools. Must happen before the first task is enqueued.
// `TAU_CONCURRENCY_POOL=swift` keeps Swift's own pool (to compare, or if blocking code shows up).
if ProcessInfo.processInfo.environment["TAU_CONCURRENCY_POOL"] != "swift" {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
await TauNodeCommand.runFromCommandLine()
