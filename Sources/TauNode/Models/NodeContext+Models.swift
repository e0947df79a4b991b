import TauProviders
import TauStore

extension NodeContext {
    /// The gateway's API keys (hashed).
    public var apiKeys: SQLAPIKeyRepository { store.apiKeys }
    /// Usage and cost records of model calls.
    public var usage: SQLUsageRepository { store.usage }
}
