import Foundation
import NIOCore
import NIOPosix

// `TAU_CONCURRENCY_POOL=nio` runs Swift concurrency's jobs on the NIO event loop threads instead
// of Swift's own pool, which saves a thread hop each way between the two. Measured on two cores
// (docs/performance.md) it makes plain gateway calls cheaper but streamed ones dearer, so
// Swift's pool stays the default. Must happen before the first task is enqueued.
if ProcessInfo.processInfo.environment["TAU_CONCURRENCY_POOL"] == "nio" {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
await TauNodeCommand.runFromCommandLine()
