import TauProviders
import TauStore

extension NodeContext {
    /// The gateway's API keys (hashed) in node.sqlite.
    public var apiKeys: SQLiteAPIKeyRepository { SQLiteAPIKeyRepository(database: database) }
    /// Usage and cost records of model calls in node.sqlite.
    public var usage: SQLiteUsageRepository { SQLiteUsageRepository(database: database) }
}
